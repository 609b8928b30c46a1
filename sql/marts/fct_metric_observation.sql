-- depends_on: stg_metric_observation
-- materialized: view
select
    fact_id,
    series_metric,
    metric_id,
    metric as metric_label,
    kind,
    value,
    value_high,
    unit,
    qualifier,
    region,
    region_code,
    region_source,
    period_source,
    period,
    period_kind,
    period_year,
    period_first_year,
    period_last_year,
    doc_id,
    document_title,
    document_date,
    start_offset,
    end_offset,
    surface_text,
    sentence
from stg_metric_observation
