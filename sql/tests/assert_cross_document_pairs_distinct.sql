-- tests: mart_cross_document
-- description: A comparison pairs two different documents, once.
select doc_a, doc_b, region, series_metric, kind, unit, period, count(*) from mart_cross_document
group by all having count(*) > 1 or doc_a = doc_b
