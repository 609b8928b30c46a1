"""The warehouse loader on its own (no Dagster): parallel extraction, bulk loads, schema upgrades."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.warehouse.load import extract_changed, sync_raw_documents
from pipelines.warehouse.plan import Versions, make_plan, read_view
from pipelines.warehouse.store import (
    FACT_TABLE_SQL,
    RUN_PLAN_SQL,
    SCHEMA_SQL,
    WarehousePaths,
    bulk_load,
    connect,
    start_build,
)
from pipelines.warehouse.versions import extractor_version, models_version

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


def extract_as_planned(con: duckdb.DuckDBPyConnection, workers: int) -> dict[str, int]:
    """What a run's plan says to extract, extracted."""
    con.execute(RUN_PLAN_SQL)
    plan = make_plan("test", None, read_view(con), Versions(extractor_version(), models_version()))
    return extract_changed(con, plan.extract, plan.remove, workers)


def load(corpus: Path, db: Path, workers: int) -> dict[str, list]:
    with connect(db) as con:
        con.execute(SCHEMA_SQL)
        sync_raw_documents(con, corpus)
        stats = extract_as_planned(con, workers)
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
        con.execute(FACT_TABLE_SQL.replace("fact_id varchar not null", "fact_id varchar primary key"))
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


def test_files_unchanged_since_their_last_hash_are_not_read_again(tmp_path: Path, monkeypatch):
    import os
    import time
    from types import SimpleNamespace

    import pipelines.warehouse.load as load_module

    corpus = corpus_of(tmp_path / "corpus", 3)
    # The runs happen a minute after the writes: past the window in which a file's times are not trusted.
    later = time.time() + 60
    monkeypatch.setattr(load_module, "time", SimpleNamespace(time=lambda: later))
    db = tmp_path / "z.duckdb"
    reads: list[str] = []
    real = load_module.sha256_of

    def counting(data: bytes) -> str:
        reads.append("x")
        return real(data)

    monkeypatch.setattr(load_module, "sha256_of", counting)
    with connect(db) as con:
        con.execute(SCHEMA_SQL)
        sync_raw_documents(con, corpus)
        assert len(reads) == 3
        res = sync_raw_documents(con, corpus)
        assert len(reads) == 3 and not res.changed  # nothing read: every stat is the recorded one
        # an edit of the same size that keeps the modification time is still seen (the change time moves)
        p = corpus / "doc_001.txt"
        before = p.stat()
        p.write_text(p.read_text(encoding="utf-8").replace("新增企业4家", "新增企业5家"), encoding="utf-8")
        os.utime(p, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert (p.stat().st_size, p.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
        res = sync_raw_documents(con, corpus)
        assert res.changed == ["doc_001"] and len(reads) == 4
        stored = con.execute("select text from raw_document where doc_id = 'doc_001'").fetchone()[0]
        assert "新增企业5家" in stored


def test_a_file_changed_moments_ago_is_hashed_again_on_the_next_run(tmp_path: Path):
    from pipelines.warehouse.load import RACY_SECONDS, stat_key

    corpus = corpus_of(tmp_path / "corpus", 1)
    st = (corpus / "doc_000.txt").stat()
    assert stat_key(st, st.st_mtime + RACY_SECONDS / 2) == ""  # too fresh to trust: read next time
    assert stat_key(st, st.st_mtime + RACY_SECONDS * 2) == f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def test_a_failed_write_of_raw_texts_stops_the_sync_with_its_error(tmp_path: Path, monkeypatch):
    import pytest

    import pipelines.warehouse.load as load_module

    monkeypatch.setattr(load_module, "BATCH", 2)  # several batches: writes run beside the reading of files
    real = load_module.replace_rows
    calls: list[str] = []

    def failing(con, table, *args):
        calls.append(table)
        if table == "raw_document" and len(calls) == 2:
            raise OSError("No space left on device")
        return real(con, table, *args)

    monkeypatch.setattr(load_module, "replace_rows", failing)
    with connect(tmp_path / "z.duckdb") as con:
        con.execute(SCHEMA_SQL)
        with pytest.raises(OSError, match="No space left"):
            sync_raw_documents(con, corpus_of(tmp_path / "corpus", 7))
    assert calls == ["raw_document", "raw_document"]  # the sync stopped at the failed batch


def test_a_document_whose_extraction_fails_is_quarantined_with_its_path_and_hash(tmp_path: Path, monkeypatch):
    import pipelines.warehouse.load as load_module

    real = load_module.extract_or_reason
    monkeypatch.setattr(load_module, "extract_or_reason",
                        lambda doc_id, text: "extraction failed: ValueError: bad" if doc_id == "doc_001" else real(doc_id, text))  # fmt: skip
    with connect(tmp_path / "z.duckdb") as con:
        con.execute(SCHEMA_SQL)
        sync_raw_documents(con, corpus_of(tmp_path / "corpus", 3))
        stats = extract_as_planned(con, 1)
        assert (stats["extracted"], stats["failed"]) == (2, 1)
        assert con.execute("select q.path = r.path, q.sha256 = r.sha256, q.reason from quarantine q "
                           "join raw_document r on r.doc_id = 'doc_001'").fetchall() == [
            (True, True, "extraction failed: ValueError: bad")]  # fmt: skip
        assert con.execute("select count(*) from dim_document where doc_id = 'doc_001'").fetchone()[0] == 0
