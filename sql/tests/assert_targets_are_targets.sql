-- tests: mart_target_tracking
-- description: Durations and counts of a plan's parts (sql/seeds/not_a_target.csv) are not tracked as targets, and a target is met or missed only by an actual of another, later document for the same region, metric, unit and period.
select 'not a target' as problem, t.target_fact_id, o.not_a_target_reason as detail
from mart_target_tracking t join fct_metric_observation o on o.fact_id = t.target_fact_id
where o.not_a_target_reason is not null
union all
select 'judged by its own document or an earlier one', target_fact_id, actual_doc_id from mart_target_tracking
where status <> 'pending' and (actual_doc_id = target_doc_id or actual_date <= target_date or actual_date is null)
union all
select 'actual of another figure', t.target_fact_id, t.actual_doc_id from mart_target_tracking t
where t.status <> 'pending' and not exists (
    select 1 from fct_metric_observation a
    where a.doc_id = t.actual_doc_id and a.region = t.region and a.series_metric = t.series_metric
      and a.unit = t.unit and a.period = t.target_period and a.value = t.actual_value)
