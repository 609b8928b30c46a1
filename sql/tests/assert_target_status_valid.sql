-- tests: mart_target_tracking
-- description: Every target has a status, and a met or missed target has an actual value.
-- blocking: yes
select target_fact_id, status from mart_target_tracking
where status not in ('met', 'missed', 'pending') or (status <> 'pending' and actual_value is null)
