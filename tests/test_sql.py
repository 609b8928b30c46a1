"""`zhibiao sql` in a subprocess, as an analyst runs it: formats, input from stdin and files, NULL, limits,
broken pipes, streaming, and a connection that can read only the warehouse and the exports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ZHIBIAO = [sys.executable, "-m", "pipelines.cli"]


def sql(build: tuple[Path, Path], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    warehouse, exports = build
    return subprocess.run([*ZHIBIAO, "sql", *args, "--warehouse", str(warehouse), "--exports", str(exports)],
                          input=stdin, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_table_is_the_default_and_null_differs_from_the_string(seed_build):
    r = sql(seed_build, "select null as a, 'NULL' as b, '' as c, 1 as d")
    assert r.returncode == 0, r.stderr
    header, rule, row, footer = r.stdout.splitlines()
    assert header.split() == ["a", "b", "c", "d"] and set(rule) <= {"-", " "}
    assert row.split() == ["<null>", "NULL", "1"] and footer == "(1 row)"
    assert sql(seed_build, "select null as a", "--null", "∅").stdout.splitlines()[2] == "∅"
    long = sql(seed_build, "select repeat('x', 100) as a").stdout.splitlines()[2]
    assert long == "x" * 79 + "…"  # a cell cut for the screen shows it was cut; csv/json print it whole
    assert sql(seed_build, "--format", "csv", "select repeat('x', 100) as a").stdout.split() == ['"a"', f'"{"x" * 100}"']


def test_csv_is_parsed_back_with_null_and_empty_string_apart(seed_build):
    r = sql(seed_build, "--format", "csv", "select doc_id, title, null as nothing, '' as empty, 'a,\"b\"' as tricky, "
            "[1, 2] as list from dim_document order by doc_id")  # fmt: skip
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["doc_id", "title", "nothing", "empty", "tricky", "list"]
    assert len(rows) == 1 + 5 and rows[1][4] == 'a,"b"' and rows[1][5] == "[1, 2]"
    line = r.stdout.splitlines()[1]
    assert ',,"",' in line  # NULL: an empty field; the empty string: ""
    assert sql(seed_build, "--format", "csv", "select 1 as a, 'x' as b where false").stdout == '"a","b"\n'


def test_json_and_jsonl_round_trip_exact_values(seed_build):
    q = ("select fact_id, value, 1/3 as third, 1.50::decimal(5, 2) as exact, null as nothing, date '2023-05-04' as day "
         "from fct_metric_fact order by fact_id")
    r = sql(seed_build, "--format", "json", q)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    n = int(sql(seed_build, "--format", "csv", "select count(*) as n from fct_metric_fact").stdout.split()[1])
    assert len(rows) == n > 100  # csv and json print every row unless --limit says otherwise
    assert rows[0]["third"] == 1 / 3 and rows[0]["exact"] == "1.50" and rows[0]["nothing"] is None
    assert rows[0]["day"] == "2023-05-04"
    lines = sql(seed_build, "--format", "jsonl", q, "--limit", "3").stdout.splitlines()
    assert [json.loads(x) for x in lines] == rows[:3]
    assert json.loads(sql(seed_build, "--format", "json", "select 1 as x where false").stdout) == []


def test_a_plan_prints_as_drawn(seed_build):
    r = sql(seed_build, "explain select region from fct_metric_fact where value > 1")
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and len(lines) >= 5 and lines[0].startswith("╭") and "fct_metric_fact" in r.stdout


def test_markdown_escapes_pipes(seed_build):
    r = sql(seed_build, "--format", "markdown", "select 'a|b' as x, null as y")
    assert r.stdout.splitlines() == ["| x | y |", "|---|---|", "| a\\|b | <null> |"]


def test_query_from_stdin_and_from_a_file(seed_build, tmp_path: Path):
    assert sql(seed_build, "-", stdin="select 41 + 1 as answer").stdout.splitlines()[2] == "42"
    f = tmp_path / "q.sql"
    f.write_text("select 7 as a;\nselect 8 as b;\n", encoding="utf-8")
    out = sql(seed_build, "-f", str(f)).stdout
    assert out.split() == ["a", "-", "7", "(1", "row)", "b", "-", "8", "(1", "row)"]


@pytest.mark.parametrize("query", ["", "   ", " ; ", "-- only a comment\n"])
def test_an_empty_query_is_a_clear_error(seed_build, query: str):
    r = sql(seed_build, query)
    assert r.returncode == 2 and "no query given" in r.stderr and "Traceback" not in r.stderr


def test_limits(seed_build):
    r = sql(seed_build, "select * from range(500)")
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "(200 rows; first 200, --limit -1 for all)"
    r = sql(seed_build, "select * from range(500)", "--limit", "-1")
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "(500 rows)" and "Traceback" not in r.stderr
    assert sql(seed_build, "select * from range(500)", "--limit", "0").stdout.splitlines()[-1].startswith("(0 rows")


def test_broken_pipe_is_quiet(seed_build):
    warehouse, _exports = seed_build
    cmd = [*ZHIBIAO, "sql", "select * from range(2000000)", "--limit", "-1", "--warehouse", str(warehouse)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert first.startswith(b"range") and err == ""


def test_errors_name_the_problem(seed_build, tmp_path: Path):
    r = sql(seed_build, "select nope from dim_document")
    assert r.returncode == 1 and "query failed" in r.stderr and "nope" in r.stderr and "Traceback" not in r.stderr
    r = sql(seed_build, "selec 1")
    assert r.returncode == 1 and "syntax error" in r.stderr and "Traceback" not in r.stderr
    r = sql(seed_build, "-f", str(tmp_path / "missing.sql"))
    assert r.returncode == 2 and "cannot read the query" in r.stderr
    r = subprocess.run([*ZHIBIAO, "sql", "select 1", "--warehouse", str(tmp_path / "none.duckdb")],
                       capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 2 and "run `zhibiao run` first" in r.stderr


def test_exports_and_warehouse_are_readable(seed_build):
    _warehouse, exports = seed_build
    r = sql(seed_build, "--format", "csv", f"select count(*) as n from read_parquet('{exports}/fct_metric_fact/*/*.parquet')")
    assert r.returncode == 0, r.stderr
    facts = sql(seed_build, "--format", "csv", "select count(*) from fct_metric_fact").stdout.split()[1]
    assert r.stdout.split()[1] == facts


REFUSED = {
    "read_text": "select * from read_text('/etc/passwd')",
    "read_csv": "select * from read_csv('/etc/shadow')",
    "read_csv_relative_escape": "select * from read_csv('{exports}/../../../../etc/passwd')",
    "glob": "select * from glob('/etc/*')",
    "copy_to_tmp": "copy (select 1) to '{tmp}/out.csv'",
    "copy_into_exports": "copy (select 1) to '{exports}/planted.csv'",
    "export_database": "export database '{tmp}/dump'",
    "set": "set memory_limit = '8GB'",
    "set_threads": "set threads = 1",
    "reset": "reset memory_limit",
    "set_variable": "set variable x = 1",
    "pragma_setting": "pragma enable_profiling",
    "use": "use system",
    "attach": "attach '{tmp}/other.duckdb' as other",
    "install": "install httpfs",
    "load": "load httpfs",
    "create_temp": "create temp table t as select 1",
    "drop": "drop table fct_metric_fact",
    "delete": "delete from dim_document",
    "second_statement": "select 1; copy (select 1) to '{tmp}/second.csv'",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_read_only_refuses(seed_build, tmp_path: Path, name: str):
    _warehouse, exports = seed_build
    before = sorted(p.relative_to(exports) for p in exports.rglob("*"))
    query = REFUSED[name].format(tmp=tmp_path, exports=exports)
    r = sql(seed_build, query)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stderr.startswith("zhibiao: ") and "Traceback" not in r.stderr
    assert "root:" not in r.stdout  # nothing of /etc/passwd
    assert sorted(p.relative_to(exports) for p in exports.rglob("*")) == before
    assert not list(tmp_path.rglob("*"))  # nothing written


def test_start_up_does_not_import_dagster(seed_build):
    code = ("import sys; from pipelines.cli import main; rc = main(['sql', 'select 1', '--warehouse', sys.argv[1]]); "
            "print('dagster' in sys.modules, file=sys.stderr)")  # fmt: skip
    r = subprocess.run([sys.executable, "-c", code, str(seed_build[0])], capture_output=True, text=True)
    assert r.stderr.strip() == "False"


def test_a_large_result_streams(seed_build):
    """Three million rows as CSV (120 MB): every row arrives, and the process's peak memory stays far below
    what the result held whole took (about 1 GB as Python rows)."""
    warehouse, _ = seed_build
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec (the test process is large).
    code = (
        "import sys; from pipelines.cli import main; "
        "rc = main(['sql', '--format', 'csv', 'select range as i, md5(range::varchar) as h from range(3000000)', "
        "'--warehouse', sys.argv[1]]); "
        "print(next(ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')).split()[1], file=sys.stderr)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(warehouse)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    lines = 0
    while chunk := proc.stdout.read(1 << 20):
        lines += chunk.count(b"\n")
    assert proc.wait(timeout=120) == 0
    assert lines == 3_000_001
    peak_mb = int(proc.stderr.read().decode().strip()) / 1024
    assert peak_mb < 400, peak_mb
