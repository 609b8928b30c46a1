-- description: Per document: facts by kind, metrics covered, catalogued metrics; and one row per quarantined file with its reason.
-- depends_on: stg_metric_observation, dim_document, quarantine
select
    d.doc_id,
    d.path,
    'extracted' as status,
    null::varchar as reason,
    d.title,
    coalesce(d.reply_date, d.publish_date) as document_date,
    d.region,
    count(f.fact_id) as n_facts,
    count(f.fact_id) filter (where f.kind = 'level') as n_level,
    count(f.fact_id) filter (where f.kind = 'target') as n_target,
    count(f.fact_id) filter (where f.kind = 'growth') as n_growth,
    count(f.fact_id) filter (where f.kind = 'share') as n_share,
    count(f.fact_id) filter (where f.kind = 'rank') as n_rank,
    count(f.fact_id) filter (where f.kind = 'difference') as n_difference,
    count(distinct f.series_metric) as n_metrics,
    count(distinct f.metric_id) as n_catalogued_metrics
from dim_document d
left join stg_metric_observation f using (doc_id)
group by all
union all
select null, q.path, 'quarantined', q.reason, null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0
from quarantine q
order by status, doc_id, path
