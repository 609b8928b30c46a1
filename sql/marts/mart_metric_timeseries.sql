-- depends_on: fct_metric_observation
-- incremental_key: region, series_metric
with obs as (
    select * from fct_metric_observation
    where not is_copy and kind in ('level', 'growth', 'share', 'rank') and period_kind is not null
),
ranked as (
    select
        *,
        row_number() over (
            partition by region, series_metric, kind, unit, period
            order by document_date desc nulls last, doc_id desc, precision_rank, last_digit_unit nulls last,
                     start_offset
        ) as rn
    from obs
),
-- one value per document and figure (its most precise, then first mention) against the newest document's, as
-- mart_cross_document judges them; then the documents per figure: a grouped count, where a distinct count over a
-- window cost a second on 1.3M facts
per_document as (
    select
        *,
        first_value(value) over newest as newest_value,
        first_value(document_date) over newest as newest_date,
        first_value(revises) over newest as newest_revises
    from (
        select region, series_metric, kind, unit, period, doc_id, any_value(document_date) as document_date,
               any_value(value order by precision_rank, last_digit_unit nulls last, start_offset) as value,
               bool_or(has_revision_cue) as revises
        from obs
        group by all
    )
    window newest as (partition by region, series_metric, kind, unit, period
                      order by document_date desc nulls last, doc_id desc
                      rows between unbounded preceding and unbounded following)
),
documents as (
    select region, series_metric, kind, unit, period, count(*) as n_documents,
           -- more than 0.5% from the newest, unless the newest, later document says it revises the figure
           count(*) filter (where abs(value - newest_value) > 0.005 * greatest(abs(value), abs(newest_value))
                              and not coalesce(newest_revises and newest_date > document_date, false))
               as n_contradicting,
           min(value) as min_value, max(value) as max_value
    from per_document
    group by all
),
latest as (
    select r.region, r.region_code, r.series_metric, r.metric_id, r.metric, r.kind, r.unit, r.period, r.period_kind,
           r.period_year, r.period_first_year, r.period_last_year, r.period_previous, r.period_year_ago, r.value,
           r.doc_id as source_doc_id, r.document_date as source_date, d.n_documents, r.is_running_total,
           d.n_contradicting, d.min_value, d.max_value
    -- a series of unknown region (NULL) is a series too: USING would drop it
    from ranked r join documents d
      on d.region is not distinct from r.region and d.series_metric = r.series_metric and d.kind = r.kind
     and d.unit = r.unit and d.period = r.period
    where r.rn = 1
),
compared as (
    select
        l.*,
        p.value as previous_value,
        y.value as year_ago_value,
        -- the highest earlier report of the same kind of period: a running total below it has fallen
        max(l.value) over earlier as earlier_max_value,
        arg_max(l.period, l.value) over earlier as earlier_max_period
    from latest l
    left join latest p
      on p.region is not distinct from l.region and p.series_metric is not distinct from l.series_metric
     and p.kind = l.kind and p.unit = l.unit and p.period = l.period_previous
    left join latest y
      on y.region is not distinct from l.region and y.series_metric is not distinct from l.series_metric
     and y.kind = l.kind and y.unit = l.unit and y.period = l.period_year_ago
    window earlier as (partition by l.region, l.series_metric, l.kind, l.unit, l.period_kind order by l.period
                       rows between unbounded preceding and 1 preceding)
),
-- values as text without a trailing .0 (33000, not 33000.0), for the reasons
shown as (
    select *, regexp_replace(value::varchar, '\.0$', '') as value_text,
           regexp_replace(earlier_max_value::varchar, '\.0$', '') as earlier_max_text,
           regexp_replace(min_value::varchar, '\.0$', '') as min_text,
           regexp_replace(max_value::varchar, '\.0$', '') as max_text
    from compared
),
flagged as (
    select
        *,
        nullif(concat_ws('; ',
            case when is_running_total and kind = 'level' and earlier_max_value > value
                 then format('running total fell: {} in {} after {} in {}', value_text, period, earlier_max_text,
                             earlier_max_period) end,
            case when n_contradicting > 0
                 then format('documents disagree: {} of {} differ from the newest ({}); values {} to {}',
                             n_contradicting, n_documents, value_text, min_text, max_text) end
        ), '') as flag_reason
    from shown
)
select
    region, region_code, series_metric, metric_id, metric, kind, unit, period, period_kind, period_year,
    period_first_year, period_last_year, value, source_doc_id, source_date, n_documents,
    value - previous_value as change_abs,
    case when previous_value <> 0 then round(100.0 * (value - previous_value) / abs(previous_value), 4) end
        as change_pct,
    case when previous_value is not null then period_previous end as previous_period,
    case when year_ago_value is not null then period_year_ago end as year_ago_period,
    value - year_ago_value as change_abs_year_ago,
    case when year_ago_value <> 0 then round(100.0 * (value - year_ago_value) / abs(year_ago_value), 4) end
        as change_pct_year_ago,
    is_running_total,
    flag_reason is not null as flagged,
    flag_reason
from flagged
order by region, series_metric, kind, unit, period
