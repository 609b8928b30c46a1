"""Concurrent runs, an analyst's open connection, and a run killed with SIGKILL lose nothing."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import SEEDS

TABLES = ["dim_document", "fct_metric_fact", "quarantine", "mart_metric_timeseries"]


def cli(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipelines.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)  # fmt: skip


def run_args(corpus: Path, tmp: Path) -> list[str]:
    return ["run", "--corpus", str(corpus), "--warehouse", str(tmp / "wh" / "z.duckdb"), "--exports",
            str(tmp / "exports"), "--workers", "1", "--quiet"]  # fmt: skip


def snapshot(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(map(str, con.execute(f"select * exclude ({'quarantined_at' if t == 'quarantine' else 'region_code'}) from {t}").fetchall()))
                for t in TABLES}  # fmt: skip


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    c = tmp_path / "corpus"
    shutil.copytree(SEEDS, c)
    return c


def big_corpus(corpus: Path, n: int) -> None:
    """n more documents: the seeds with their figures changed, so every file has its own hash."""
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (corpus / f"extra_{i:04d}.txt").write_text(text.replace("万", f"{i % 9}万", 3), encoding="utf-8")


def test_two_runs_at_once_both_finish_and_nothing_is_corrupted(corpus: Path, tmp_path: Path):
    big_corpus(corpus, 40)
    a = cli(*run_args(corpus, tmp_path))
    time.sleep(0.3)
    b = cli(*run_args(corpus, tmp_path))
    _out_a, err_a = a.communicate(timeout=300)
    _out_b, err_b = b.communicate(timeout=300)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    assert "waiting" in err_a + err_b  # one of them waited for the other, and said so
    with duckdb.connect(str(tmp_path / "wh" / "z.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 45
        dup = con.execute("select count(*) from (select fact_id from fct_metric_fact group by 1 having count(*) > 1)")
        assert dup.fetchone()[0] == 0


def test_a_second_run_that_cannot_wait_stops_with_a_clear_message(corpus: Path, tmp_path: Path):
    big_corpus(corpus, 40)
    a = cli(*run_args(corpus, tmp_path))
    time.sleep(1.0)
    b = cli(*run_args(corpus, tmp_path), "--wait", "0")
    _, err_b = b.communicate(timeout=120)
    a.communicate(timeout=300)
    assert b.returncode == 3
    assert "another zhibiao process is still running the pipeline" in err_b


def test_an_open_reader_never_blocks_a_run(corpus: Path, tmp_path: Path):
    assert cli(*run_args(corpus, tmp_path)).wait(timeout=300) == 0
    db = tmp_path / "wh" / "z.duckdb"
    reader = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}, read_only=True); "
                               "print(c.execute('select count(*) from fct_metric_fact').fetchone()[0], flush=True); "
                               "time.sleep(120)"], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert int(reader.stdout.readline()) > 0  # the analyst's connection is open
        (corpus / "new.txt").write_text("武汉市数据局\n全市5G基站达到3.1万个。\n2023年3月1日", encoding="utf-8")
        p = cli(*run_args(corpus, tmp_path))
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    finally:
        reader.kill()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select value from fct_metric_fact where doc_id = 'new'").fetchall() == [(31000.0,)]


def test_a_run_killed_midway_leaves_the_last_good_state(corpus: Path, tmp_path: Path):
    assert cli(*run_args(corpus, tmp_path)).wait(timeout=300) == 0
    db = tmp_path / "wh" / "z.duckdb"
    before = snapshot(db)
    facts_export = (tmp_path / "exports" / "facts.jsonl").read_bytes()
    big_corpus(corpus, 150)
    p = cli(*run_args(corpus, tmp_path), start_new_session=True)
    deadline = time.monotonic() + 60
    while not list(db.parent.glob("z.build-*.duckdb")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # well inside the run: reading and extracting 150 documents
    assert p.poll() is None, "the run finished before it could be killed"
    os.killpg(p.pid, signal.SIGKILL)
    p.wait()
    assert snapshot(db) == before
    assert (tmp_path / "exports" / "facts.jsonl").read_bytes() == facts_export
    assert list(db.parent.glob("z.build-*.duckdb"))  # the killed run's build
    # and the next run completes from there, removing what the killed run left
    assert cli(*run_args(corpus, tmp_path)).wait(timeout=300) == 0
    assert not list(db.parent.glob("z.build-*"))
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 155
