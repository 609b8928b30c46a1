-- description: Region x metric x kind x unit x period: the value from the most recent document reporting it, how many documents report it, and the change against the previous period.
-- depends_on: stg_metric_observation
-- incremental_key: region, series_metric
with ranked as (
    select
        *,
        row_number() over (
            partition by region, series_metric, kind, unit, period
            order by document_date desc nulls last, doc_id desc, start_offset
        ) as rn
    from stg_metric_observation
    where kind in ('level', 'growth', 'share', 'rank') and period <> ''
),
-- documents per figure by a grouped count: a distinct count over a window cost a second on 1.3M facts
documents as (
    select region, series_metric, kind, unit, period, count(distinct doc_id) as n_documents
    from stg_metric_observation
    where kind in ('level', 'growth', 'share', 'rank') and period <> ''
    group by all
),
latest as (
    select region, region_code, series_metric, metric_id, any_value(metric) as metric, kind, unit, period, period_year,
           any_value(value) as value, any_value(doc_id) as source_doc_id, any_value(document_date) as source_date,
           any_value(n_documents) as n_documents
    from ranked join documents using (region, series_metric, kind, unit, period) where rn = 1
    group by all
)
select
    *,
    value - lag(value) over w as change_abs,
    case when lag(value) over w <> 0 then round(100.0 * (value - lag(value) over w) / abs(lag(value) over w), 4) end
        as change_pct,
    lag(period) over w as previous_period
from latest
window w as (partition by region, series_metric, kind, unit order by period_year, period)
order by region, series_metric, kind, unit, period
