"""The run's plan is one pure function of the warehouse the run started from, the corpus as read and the code
versions; it is stored as one typed row that every step reads, and a warehouse of an earlier zhibiao keeps its
code versions through the move from string flags."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.plan import Models, RunPlan, Versions, WarehouseView, make_plan, read_plan, save_plan
from pipelines.warehouse.store import INTERNAL_SCHEMA, RUN_PLAN, SCHEMA_SQL, WarehousePaths, connect, start_build

CODE = Versions("x1", "m1")
DOCS = {f"d{i:02d}": f"sha{i}" for i in range(20)}


def view(documents: dict[str, str] = DOCS, extracted: dict[str, str] | None = None, quarantine=frozenset(),
         versions: Versions = CODE) -> WarehouseView:  # fmt: skip
    return WarehouseView(documents, dict(documents) if extracted is None else extracted, frozenset(quarantine), versions)


def test_the_first_run_extracts_every_document_and_builds_the_models():
    plan = make_plan("r", None, view(extracted={}, versions=Versions(None, None)), CODE)
    assert plan == RunPlan("r", True, True, tuple(sorted(DOCS)), (), Models.FULL, CODE)


def test_a_run_without_change_keeps_everything():
    plan = make_plan("r", view(), view(), CODE)
    assert (plan.changed, plan.extract, plan.remove, plan.models) == (False, (), (), Models.UNCHANGED)


def test_a_few_edited_or_deleted_documents_refresh_the_models_key_by_key():
    now = {**DOCS, "d03": "new"}
    del now["d07"]
    plan = make_plan("r", view(), view(now, extracted=DOCS), CODE)
    assert (plan.changed, plan.extract, plan.remove, plan.models) == (True, ("d03",), ("d07",), Models.INCREMENTAL)


def test_past_a_fifth_of_the_corpus_the_models_are_rebuilt():
    four = {**DOCS, **{f"d{i:02d}": "new" for i in range(4)}}  # 4 of 20: a fifth, still refreshed
    assert make_plan("r", view(), view(four, extracted=DOCS), CODE).models is Models.INCREMENTAL
    five = {**four, "d04": "new"}
    assert make_plan("r", view(), view(five, extracted=DOCS), CODE).models is Models.FULL


def test_new_extraction_code_extracts_every_document_again():
    plan = make_plan("r", view(), view(versions=Versions("x0", "m1")), CODE)
    assert (plan.changed, plan.reextract_all, plan.extract, plan.models) == (True, True, tuple(sorted(DOCS)), Models.FULL)
    assert plan.versions == CODE  # the versions the rebuilt rows are made by


def test_new_sql_rebuilds_the_models_and_extracts_nothing():
    plan = make_plan("r", view(), view(versions=Versions("x1", "m0")), CODE)
    assert (plan.changed, plan.reextract_all, plan.extract, plan.models) == (True, False, (), Models.FULL)


@pytest.mark.parametrize("why", ["quarantine", "rewritten", "failed_last_time"])
def test_what_else_makes_a_run_publish(why: str):
    last = view()
    now = view(quarantine={("x.bin", "binary")}) if why == "quarantine" else view()
    if why == "failed_last_time":  # its extraction failed: it has no row in dim_document and is tried again
        now = view(extracted={d: s for d, s in DOCS.items() if d != "d04"})
    plan = make_plan("r", last, now, CODE, rewritten=why == "rewritten")
    assert plan.changed
    assert plan.extract == (("d04",) if why == "failed_last_time" else ())


def test_the_plan_is_one_typed_row_read_by_the_run_that_made_it(tmp_path: Path):
    paths = WarehousePaths(tmp_path / "z.duckdb", "run-1")
    start_build(paths)
    plan = make_plan("run-1", view(), view({**DOCS, "d03": "new"}, extracted=DOCS), CODE)
    with connect(paths.build) as con:
        save_plan(con, plan)
        save_plan(con, plan)  # replaced, never a second row
        assert con.execute(f"select count(*) from {RUN_PLAN}").fetchone()[0] == 1
        types = dict(con.execute(f"select column_name, data_type from duckdb_columns() where schema_name = "
                                 f"'{INTERNAL_SCHEMA}' and table_name = 'run_plan'").fetchall())  # fmt: skip
        assert read_plan(con, "run-1", CODE) == plan
        # A run that did not plan (a selection of assets without run_plan) remakes what it runs.
        assert read_plan(con, "run-2", CODE) == RunPlan.rebuild("run-2", CODE)
        versions = dict(con.execute(f"select key, value from {INTERNAL_SCHEMA}.run_state").fetchall())
    assert (types["changed"], types["extract"]) == ("BOOLEAN", "VARCHAR[]")
    assert versions == {"extractor_version": "x1", "models_version": "m1"}


def test_a_warehouse_with_string_flags_keeps_its_code_versions(tmp_path: Path):
    paths = WarehousePaths(tmp_path / "z.duckdb", "run-1")
    with duckdb.connect(str(paths.published)) as con:  # as zhibiao wrote it before the plan
        con.execute(SCHEMA_SQL)
        con.execute(f"create table {INTERNAL_SCHEMA}.run_state (key varchar primary key, value varchar)")
        con.execute(f"insert into {INTERNAL_SCHEMA}.run_state values ('extractor_version', 'x0'), "
                    "('models_version', 'm0'), ('dirty', '0'), ('models_full', '0'), ('extracted_docs', '[]')")  # fmt: skip
    start_build(paths)
    with connect(paths.build) as con:
        assert read_plan(con, "", CODE).versions == Versions("x0", "m0")
        assert dict(con.execute(f"select key, value from {INTERNAL_SCHEMA}.run_state").fetchall()) == {
            "extractor_version": "x0", "models_version": "m0"}
