-- tests: fct_metric_fact
-- description: Every value fits the exports' DECIMAL(38, 6) (pipelines/warehouse/exports.py): below 10^32 and, unless zero, not rounded to zero at 6 decimal places.
select fact_id, value, value_high from fct_metric_fact
where abs(value) >= 1e32 or abs(value_high) >= 1e32
   or (value <> 0 and abs(value) < 5e-7) or (value_high <> 0 and abs(value_high) < 5e-7)
