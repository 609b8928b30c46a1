-- description: One metric, kind and period across regions, ranked by value (latest report per region); only where at least two regions report it in the same unit.
-- depends_on: mart_metric_timeseries
with comparable as (
    select *, count(*) over (partition by series_metric, kind, unit, period) as n_regions
    from mart_metric_timeseries
    where region <> '全国'
)
select
    series_metric, metric_id, metric, kind, unit, period, region, region_code, value,
    rank() over (partition by series_metric, kind, unit, period order by value desc) as region_rank,
    n_regions, source_doc_id
from comparable
where n_regions >= 2
order by series_metric, kind, period, region_rank
