-- tests: mart_cross_document
-- description: One row per document and figure, and every group really spans two or more documents.
-- blocking: yes
select doc_id, region, series_metric, kind, unit, period, count(*) from mart_cross_document
group by all having count(*) > 1
union all
-- a group of one document has the same first and last document id (cheaper than a distinct count)
select null, region, series_metric, kind, unit, period, 1 from mart_cross_document
group by region, series_metric, kind, unit, period having min(doc_id) = max(doc_id)
