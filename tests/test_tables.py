"""One description of the loader's tables (sql/sources/*.yml) gives their DDL, the Arrow schemas the loader writes
with, the rows it makes of the core's records and the fields of the JSONL exports: each follows the schema file,
and the exports' lines are the lines `zhibiao extract` writes."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.core.attribution import Fact
from pipelines.core.metadata import DocRecord
from pipelines.warehouse import tables
from pipelines.warehouse.load import DOC_SCHEMA, FACT_SCHEMA, _doc_row, _fact_values
from pipelines.warehouse.store import FACT_COLUMNS, SCHEMA_SQL

from .conftest import SEEDS

LOADED = ["raw_document", "dim_document", "fct_metric_fact", "quarantine"]  # created by SCHEMA_SQL


def test_the_ddl_is_the_schema_files():
    with duckdb.connect() as con:
        con.execute(SCHEMA_SQL)
        for name in LOADED:
            doc = tables.source_table(name)
            cols = con.execute("select column_name, data_type, is_nullable from information_schema.columns "
                               "where table_name = ? and table_schema = 'main' order by ordinal_position",
                               [name]).fetchall()  # fmt: skip
            assert [(c, t) for c, t, _ in cols] == [(c.name, c.type) for c in doc.columns], name
            not_null = {c for c, _, nullable in cols if nullable == "NO"}
            assert not_null == {c.name for c in doc.columns if c.not_null or c.name == doc.primary_key}, name
            keys = con.execute("select constraint_column_names from duckdb_constraints() where table_name = ? "
                               "and constraint_type = 'PRIMARY KEY'", [name]).fetchall()  # fmt: skip
            assert [k[0] for k in keys] == ([[doc.primary_key]] if doc.primary_key else []), name


def test_a_warehouse_from_before_a_column_gains_it():
    with duckdb.connect() as con:
        con.execute("create table raw_document (doc_id varchar primary key, path varchar not null, "
                    "sha256 varchar not null, text varchar not null)")  # fmt: skip
        con.execute("insert into raw_document values ('a', 'a.txt', 'x', 't')")
        con.execute(SCHEMA_SQL)
        row = con.execute("select * from raw_document").fetchall()
        names = [d[0] for d in con.description]
    assert set(names) == set(tables.column_names("raw_document"))
    assert dict(zip(names, row[0], strict=True))["n_replaced"] == 0  # the column's default


def test_arrow_schemas_and_rows_follow_the_schema_files():
    assert FACT_SCHEMA.names == FACT_COLUMNS == tables.column_names("fct_metric_fact")
    assert DOC_SCHEMA.names == tables.column_names("dim_document")
    fact = Fact(doc="d", start=3, end=8, text="3.3万家", value=33000, unit="家", qualifier="exact", kind="level",
                metric="上云企业数", metric_id=None, region=None, region_code=None, period="2022", sentence="s",
                value_high=None, region_source="none", period_source="sentence")  # fmt: skip
    row = dict(zip(FACT_COLUMNS, _fact_values(fact), strict=True))
    assert row["fact_id"] == "d:3:8" and row["doc_id"] == "d" and row["surface_text"] == "3.3万家"
    assert row["value"] == 33000.0 and isinstance(row["value"], float) and row["value_high"] is None
    assert row["period_source"] == "sentence"
    doc = _doc_row(DocRecord(doc="d", reply_date="2023-02-30", publish_date="2023-03-01"), "sha", "d.txt")
    assert doc["doc_id"] == "d" and doc["sha256"] == "sha" and doc["path"] == "d.txt"
    assert doc["reply_date"] is None and str(doc["publish_date"]) == "2023-03-01"  # not a date: unknown
    with pytest.raises(OverflowError):
        _fact_values(dataclasses.replace(fact, value=10**400))


def test_a_field_of_the_core_without_a_column_is_an_error():
    @dataclasses.dataclass
    class Wider(Fact):
        confidence: float | None = None

        def as_json(self) -> dict[str, object]:
            return {**super().as_json(), "confidence": self.confidence}

    with pytest.raises(ValueError, match=r"writes confidence, which no column of sql/sources/fct_metric_fact\.yml"):
        tables.jsonl_fields("fct_metric_fact", Wider)
    with pytest.raises(ValueError, match=r"Wider\.confidence: no column of sql/sources/fct_metric_fact\.yml holds it"):
        tables.RecordRows("fct_metric_fact", Wider)


def _lines(path: Path) -> dict[tuple, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        out[(d["doc"], d.get("start"))] = d
    return out


def test_the_exports_lines_are_those_of_zhibiao_extract(seed_build, tmp_path: Path):
    facts, docs = tmp_path / "facts.jsonl", tmp_path / "docs.jsonl"
    subprocess.run([sys.executable, "-m", "pipelines.cli", "extract", str(SEEDS), "--facts", str(facts),
                    "--docs", str(docs)], check=True, capture_output=True)  # fmt: skip
    exports = seed_build[1]
    for ours, theirs in ((exports / "facts.jsonl", facts), (exports / "docs.jsonl", docs)):
        a, b = _lines(ours), _lines(theirs)
        assert a and a.keys() == b.keys()
        for k in a:
            assert list(a[k]) == list(b[k]), k  # the same fields in the same order
            assert a[k] == b[k], k
