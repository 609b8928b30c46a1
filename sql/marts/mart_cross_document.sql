-- depends_on: fct_metric_observation
-- incremental_key: region, series_metric
with per_doc as (
    select region, series_metric, kind, unit, period, doc_id, any_value(document_date) as document_date,
           any_value(value order by precision_rank, last_digit_unit nulls last, start_offset) as value,
           any_value(surface_text order by precision_rank, last_digit_unit nulls last, start_offset) as surface_text,
           bool_or(has_revision_cue) as has_revision_cue
    from fct_metric_observation
    where not is_copy and period_kind is not null
    group by all
),
grouped as (
    select
        *,
        count(*) over g as n_documents,
        first_value(doc_id) over newest as newest_doc_id,
        first_value(document_date) over newest as newest_date,
        first_value(value) over newest as newest_value,
        first_value(has_revision_cue) over newest as newest_revises
    from per_doc
    window g as (partition by region, series_metric, kind, unit, period),
           newest as (partition by region, series_metric, kind, unit, period
                      order by document_date desc nulls last, doc_id desc
                      rows between unbounded preceding and unbounded following)
),
related as (
    select
        *,
        case when doc_id = newest_doc_id then 'newest'
             when abs(value - newest_value) <= 0.005 * greatest(abs(value), abs(newest_value)) then 'repeated'
             when newest_revises and newest_date > document_date then 'revised'
             else 'contradicted' end as relation,
        -- values as text without a trailing .0 (12000, not 12000.0), for the reasons
        regexp_replace(value::varchar, '\.0$', '') as value_text,
        regexp_replace(newest_value::varchar, '\.0$', '') as newest_text
    from grouped
    where n_documents >= 2
)
select
    region, series_metric, kind, unit, period, doc_id, document_date, value, surface_text, n_documents,
    newest_doc_id, newest_value, doc_id = newest_doc_id as is_newest,
    case when greatest(abs(value), abs(newest_value)) = 0 then 0
         else abs(value - newest_value) / greatest(abs(value), abs(newest_value)) end as relative_difference,
    relation in ('newest', 'repeated') as agrees_with_newest,
    relation,
    bool_or(relation = 'contradicted') over (partition by region, series_metric, kind, unit, period) as conflict,
    case relation
        -- an undated document says so: a NULL argument would make the whole reason NULL
        when 'contradicted' then format('{} ({}) gives {}, the newest {} ({}) gives {}', doc_id,
                                        coalesce(document_date::varchar, 'undated'), value_text, newest_doc_id,
                                        coalesce(newest_date::varchar, 'undated'), newest_text)
        when 'revised' then format('revised by {} ({}) to {}', newest_doc_id, coalesce(newest_date::varchar, 'undated'),
                                   newest_text)
    end as conflict_reason
from related
order by conflict desc, region, series_metric, kind, unit, period, is_newest desc, doc_id
