-- description: Each target (力争…, 到2025年…) against the actual later reported for the same region, metric, unit and year: met, missed or pending, and the share of the target reached.
-- depends_on: stg_metric_observation
-- incremental_key: region, series_metric
with targets as (
    select fact_id as target_fact_id, doc_id as target_doc_id, document_date as target_date, region, series_metric,
           metric, unit, period as target_period, period_year as target_year, value as target_value, qualifier
    from stg_metric_observation
    where kind = 'target' and period_year is not null
),
actuals as (
    select region, series_metric, unit, period_year, value as actual_value, doc_id as actual_doc_id,
           document_date as actual_date,
           row_number() over (partition by region, series_metric, unit, period_year
                              order by document_date desc nulls last, doc_id desc) as rn
    from stg_metric_observation
    where kind = 'level' and period_year is not null
)
select
    t.*,
    a.actual_value,
    a.actual_doc_id,
    a.actual_date,
    case when a.actual_value is null then 'pending'
         when a.actual_value >= t.target_value then 'met'
         else 'missed' end as status,
    case when a.actual_value is not null and t.target_value <> 0
         then round(100.0 * a.actual_value / t.target_value, 2) end as pct_of_target
from targets t
left join actuals a
  on a.rn = 1 and a.region = t.region and a.series_metric = t.series_metric and a.unit = t.unit
 and a.period_year = t.target_year and a.actual_doc_id <> t.target_doc_id
order by t.region, t.series_metric, t.target_year
