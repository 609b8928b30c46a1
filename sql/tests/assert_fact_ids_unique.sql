-- tests: fct_metric_fact
-- description: Every fact id appears once.
-- blocking: yes
select fact_id, count(*) as n from fct_metric_fact group by fact_id having count(*) > 1
