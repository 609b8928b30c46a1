"""The SQL models' layers and inputs: each model declares exactly the relations its SQL reads, each a declared
source (sql/sources/*.yml), a seed or another model, and staging models read sources and seeds only. A model
that breaks one of these rules stops the models from loading, naming its file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.warehouse.models import declared_sources, load_models, relations_read, sql_dir


def test_every_model_reads_exactly_what_it_declares():
    models = load_models()
    assert models
    for m in models:
        assert relations_read(m.sql) == set(m.depends_on), m.name


def test_the_layers_as_dbt_names_them():
    models = {m.name: m for m in load_models()}
    sources = declared_sources()
    assert {"raw_document", "dim_document", "fct_metric_fact", "dim_unit", "dim_metric", "dim_region",
            "quarantine"} == sources  # fmt: skip
    assert not sources & models.keys()
    for m in models.values():
        if m.layer == "staging":
            assert set(m.depends_on) <= sources | {n for n, x in models.items() if x.layer == "seeds"}, m.name
    # the marts read the observation mart, which adds the copies to the staged facts
    assert models["mart_metric_timeseries"].depends_on == ("fct_metric_observation",)
    assert set(models["fct_metric_observation"].depends_on) == {"stg_metric_observation", "stg_document"}


def test_the_parser_sees_subqueries_and_not_ctes():
    sql = """with a as (select * from fct_metric_fact), b as (select * from a join dim_unit using (unit))
             select * from b where doc_id in (select doc_id from dim_document)
             and exists (select 1 from main.dim_metric m where m.metric_id = b.metric_id)"""
    assert relations_read(sql) == {"fct_metric_fact", "dim_unit", "dim_document", "dim_metric"}
    assert relations_read("select * from read_csv('x.csv')") == set()


@pytest.fixture
def models_copy(tmp_path: Path) -> Path:
    root = tmp_path / "sql"
    shutil.copytree(sql_dir(), root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_undeclared_input_is_an_error_at_load_time(models_copy: Path):
    mart = models_copy / "marts" / "mart_region_comparison.sql"
    _edit(mart, "left join dim_region r using (region_code)",
          "left join dim_region r using (region_code) join dim_unit u on u.unit = t.unit")
    with pytest.raises(ValueError, match=r"mart_region_comparison\.sql: reads dim_unit without declaring it"):
        load_models(models_copy)


def test_a_declared_input_the_sql_does_not_read_is_an_error(models_copy: Path):
    _edit(models_copy / "marts" / "mart_region_comparison.sql", "-- depends_on: mart_metric_timeseries, dim_region",
          "-- depends_on: mart_metric_timeseries, dim_region, dim_unit")
    with pytest.raises(ValueError, match="declares dim_unit, which its SQL does not read"):
        load_models(models_copy)


def test_a_relation_that_is_no_source_seed_or_model_is_an_error(models_copy: Path):
    (models_copy / "sources" / "quarantine.yml").unlink()
    with pytest.raises(ValueError, match=r"mart_document_summary\.sql: reads quarantine, which is no source"):
        load_models(models_copy)


def test_a_staging_model_that_reads_another_model_is_an_error(models_copy: Path):
    stg = models_copy / "staging" / "stg_metric_observation.sql"
    _edit(stg, "-- depends_on: fct_metric_fact,", "-- depends_on: stg_document, fct_metric_fact,")
    _edit(stg, "join dim_document d using (doc_id)", "join dim_document d using (doc_id) join stg_document c using (doc_id)")
    with pytest.raises(ValueError, match="a staging model reads sources and seeds only, not stg_document"):
        load_models(models_copy)


def test_a_model_named_as_a_source_is_an_error(models_copy: Path):
    (models_copy / "marts" / "quarantine.sql").write_text("-- depends_on: dim_document\nselect * from dim_document\n")
    with pytest.raises(ValueError, match="quarantine is a source"):
        load_models(models_copy)
