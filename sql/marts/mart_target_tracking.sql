-- depends_on: fct_metric_observation
-- incremental_key: region, series_metric
with targets as (
    select fact_id as target_fact_id, doc_id as target_doc_id, document_date as target_date, region, series_metric,
           metric, unit, period as target_period, period_last_year as target_year, value as target_value, qualifier
    from fct_metric_observation
    where kind = 'target' and period_kind is not null and not is_copy and not_a_target_reason is null
),
actuals as (
    select region, series_metric, unit, period, value as actual_value, doc_id as actual_doc_id,
           document_date as actual_date
    from fct_metric_observation
    where kind in ('level', 'share') and period_kind is not null and not is_copy
),
matched as (
    select
        t.*, a.actual_value, a.actual_doc_id, a.actual_date,
        row_number() over (partition by t.target_fact_id
                           order by a.actual_date desc nulls last, a.actual_doc_id desc, a.actual_value) as rn
    from targets t
    left join actuals a
      on a.region = t.region and a.series_metric = t.series_metric and a.unit = t.unit
     and a.period = t.target_period and a.actual_doc_id <> t.target_doc_id and a.actual_date > t.target_date
)
select
    target_fact_id, target_doc_id, target_date, region, series_metric, metric, unit, target_period, target_year,
    target_value, qualifier, actual_value, actual_doc_id, actual_date,
    case when actual_value is null then 'pending'
         when qualifier = 'less_than' and actual_value <= target_value then 'met'
         when qualifier <> 'less_than' and actual_value >= target_value then 'met'
         else 'missed' end as status,
    case when actual_value is not null and target_value <> 0
         then round(100.0 * actual_value / target_value, 2) end as pct_of_target
from matched
where rn = 1
order by region, series_metric, target_year, target_period, target_fact_id
