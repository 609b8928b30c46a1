"""The schema files (sql/**/<table>.yml) describe every analyst-facing table and column, and what they say
reaches the warehouse comments, the Dagster column schemas, the README and docs/columns.md; their generic
tests run as asset checks and fail on bad rows."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.definitions import build_definitions
from pipelines.warehouse.models import run_test
from pipelines.warehouse.schema_docs import (
    _parse,
    columns_reference,
    generic_tests,
    load_table_docs,
    readme_table,
    reference_order,
)

from .conftest import ROOT

DOCS = load_table_docs()


def main_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, str | None]]]:
    rows = con.execute(
        "select table_name, column_name, data_type, comment from duckdb_columns() "
        "where schema_name = 'main' and database_name = current_database() order by table_name, column_index"
    ).fetchall()
    out: dict[str, list] = {}
    for t, c, ty, comment in rows:
        out.setdefault(t, []).append((c, ty, comment))
    return out


def test_every_table_is_described_with_its_columns_and_types(seed_build):
    with duckdb.connect(str(seed_build[0]), read_only=True) as con:
        tables = main_tables(con)
    assert set(tables) == set(DOCS)  # no table without a schema file, no schema file without a table
    for name, cols in tables.items():
        assert [(c, ty) for c, ty, _ in cols] == [(c.name, c.type) for c in DOCS[name].columns], name


def test_descriptions_are_warehouse_comments(seed_build):
    with duckdb.connect(str(seed_build[0]), read_only=True) as con:
        tables = main_tables(con)
        comments = dict(con.execute("select table_name, comment from duckdb_tables() where schema_name = 'main' "
                                    "union all select view_name, comment from duckdb_views() "
                                    "where schema_name = 'main' and not internal").fetchall())  # fmt: skip
    for name, doc in DOCS.items():
        assert comments[name] == doc.description
        assert [comment for _, _, comment in tables[name]] == [c.description for c in doc.columns], name


def test_descriptions_are_the_assets_column_schemas():
    import dagster as dg

    from pipelines.defs.assets import TABLE_ASSET

    graph = build_definitions().get_repository_def().asset_graph
    for name, doc in DOCS.items():
        if name in TABLE_ASSET:  # written by another table's asset (quarantine rows come with raw_document)
            continue
        node = graph.get(dg.AssetKey(name))
        schema = node.metadata["dagster/column_schema"]
        assert [(c.name, c.type, c.description) for c in schema.columns] == [
            (c.name, c.type, c.description) for c in doc.columns], name  # fmt: skip
        assert node.description == doc.description
        assert {c.name for c in schema.columns if not c.constraints.nullable} == {c.name for c in doc.columns if c.not_null}


def test_generic_tests_are_asset_checks_that_passed_on_the_seeds(seed_build):
    tests = generic_tests(DOCS)
    assert {t.name.rsplit("__", 1)[1] for t in tests} == {"not_null", "unique", "accepted_values", "relationships"}
    checks = {k.name for k in build_definitions().get_repository_def().asset_graph.asset_check_keys}
    assert {t.name for t in tests} <= checks
    with duckdb.connect(str(seed_build[0]), read_only=True) as con:
        failing = {t.name: run_test(con, t) for t in tests}
    assert {k: v for k, v in failing.items() if v[0]} == {}


def test_generic_tests_find_bad_rows(seed_build, tmp_path: Path):
    db = tmp_path / "bad.duckdb"
    shutil.copyfile(seed_build[0], db)
    with duckdb.connect(str(db)) as con:
        con.execute("update fct_metric_fact set kind = 'guess' where fact_id = (select min(fact_id) from fct_metric_fact)")
        con.execute("insert into dim_unit select * from dim_unit limit 1")
        con.execute("update fct_metric_fact set doc_id = 'no_such_document' "
                    "where fact_id = (select max(fact_id) from fct_metric_fact)")  # fmt: skip
        con.execute("update dim_region set name = null where region_code = '000000'")
        by_name = {t.name: t for t in generic_tests(DOCS)}
        assert run_test(con, by_name["fct_metric_fact__kind__accepted_values"]) == (1, [("guess", 1)])
        assert run_test(con, by_name["dim_unit__unit__unique"])[0] == 1
        assert run_test(con, by_name["fct_metric_fact__doc_id__relationships"]) == (1, [("no_such_document",)])
        assert run_test(con, by_name["dim_region__name__not_null"])[0] == 1


def test_readme_and_columns_reference_are_generated_from_the_schema_files():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- tables: generated from sql/\*\*/\*\.yml -->\n(.*?)\n<!-- end of tables -->", readme, re.S)
    assert block, "README lost its generated table of tables"
    hint = "run python scripts/readme_examples.py"
    assert block.group(1) == readme_table(DOCS, reference_order(DOCS)), hint
    assert (ROOT / "docs" / "columns.md").read_text(encoding="utf-8") == columns_reference(DOCS, reference_order(DOCS)), hint


@pytest.mark.parametrize(("raw", "message"), [
    ({"name": "t", "description": "d"}, "needs name, description and columns"),
    ({"name": "other", "description": "d", "columns": []}, "differs from the file name"),
    ({"name": "t", "description": "d", "columns": [{"name": "c", "type": "INTEGER"}]}, "name, type and description"),
    ({"name": "t", "description": "d", "columns": [{"name": "c", "type": "INTEGER", "description": "x",
                                                     "tests": ["positive"]}]}, "unknown test 'positive'"),
])  # fmt: skip
def test_a_malformed_schema_file_names_itself(raw: dict, message: str):
    with pytest.raises(ValueError, match=message) as e:
        _parse(Path("sql/marts/t.yml"), raw)
    assert "t.yml" in str(e.value)
