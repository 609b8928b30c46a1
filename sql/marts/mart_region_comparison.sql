-- depends_on: mart_metric_timeseries, dim_region
with comparable as (
    select t.*, r.level as region_level,
           count(*) over (partition by t.series_metric, t.kind, t.unit, t.period, r.level) as n_regions
    from mart_metric_timeseries t
    left join dim_region r using (region_code)
    where t.region is not null and r.level is distinct from 'national'
)
select
    series_metric, metric_id, metric, kind, unit, period, period_kind, region_level, region, region_code, value,
    rank() over (partition by series_metric, kind, unit, period, region_level order by value desc) as region_rank,
    n_regions, source_doc_id, flagged
from comparable
where n_regions >= 2
order by series_metric, kind, period, region_level, region_rank
