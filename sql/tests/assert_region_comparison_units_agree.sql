-- tests: mart_region_comparison
-- description: Regions are compared only within one unit, and each region appears once per comparison.
-- blocking: yes
select series_metric, kind, unit, period, region, count(*) as n
from mart_region_comparison group by all having count(*) > 1
