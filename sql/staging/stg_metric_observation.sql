-- depends_on: fct_metric_fact, dim_document, dim_unit, dim_metric, running_total_cues, revision_cues, not_a_target
-- materialized: view
with facts as (
    select
        f.*,
        case when regexp_full_match(f.period, '\d{4}') then 'year'
             when regexp_full_match(f.period, '\d{4}Q[1-4]') then 'quarter'
             when regexp_full_match(f.period, '\d{4}H[12]') then 'half'
             when regexp_full_match(f.period, '\d{4}-(0[1-9]|1[0-2])') then 'month'
             when regexp_full_match(f.period, '\d{4}-\d{4}') then 'span'
        end as period_kind,
        u.dimension as unit_dimension,
        -- the label is the metric's name or a synonym (上云企业), not a longer name that contains one (省级企业上云服务商)
        coalesce(f.metric = m.name or list_contains(string_split(m.synonyms, '|'), f.metric), false) as label_is_metric,
        -- the clause that leads to the figure: from the last clause end before it
        regexp_extract(left(f.sentence, greatest(instr(f.sentence, f.surface_text) - 1, 0)), '[^,，;；。、:：]*$')
            as lead_clause
    from fct_metric_fact f
    left join dim_unit u on u.unit = f.unit
    left join dim_metric m on m.metric_id = f.metric_id
),
periods as (
    select
        *,
        case when period_kind is not null then left(period, 4)::integer end as period_first_year,
        case when period_kind = 'span' then right(period, 4)::integer
             when period_kind is not null then left(period, 4)::integer end as period_last_year,
        -- quarter, half or month number
        case when period_kind in ('quarter', 'half') then right(period, 1)::integer
             when period_kind = 'month' then right(period, 2)::integer end as period_number
    from facts
)
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
    f.unit_dimension,
    f.qualifier,
    -- within one document, the figure that stands for a metric and period: one labelled by the metric's own name,
    -- then an exact one before an approximate one, before a bound or range (完成…4812亿元 before 突破4000亿元), then
    -- the one stated to a finer last digit (迈上5千亿元台阶, 达到5236亿元: a milestone is a round number), then the
    -- first mentioned
    case when f.label_is_metric then 0 else 10 end
        + case f.qualifier when 'exact' then 0 when 'approx' then 1 else 2 end as precision_rank,
    -- the unit of the last digit stated, in the canonical unit: 1e8 for 5236亿元, 1e11 for 5千亿元, 0.1 for 5.6%
    -- (a power of ten: 8.1 / 81 is 0.09999999999999999 in floating point)
    power(10, round(log10(nullif(abs(f.value), 0) / nullif(try_cast(
        trim(replace(regexp_extract(f.surface_text, '[0-9][0-9.]*'), '.', ''), '0') as double), 0)))) as last_digit_unit,
    f.region,
    f.region_code,
    -- why the fact has its region and period: clause or sentence (stated with the figure), paragraph (an
    -- opener such as 过去一年), heading, document (its header or date), inferred, none
    f.region_source,
    f.period_source,
    f.period,
    f.period_kind,
    -- a span (2021-2025) is not a year: only a yearly figure has a period_year
    case when f.period_kind = 'year' then f.period_first_year end as period_year,
    f.period_first_year,
    f.period_last_year,
    -- the period just before, of the same kind: previous year, quarter, half, month, or the span of the same
    -- length that ends the year before this one starts
    case f.period_kind
        when 'year' then (f.period_first_year - 1)::varchar
        when 'quarter' then case when f.period_number = 1 then (f.period_first_year - 1)::varchar || 'Q4'
                                 else f.period_first_year::varchar || 'Q' || (f.period_number - 1)::varchar end
        when 'half' then case when f.period_number = 1 then (f.period_first_year - 1)::varchar || 'H2'
                              else f.period_first_year::varchar || 'H1' end
        when 'month' then case when f.period_number = 1 then (f.period_first_year - 1)::varchar || '-12'
                               else f.period_first_year::varchar || '-' || lpad((f.period_number - 1)::varchar, 2, '0') end
        when 'span' then (2 * f.period_first_year - f.period_last_year - 1)::varchar || '-'
                         || (f.period_first_year - 1)::varchar
    end as period_previous,
    -- the same quarter, half or month a year before
    case when f.period_kind in ('quarter', 'half', 'month')
         then (f.period_first_year - 1)::varchar || substr(f.period, 5) end as period_year_ago,
    coalesce(d.reply_date, d.publish_date) as document_date,
    d.title as document_title,
    f.start_offset,
    f.end_offset,
    f.surface_text,
    f.sentence,
    -- the vocabularies as lists (one row each, joined to every fact): DuckDB skips them when a query does not read
    -- these columns, where correlated subqueries cost every reader of the view a join per vocabulary
    f.unit_dimension = 'count'
        and len(list_filter(v.running_total_cues, lambda cue: contains(f.lead_clause, cue))) > 0 as is_running_total,
    len(list_filter(v.revision_cues, lambda cue: contains(f.sentence, cue))) > 0 as has_revision_cue,
    case when f.kind = 'target' then list_filter(v.not_a_target, lambda x:
        (x.match = 'unit_dimension' and x.value = f.unit_dimension)
        or (x.match = 'label_suffix' and f.metric_id is null and ends_with(f.metric, x.value)))[1].reason
    end as not_a_target_reason
from periods f
join dim_document d using (doc_id)
cross join (
    select (select list(cue) from running_total_cues) as running_total_cues,
           (select list(cue) from revision_cues) as revision_cues,
           (select list({'match': match, 'value': value, 'reason': reason} order by match, value) from not_a_target)
               as not_a_target
) v
