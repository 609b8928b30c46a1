-- depends_on: fct_metric_fact, dim_document, stg_document, quarantine
-- Facts are counted per document first, then joined: a join before the distinct counts cost twice as much.
with per_doc as (
    select
        doc_id,
        count(*) as n_facts,
        count(*) filter (where kind = 'level') as n_level,
        count(*) filter (where kind = 'target') as n_target,
        count(*) filter (where kind = 'growth') as n_growth,
        count(*) filter (where kind = 'share') as n_share,
        count(*) filter (where kind = 'rank') as n_rank,
        count(*) filter (where kind = 'difference') as n_difference,
        count(distinct coalesce(metric_id, metric)) as n_metrics,
        count(distinct metric_id) as n_catalogued_metrics
    from fct_metric_fact
    group by doc_id
)
select
    d.doc_id,
    d.path,
    case when c.is_copy then 'copy' else 'extracted' end as status,
    d.skipped as reason,  -- figures left out of the facts and why; for a quarantined file, why it was refused
    d.title,
    coalesce(d.reply_date, d.publish_date) as document_date,
    d.region,
    coalesce(p.n_facts, 0) as n_facts,
    coalesce(p.n_level, 0) as n_level,
    coalesce(p.n_target, 0) as n_target,
    coalesce(p.n_growth, 0) as n_growth,
    coalesce(p.n_share, 0) as n_share,
    coalesce(p.n_rank, 0) as n_rank,
    coalesce(p.n_difference, 0) as n_difference,
    coalesce(p.n_metrics, 0) as n_metrics,
    coalesce(p.n_catalogued_metrics, 0) as n_catalogued_metrics,
    c.canonical_doc_id,
    c.copy_kind,
    c.n_paths
from dim_document d
join stg_document c using (doc_id)
left join per_doc p using (doc_id)
union all
select null, q.path, 'quarantined', q.reason, null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null
from quarantine q
order by status, doc_id, path
