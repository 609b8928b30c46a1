-- tests: mart_metric_timeseries
-- description: One row per region, metric, kind, unit and period.
-- blocking: yes
select region, series_metric, kind, unit, period, count(*) from mart_metric_timeseries group by all having count(*) > 1
