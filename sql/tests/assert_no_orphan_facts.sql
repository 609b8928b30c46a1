-- tests: fct_metric_fact
-- description: Every fact belongs to a document in dim_document.
-- blocking: yes
select f.fact_id from fct_metric_fact f left join dim_document d using (doc_id) where d.doc_id is null
