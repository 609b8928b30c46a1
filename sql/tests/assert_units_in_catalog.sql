-- tests: fct_metric_fact
-- description: Every fact's unit is in dim_unit.
-- blocking: no
select f.fact_id, f.unit from fct_metric_fact f left join dim_unit u on u.unit = f.unit where u.unit is null
