-- depends_on: dim_document
-- materialized: view
with keyed as (
    select doc_id, path, sha256, coalesce(reply_date, publish_date) as document_date,
           -- byte-identical files have the same fingerprint (or none) and region, so one key covers both rules
           coalesce('body:' || text_fingerprint || ':' || coalesce(region_code, region, ''), 'sha:' || sha256) as copy_key
    from dim_document
),
ordered as (
    select *,
           first_value(doc_id) over copies as canonical_doc_id,
           first_value(sha256) over copies as canonical_sha256,
           count(*) over copies as n_paths,
           list(path order by path) over copies as paths
    from keyed
    window copies as (partition by copy_key order by document_date nulls last, doc_id
                      rows between unbounded preceding and unbounded following)
)
select
    doc_id,
    path,
    canonical_doc_id,
    doc_id <> canonical_doc_id as is_copy,
    case when doc_id = canonical_doc_id then null when sha256 = canonical_sha256 then 'exact' else 'near' end
        as copy_kind,
    n_paths,
    paths
from ordered
