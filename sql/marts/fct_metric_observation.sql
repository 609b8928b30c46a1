-- depends_on: stg_metric_observation, stg_document
-- materialized: view
-- The staged facts (which read the loader's tables only) with what needs the whole corpus: whether the document
-- is a copy of another and which document stands for it. The marts read this view.
select o.*, c.canonical_doc_id, c.is_copy
from stg_metric_observation o
join stg_document c using (doc_id)
