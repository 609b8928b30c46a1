-- tests: mart_metric_timeseries
-- description: A running total (a count after 累计, 总数 … of sql/seeds/running_total_cues.csv) below an earlier report of its series is flagged with the reason; so is a figure two documents give different values (more than 0.5% apart); and every cross-document contradiction says why.
select 'running total fell, not flagged' as problem, t.region, t.series_metric, t.period
from mart_metric_timeseries t
join mart_metric_timeseries e
  on e.region is not distinct from t.region and e.series_metric is not distinct from t.series_metric
 and e.kind = t.kind and e.unit = t.unit and e.period_kind = t.period_kind and e.period < t.period
where t.is_running_total and t.kind = 'level' and e.value > t.value
  and coalesce(t.flag_reason, '') not like '%running total fell%'
union all
select 'documents disagree, not flagged', region, series_metric, period from mart_cross_document x
where conflict and not exists (
    select 1 from mart_metric_timeseries t
    where t.region is not distinct from x.region and t.series_metric is not distinct from x.series_metric
      and t.kind = x.kind and t.unit = x.unit and t.period = x.period and t.flagged)
  and x.kind in ('level', 'growth', 'share', 'rank')
union all
select 'contradiction without a reason', region, series_metric, period from mart_cross_document
where relation in ('contradicted', 'revised') and conflict_reason is null
