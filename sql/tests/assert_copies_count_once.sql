-- tests: stg_document
-- description: A copy of a document (same content hash, or same body text in one region) counts once: no copy is the source of a time-series figure, a row of the cross-document comparison, or a target or actual; byte-identical documents always share one canonical document.
select 'identical documents, two canonical' as problem, a.doc_id, b.doc_id as other
from dim_document a join dim_document b on a.sha256 = b.sha256 and a.doc_id < b.doc_id
join stg_document ca on ca.doc_id = a.doc_id join stg_document cb on cb.doc_id = b.doc_id
where ca.canonical_doc_id <> cb.canonical_doc_id
union all
select 'time series from a copy', t.source_doc_id, c.canonical_doc_id from mart_metric_timeseries t
join stg_document c on c.doc_id = t.source_doc_id where c.is_copy
union all
select 'cross-document row of a copy', x.doc_id, c.canonical_doc_id from mart_cross_document x
join stg_document c on c.doc_id = x.doc_id where c.is_copy
union all
select 'target or actual from a copy', coalesce(ct.doc_id, ca.doc_id), coalesce(ct.canonical_doc_id, ca.canonical_doc_id)
from mart_target_tracking t
left join stg_document ct on ct.doc_id = t.target_doc_id and ct.is_copy
left join stg_document ca on ca.doc_id = t.actual_doc_id and ca.is_copy
where ct.doc_id is not null or ca.doc_id is not null
