-- tests: mart_cross_document
-- description: One row per document and figure, and every group really spans two or more documents.
select doc_id, region, series_metric, kind, unit, period, count(*) from mart_cross_document
group by all having count(*) > 1
union all
select null, region, series_metric, kind, unit, period, count(distinct doc_id) from mart_cross_document
group by all having count(distinct doc_id) < 2
