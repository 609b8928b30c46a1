-- description: The same region x metric x kind x unit x period reported by more than one document: each value, whether they agree (within 0.5%), the relative difference, and which document is newer.
-- depends_on: stg_metric_observation
with per_doc as (
    select region, series_metric, kind, unit, period, doc_id, document_date,
           any_value(value order by start_offset) as value, any_value(surface_text order by start_offset) as surface_text
    from stg_metric_observation
    where period <> ''
    group by all
),
pairs as (
    select a.region, a.series_metric, a.kind, a.unit, a.period,
           a.doc_id as doc_a, a.value as value_a, a.surface_text as text_a, a.document_date as date_a,
           b.doc_id as doc_b, b.value as value_b, b.surface_text as text_b, b.document_date as date_b
    from per_doc a join per_doc b
      on a.region = b.region and a.series_metric = b.series_metric and a.kind = b.kind
     and a.unit = b.unit and a.period = b.period and a.doc_id < b.doc_id
)
select
    *,
    case when greatest(abs(value_a), abs(value_b)) = 0 then 0
         else abs(value_a - value_b) / greatest(abs(value_a), abs(value_b)) end as relative_difference,
    abs(value_a - value_b) <= 0.005 * greatest(abs(value_a), abs(value_b)) as agree,
    not (abs(value_a - value_b) <= 0.005 * greatest(abs(value_a), abs(value_b))) as conflict,
    case when date_a is null and date_b is null then null
         when date_b is null or date_a > date_b then doc_a else doc_b end as newer_doc
from pairs
order by conflict desc, region, series_metric, period
