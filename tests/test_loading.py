"""The warehouse loader on its own (no Dagster): parallel extraction, bulk loads, schema upgrades."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.warehouse.load import extract_changed, sync_raw_documents
from pipelines.warehouse.store import SCHEMA_SQL, WarehousePaths, bulk_load, connect, start_build

from .conftest import SEEDS

CITIES = ["郑州市", "杭州市", "成都市", "武汉市", "西安市", "长沙市", "合肥市"]


def corpus_of(folder: Path, n: int) -> Path:
    """n documents: the seeds again and again, each with a first line of its own, so each is different."""
    seeds = sorted(SEEDS.glob("*.txt"))
    folder.mkdir()
    for i in range(n):
        city = CITIES[i % len(CITIES)]
        body = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (folder / f"doc_{i:03d}.txt").write_text(f"{city}数据局\n{2018 + i % 7}年全市新增企业{i + 3}家。\n{body}",
                                                 encoding="utf-8")  # fmt: skip
    return folder


def load(corpus: Path, db: Path, workers: int) -> dict[str, list]:
    with connect(db) as con:
        con.execute(SCHEMA_SQL)
        sync_raw_documents(con, corpus)
        stats = extract_changed(con, workers)
        assert stats["failed"] == 0
        return {t: con.execute(f"select * from {t} order by all").fetchall() for t in ("dim_document", "fct_metric_fact")}


def test_parallel_extraction_writes_what_one_process_writes(tmp_path: Path):
    # 70 documents: over the threshold (64) at which the loader starts worker processes.
    corpus = corpus_of(tmp_path / "corpus", 70)
    serial = load(corpus, tmp_path / "one.duckdb", workers=1)
    parallel = load(corpus, tmp_path / "two.duckdb", workers=2)
    assert len(serial["dim_document"]) == 70
    assert len(serial["fct_metric_fact"]) > 70 * 20
    assert parallel == serial


def test_a_warehouse_whose_fact_table_has_a_primary_key_is_upgraded_with_its_rows(tmp_path: Path):
    paths = WarehousePaths(tmp_path / "z.duckdb", "run1")
    rows = load(corpus_of(tmp_path / "corpus", 3), paths.published, workers=1)["fct_metric_fact"]
    with duckdb.connect(str(paths.published)) as con:  # the fact table as versions before this one made it
        con.execute("create table keyed as select * from fct_metric_fact")
        con.execute("drop table fct_metric_fact")
        ddl = SCHEMA_SQL.split("create table if not exists fct_metric_fact")[1].split(";")[0]
        con.execute("create table fct_metric_fact " + ddl.replace("fact_id varchar not null", "fact_id varchar primary key"))
        con.execute("insert into fct_metric_fact select * from keyed")
        con.execute("drop table keyed")
        assert con.execute("select count(*) from duckdb_constraints() where constraint_type = 'PRIMARY KEY' "
                           "and table_name = 'fct_metric_fact'").fetchone()[0] == 1  # fmt: skip
    start_build(paths)
    with duckdb.connect(str(paths.build)) as con:
        assert con.execute("select count(*) from duckdb_constraints() where constraint_type = 'PRIMARY KEY' "
                           "and table_name = 'fct_metric_fact'").fetchone()[0] == 0  # fmt: skip
        assert con.execute("select * from fct_metric_fact order by all").fetchall() == rows


def test_a_bulk_load_restores_the_checkpoint_threshold_and_leaves_no_log(tmp_path: Path):
    db = tmp_path / "z.duckdb"
    with connect(db) as con:
        con.execute("create table t (x varchar)")
        before = con.execute("select current_setting('checkpoint_threshold')").fetchall()
        with bulk_load(con):
            for _ in range(5):
                con.execute("insert into t select repeat('数', 1000) from range(2000)")
            assert con.execute("select current_setting('checkpoint_threshold')").fetchall() != before
        assert con.execute("select current_setting('checkpoint_threshold')").fetchall() == before
        wal = db.with_name(db.name + ".wal")
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed: everything is in the file itself
        assert con.execute("select count(*) from t").fetchone()[0] == 10000
