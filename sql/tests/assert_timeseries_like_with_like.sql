-- tests: mart_metric_timeseries
-- description: A change is measured only against a period of the same kind just before (the year before a year, the quarter before a quarter, the half before a half, the month before a month, the span of the same length ending the year before a span), and a year-ago change only for a quarter, half or month against the same one a year before. A span has no period_year.
with pairs as (
    select row_number() over () as id, period, previous_period as other, 'previous' as relation
    from mart_metric_timeseries where previous_period is not null
    union all
    select row_number() over () + 1e9, period, year_ago_period, 'year_ago'
    from mart_metric_timeseries where year_ago_period is not null
),
sides as (
    select id, relation, 'this' as side, period from pairs
    union all
    select id, relation, 'other', other from pairs
),
parsed as (
    select id, relation, side, period,
           case when regexp_full_match(period, '\d{4}') then 'year'
                when regexp_full_match(period, '\d{4}Q[1-4]') then 'quarter'
                when regexp_full_match(period, '\d{4}H[12]') then 'half'
                when regexp_full_match(period, '\d{4}-(0[1-9]|1[0-2])') then 'month'
                when regexp_full_match(period, '\d{4}-\d{4}') then 'span' end as kind,
           try_cast(left(period, 4) as integer) as y,
           try_cast(regexp_extract(period, '(\d+)$', 1) as integer) as n
    from sides
)
select a.relation, a.period, b.period as compared_with, a.kind, b.kind as compared_kind
from parsed a join parsed b on a.id = b.id and a.relation = b.relation and a.side = 'this' and b.side = 'other'
where a.kind is null or a.kind is distinct from b.kind
   or (a.relation = 'previous' and not case a.kind
           when 'year' then b.y = a.y - 1
           when 'quarter' then 4 * b.y + b.n = 4 * a.y + a.n - 1
           when 'half' then 2 * b.y + b.n = 2 * a.y + a.n - 1
           when 'month' then 12 * b.y + b.n = 12 * a.y + a.n - 1
           when 'span' then b.n = a.y - 1 and b.n - b.y = a.n - a.y end)
   or (a.relation = 'year_ago' and not (a.kind in ('quarter', 'half', 'month') and b.y = a.y - 1 and b.n = a.n))
union all
select 'span with a year', period, null, period_kind, null from mart_metric_timeseries
where period_kind = 'span' and period_year is not null
