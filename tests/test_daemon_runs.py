"""The job as the daemon runs it (schedule, sensor, UI): `dagster job execute` in a fresh process, against an
instance configured by the project's dagster.yaml, with the executor the job declares."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from .conftest import ROOT, SEEDS


def daemon_env(tmp: Path, **extra: str) -> dict[str, str]:
    home = tmp / "dagster_home"
    home.mkdir(exist_ok=True)
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return {**os.environ, "DAGSTER_HOME": str(home), "ZHIBIAO_CORPUS": str(tmp / "corpus"),
            "ZHIBIAO_WAREHOUSE": str(tmp / "wh" / "z.duckdb"), "ZHIBIAO_EXPORTS": str(tmp / "exports"),
            "ZHIBIAO_WORKERS": "2", **extra}  # fmt: skip


def execute_job(env: dict[str, str]) -> subprocess.CompletedProcess:
    dagster = Path(sys.executable).with_name("dagster")
    return subprocess.run([str(dagster), "job", "execute", "-m", "pipelines.definitions", "-j", "zhibiao_job"],
                          env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)  # fmt: skip


def count(db: Path, sql: str) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def daemon_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """One real run of the job, shared by the tests that only read what it made."""
    tmp = tmp_path_factory.mktemp("daemon")
    shutil.copytree(SEEDS, tmp / "corpus")
    (tmp / "corpus" / "2023").mkdir()
    (tmp / "corpus" / "2023" / "notice.txt").write_text("关于召开会议的通知\n请各单位按时参加。", encoding="utf-8")
    return tmp, execute_job(daemon_env(tmp))


def test_the_job_runs_under_the_daemons_executor_and_publishes(daemon_run):
    tmp, proc = daemon_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    log = proc.stdout + proc.stderr
    assert "RUN_SUCCESS" in log
    # every step ran in the run's own process: no process started per step, no DuckDB lock conflict
    assert "Multiprocess executor" not in log and "Conflicting lock" not in log
    db = tmp / "wh" / "z.duckdb"
    assert count(db, "select count(*) from dim_document") == 6  # the seeds and a notice without figures
    assert count(db, "select count(*) from fct_metric_fact") > 150
    assert (tmp / "exports" / "facts.jsonl").stat().st_size > 0
    assert not list((tmp / "wh").glob("z.build-*")) and not list((tmp / "wh").glob("z.publish-*"))


def test_a_failing_blocking_check_publishes_nothing(daemon_run):
    tmp, first = daemon_run
    assert first.returncode == 0
    sql = tmp / "sql"
    shutil.copytree(ROOT / "sql", sql)
    # A data test that always fails, declared blocking: the run must stop before publishing.
    (sql / "tests" / "assert_always_fails.sql").write_text(
        "-- tests: fct_metric_fact\n-- description: fails on purpose\n-- blocking: yes\nselect 1 as x\n", encoding="utf-8")
    (tmp / "corpus" / "new.txt").write_text("武汉市数据局\n全市5G基站达到3.1万个。\n2023年3月1日", encoding="utf-8")
    db = tmp / "wh" / "z.duckdb"
    before = db.read_bytes()
    proc = execute_job(daemon_env(tmp, ZHIBIAO_SQL_DIR=str(sql)))
    assert proc.returncode != 0
    assert "assert_always_fails" in proc.stdout + proc.stderr
    assert db.read_bytes() == before  # the previous warehouse stays published
    assert count(db, "select count(*) from dim_document where doc_id = 'new'") == 0
    assert not list((tmp / "wh").glob("z.build-*"))  # the failed run's build is gone with it
    (tmp / "corpus" / "new.txt").unlink()
