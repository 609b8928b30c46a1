-- tests: fct_metric_fact
-- description: Values are finite numbers.
-- blocking: yes
select fact_id, value from fct_metric_fact where value is null or isnan(value) or isinf(value)
