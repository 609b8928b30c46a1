-- description: The same region x metric x kind x unit x period reported by more than one document: one row per document with its value, the newest document's value, the relative difference to it, whether they agree (within 0.5%), and whether the group holds a conflict. Linear in the facts, however many documents repeat a figure.
-- depends_on: stg_metric_observation
-- incremental_key: region, series_metric
with per_doc as (
    select region, series_metric, kind, unit, period, doc_id, any_value(document_date) as document_date,
           any_value(value order by start_offset) as value,
           any_value(surface_text order by start_offset) as surface_text
    from stg_metric_observation
    where period <> ''
    group by all
),
grouped as (
    select
        *,
        count(*) over g as n_documents,
        first_value(doc_id) over newest as newest_doc_id,
        first_value(value) over newest as newest_value,
        min(value) over g as min_value,
        max(value) over g as max_value
    from per_doc
    window g as (partition by region, series_metric, kind, unit, period),
           newest as (partition by region, series_metric, kind, unit, period
                      order by document_date desc nulls last, doc_id desc
                      rows between unbounded preceding and unbounded following)
)
select
    region, series_metric, kind, unit, period, doc_id, document_date, value, surface_text, n_documents,
    newest_doc_id, newest_value, doc_id = newest_doc_id as is_newest,
    case when greatest(abs(value), abs(newest_value)) = 0 then 0
         else abs(value - newest_value) / greatest(abs(value), abs(newest_value)) end as relative_difference,
    abs(value - newest_value) <= 0.005 * greatest(abs(value), abs(newest_value)) as agrees_with_newest,
    max_value - min_value > 0.005 * greatest(abs(max_value), abs(min_value)) as conflict
from grouped
where n_documents >= 2
order by conflict desc, region, series_metric, kind, unit, period, is_newest desc, doc_id
