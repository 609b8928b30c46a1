"""The published warehouse opens in the DuckDB CLI analysts install (`pip install duckdb-cli`, 1.5), the
pipeline's bookkeeping sits in its own schema, and a warehouse from before both is converted by a run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.defs.assets import ALL_ASSETS
from pipelines.defs.resources import ZhibiaoResource
from pipelines.warehouse.store import INTERNAL_SCHEMA, STORAGE_VERSION, storage_version

from .conftest import SEEDS


def duckdb_cli() -> str | None:
    """The `duckdb` binary of this environment (the duckdb-cli test dependency), else one on PATH."""
    here = Path(sys.executable).parent / "duckdb"
    return str(here) if here.is_file() else shutil.which("duckdb")


def analyst_tables(warehouse: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select table_schema, table_name from information_schema.tables order by all").fetchall()


def test_published_warehouse_is_in_the_readable_storage_version(seed_build):
    assert storage_version(seed_build[0]) == STORAGE_VERSION == "v1.4.0"


def test_bookkeeping_is_out_of_the_analysts_way(seed_build):
    tables = analyst_tables(seed_build[0])
    main = {t for s, t in tables if s == "main"}
    assert {"fct_metric_fact", "dim_document", "mart_metric_timeseries"} <= main
    assert not main & {"run_state", "run_affected_series"}
    assert {t for s, t in tables if s == INTERNAL_SCHEMA} == {"run_plan", "run_state", "run_affected_series"}


def test_every_table_and_view_opens_in_the_duckdb_cli(seed_build):
    cli = duckdb_cli()
    if cli is None:
        pytest.skip("no duckdb CLI installed (pip install duckdb-cli)")
    version = subprocess.run([cli, "--version"], capture_output=True, text=True).stdout
    queries = [f"select '{t}', count(*) from {s}.{t};" for s, t in analyst_tables(seed_build[0])]
    r = subprocess.run([cli, "-readonly", "-csv", "-noheader", str(seed_build[0])], input="\n".join(queries),
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0 and not r.stderr, (version, r.stderr)
    counts = dict(line.split(",") for line in r.stdout.splitlines())
    assert len(counts) == len(queries) and int(counts["fct_metric_fact"]) > 100, version
    # the descriptions travel with the file: the CLI shows the column comments
    r = subprocess.run([cli, "-readonly", "-json", str(seed_build[0]), "-c",
                        "select comment from duckdb_columns() where table_name = 'fct_metric_fact' "
                        "and column_name = 'qualifier'"], capture_output=True, text=True, timeout=60)  # fmt: skip
    assert "more_than" in r.stdout, (version, r.stdout, r.stderr)


def test_a_warehouse_from_before_is_converted_and_its_state_kept(seed_build, tmp_path: Path):
    """A DuckDB 2 file (storage v2.0.0) with run_state in main, as earlier versions wrote it."""
    old = tmp_path / "wh" / "zhibiao.duckdb"
    old.parent.mkdir()
    with duckdb.connect() as con:
        con.execute(f"attach '{seed_build[0]}' as src (read_only)")
        con.execute(f"attach '{old}' as old (storage_version 'v2.0.0')")
        con.execute("copy from database src to old")
        con.execute(f"create table old.main.run_state as select * from old.{INTERNAL_SCHEMA}.run_state")
        con.execute(f"drop schema old.{INTERNAL_SCHEMA} cascade")
        state = dict(con.execute("select key, value from old.main.run_state").fetchall())
    assert storage_version(old) == "v2.0.0"
    res = ZhibiaoResource(corpus_dir=str(SEEDS), warehouse_path=str(old), export_dir=str(tmp_path / "x"), workers=1)
    assert dg.materialize(ALL_ASSETS, resources={"zhibiao": res}, instance=dg.DagsterInstance.ephemeral()).success
    assert storage_version(old) == STORAGE_VERSION
    assert "run_state" not in {t for s, t in analyst_tables(old) if s == "main"}
    with duckdb.connect(str(old), read_only=True) as con:
        now = dict(con.execute(f"select key, value from {INTERNAL_SCHEMA}.run_state").fetchall())
        n_facts = con.execute("select count(*) from fct_metric_fact").fetchone()[0]
    assert now["extractor_version"] == state["extractor_version"]  # kept: nothing was extracted again
    assert n_facts > 100
