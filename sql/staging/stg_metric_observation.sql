-- description: One row per fact with its document's dates and a series key: the canonical metric id where the catalog knows the metric, else the label.
-- depends_on: fct_metric_fact, dim_document
-- materialized: view
select
    f.fact_id,
    f.doc_id,
    coalesce(f.metric_id, f.metric) as series_metric,
    f.metric_id,
    f.metric,
    f.kind,
    f.value,
    f.value_high,
    f.unit,
    f.qualifier,
    f.region,
    f.region_code,
    f.period,
    try_cast(regexp_extract(f.period, '(\d{4})$', 1) as integer) as period_year,
    coalesce(d.reply_date, d.publish_date) as document_date,
    d.title as document_title,
    f.start_offset,
    f.end_offset,
    f.surface_text,
    f.sentence
from fct_metric_fact f
join dim_document d using (doc_id)
