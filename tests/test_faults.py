"""Faults, with real processes and signals: a SIGKILLed run, Ctrl-C, a failing export, an analyst writing to
the published warehouse, and the ordinary mistakes a user makes on the command line."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from .conftest import ROOT, SEEDS, unprivileged

PY = sys.executable


def cli(*args: str, env: dict | None = None, **kw) -> subprocess.Popen:
    return subprocess.Popen([PY, "-m", "pipelines.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, **kw)  # fmt: skip


def run_args(corpus: Path, tmp: Path, *more: str) -> list[str]:
    return ["run", "--corpus", str(corpus), "--warehouse", str(tmp / "wh" / "z.duckdb"), "--exports",
            str(tmp / "exports"), "--quiet", *more]  # fmt: skip


def big_corpus(corpus: Path, n: int) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    corpus.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (corpus / f"extra_{i:04d}.txt").write_text(text.replace("万", f"{i % 9}万", 3), encoding="utf-8")


def children_of(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(p.name))
    return out


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def wait_for_workers(p: subprocess.Popen, n: int, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = [k for k in children_of(p.pid) if alive(k)]
        if len(kids) >= n:
            return kids
        assert p.poll() is None, "the run ended before its workers started"
        time.sleep(0.05)
    raise AssertionError("the run's worker processes never started")


def test_sigkill_of_the_run_kills_its_workers_and_the_next_run_goes_ahead(tmp_path: Path):
    corpus = tmp_path / "corpus"
    big_corpus(corpus, 400)
    # a Dagster instance configured as the project's, which records the run (and would keep its pool slots)
    (tmp_path / "dagster_home").mkdir()
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", tmp_path / "dagster_home" / "dagster.yaml")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    p = cli(*run_args(corpus, tmp_path, "--workers", "2"), env=env)
    while not list((tmp_path / "wh").glob("z.build-*.duckdb")) and p.poll() is None:
        time.sleep(0.02)
    workers = wait_for_workers(p, 2)  # the extraction workers (the instance may start other children first)
    os.kill(p.pid, signal.SIGKILL)  # the main process only, as the OOM killer would
    p.wait()
    deadline = time.monotonic() + 10
    while any(alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(w) for w in workers), "workers outlived their run"
    assert list((tmp_path / "wh").glob("z.build-*.duckdb"))  # what the dead run left
    # the sensor's next tick removes it: no run holds the lock any more
    import dagster as dg

    from pipelines.definitions import build_definitions

    os.environ["ZHIBIAO_CORPUS"], os.environ["ZHIBIAO_WAREHOUSE"] = str(corpus), str(tmp_path / "wh" / "z.duckdb")
    try:
        sensor = build_definitions().resolve_sensor_def("zhibiao_corpus_sensor")
        with dg.instance_for_test() as instance:
            assert sensor.evaluate_tick(dg.build_sensor_context(instance=instance)).run_requests
    finally:
        del os.environ["ZHIBIAO_CORPUS"], os.environ["ZHIBIAO_WAREHOUSE"]
    assert not list((tmp_path / "wh").glob("z.build-*"))
    nxt = cli(*run_args(corpus, tmp_path, "--workers", "2", "--wait", "5"), env=env)
    _, err = nxt.communicate(timeout=300)
    assert nxt.returncode == 0, err  # the lock was free: not "another run is still going"
    assert not list((tmp_path / "wh").glob("z.build-*"))
    with duckdb.connect(str(tmp_path / "wh" / "z.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 400


def test_ctrl_c_exits_130_with_one_line_and_removes_the_build(tmp_path: Path):
    corpus = tmp_path / "corpus"
    big_corpus(corpus, 400)
    p = cli(*run_args(corpus, tmp_path, "--workers", "2"), start_new_session=True)
    wait_for_workers(p, 2)
    os.killpg(p.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole foreground group
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130
    lines = [ln for ln in err.splitlines() if not ln.startswith("zhibiao: corpus ")]
    assert len(lines) == 1 and "interrupted" in lines[0], err
    assert "Traceback" not in err
    assert not list((tmp_path / "wh").glob("z.build-*")) and not (tmp_path / "wh" / "z.duckdb").exists()


def test_an_export_failure_says_what_was_published_and_the_real_cause(tmp_path: Path):
    shutil.copytree(SEEDS, tmp_path / "corpus")
    (tmp_path / "blocker").write_text("a file where the export folder's parent should be", encoding="utf-8")
    args = ["run", "--corpus", str(tmp_path / "corpus"), "--warehouse", str(tmp_path / "wh" / "z.duckdb"),
            "--exports", str(tmp_path / "blocker" / "exports"), "--quiet"]  # fmt: skip
    p = cli(*args)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 1
    assert "the warehouse was published" in err and "FileExistsError: [Errno 17] File exists" in err
    assert "DagsterExecutionStepExecutionError" not in err and "unchanged" not in err
    with duckdb.connect(str(tmp_path / "wh" / "z.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 5  # it was indeed published


ANALYST = """
import duckdb, os, signal, sys
con = duckdb.connect(sys.argv[1])  # read-write, as the DuckDB CLI opens a file
con.execute("create table analyst_notes as select * from range(1000)")
con.execute("delete from dim_document")
print("written", flush=True)
sys.stdin.readline()
con.execute("insert into analyst_notes select * from range(10)")
print("written again", flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # killed with its log not checkpointed
"""


def test_an_analyst_writing_to_the_published_warehouse_breaks_nothing(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    assert cli(*run_args(corpus, tmp_path)).wait(timeout=300) == 0
    db = tmp_path / "wh" / "z.duckdb"
    analyst = subprocess.Popen([PY, "-c", ANALYST, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert analyst.stdout.readline().strip() == "written"  # its connection stays open, holding the file
    (corpus / "new.txt").write_text("武汉市数据局\n全市5G基站达到3.1万个。\n2023年3月1日", encoding="utf-8")
    p = cli(*run_args(corpus, tmp_path))
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    analyst.stdin.write("go\n")
    analyst.stdin.flush()
    assert analyst.stdout.readline().strip() == "written again"
    analyst.wait()
    with duckdb.connect(str(db), read_only=True) as con:  # opens: no foreign log replayed
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 6  # the analyst's delete: gone
    # and the next run after the analyst's crash publishes again
    (corpus / "new2.txt").write_text("武汉市数据局\n全市5G基站达到4.1万个。\n2023年4月1日", encoding="utf-8")
    p = cli(*run_args(corpus, tmp_path))
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 7


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["run", "--corpus", "seeds.txt"], {}, "must be a folder of documents, not a file"),
        (["run", "--corpus", "nowhere"], {}, "corpus folder not found"),
        (["run", "--workers", "-3"], {}, "--workers must be 0"),
        (["run"], {"ZHIBIAO_WORKERS": "abc"}, "ZHIBIAO_WORKERS must be a whole number"),
        (["run", "--warehouse", "seeds.txt/z.duckdb"], {}, "a file is in the way"),
        (["run", "--warehouse", "readonly/z.duckdb"], {}, "Permission denied"),
        (["run", "--warehouse", "readonly/sub/z.duckdb"], {}, "Permission denied"),
        (["run", "--exports", "seeds"], {}, "holds files that are not zhibiao's exports"),
        (["eval", "missing.jsonl", "missing.jsonl"], {}, "cannot score missing.jsonl: no such file"),
        (["eval", "seeds.txt", "seeds.txt"], {}, "line 1 is not JSON"),
        (["eval", "seeds", "seeds"], {}, "not a file"),
    ],
)
def test_ordinary_mistakes_get_one_clear_line(tmp_path: Path, args: list[str], env: dict, says: str):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "seeds.txt").write_text("not a folder", encoding="utf-8")
    (tmp_path / "readonly").mkdir(mode=0o555)
    (tmp_path / "readonly").chmod(0o555)
    cmd = unprivileged([PY, "-m", "pipelines.cli", *args])
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path, env={**os.environ, **env})
    assert p.returncode == 2, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and says in p.stderr, p.stderr


def export_set(out: Path) -> tuple[int, int, int, int, int]:
    """Facts in facts.jsonl, in the fct_metric_fact parts, in facts_by_region_year; documents in docs.jsonl
    and in dim_document.parquet: one warehouse's exports agree on all of them."""
    root = out.resolve()  # a reader takes one generation, as the README says
    with duckdb.connect() as con:
        def n(sql: str) -> int:
            return con.execute(sql).fetchone()[0]

        return (len((root / "facts.jsonl").read_text(encoding="utf-8").splitlines()),
                n(f"select count(*) from read_parquet('{root}/fct_metric_fact/*/*.parquet')"),
                n(f"select count(*) from read_parquet('{root}/facts_by_region_year/**/*.parquet')"),
                len((root / "docs.jsonl").read_text(encoding="utf-8").splitlines()),
                n(f"select count(*) from read_parquet('{root}/dim_document.parquet')"))  # fmt: skip


def test_exports_are_one_warehouses_or_the_previous_ones_after_a_kill(tmp_path: Path):
    corpus = tmp_path / "corpus"
    big_corpus(corpus, 150)
    assert cli(*run_args(corpus, tmp_path, "--workers", "2")).wait(timeout=300) == 0
    out = tmp_path / "exports"
    first = export_set(out)
    assert len(set(first[:3])) == 1 and first[3] == first[4] == 150
    gens_before = set(tmp_path.glob(".exports.gen-*"))
    for i in range(0, 150, 2):  # half the documents change, and 20 are added: most parts are rewritten
        (corpus / f"extra_{i:04d}.txt").write_text(f"武汉市数据局\n全市5G基站达到{i}.5万个。\n2023年3月1日", encoding="utf-8")
    big_corpus(corpus / "more", 20)
    p = cli(*run_args(corpus, tmp_path, "--workers", "2"), start_new_session=True)
    while p.poll() is None and not set(tmp_path.glob(".exports.gen-*")) - gens_before:
        time.sleep(0.002)
    os.killpg(p.pid, signal.SIGKILL)  # while it writes the new generation (or just after it finished)
    p.wait()
    now = export_set(out)
    assert len(set(now[:3])) == 1 and now[3] == now[4]  # one warehouse's exports, whole
    assert now == first or now[3] == 170
    assert cli(*run_args(corpus, tmp_path, "--workers", "2")).wait(timeout=300) == 0
    last = export_set(out)
    assert len(set(last[:3])) == 1 and last[3] == last[4] == 170
    assert len(list(tmp_path.glob(".exports.gen-*"))) <= 2  # the killed export's files are gone
