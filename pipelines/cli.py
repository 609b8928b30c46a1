"""The `zhibiao` command: run, extract, sql, report, eval."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .query import FORMATS, NULL_TEXT
from .settings import DEFAULT_CORPUS, DEFAULT_EXPORTS, DEFAULT_WAREHOUSE


def _err(msg: str) -> None:
    print(f"zhibiao: {msg}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    """Materialise every asset through Dagster, in this process, with progress on stderr."""
    from .warehouse.store import WarehouseBusy, WarehouseFolderError, WarehousePaths

    problem = run_args_problem(args)
    if problem:
        _err(problem)
        return 2
    paths = WarehousePaths(Path(args.warehouse).absolute())
    t0 = time.monotonic()
    try:
        result = _materialize(args, paths)
    except WarehouseBusy as e:
        _err(str(e))
        return 3
    except WarehouseFolderError as e:
        _err(str(e))
        return 2
    outcome = run_outcome(result)
    code = _unpublished_exit(outcome, paths, args)
    if code is not None:
        return code
    failed_checks = [c.check_name for c in result.get_asset_check_evaluations() if not c.passed]
    print_summary(result, outcome, paths, args, time.monotonic() - t0, failed_checks)
    return 0 if not failed_checks else 4


def run_args_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the folders `zhibiao run` was given (one line), or None."""
    corpus, out = Path(args.corpus), Path(args.exports)
    if not corpus.exists():
        return f"corpus folder not found: {corpus}"
    if not corpus.is_dir():
        return f"--corpus must be a folder of documents, not a file: {corpus}"
    if Path(args.warehouse).is_dir():
        return f"--warehouse must be a file (such as {Path(args.warehouse) / 'zhibiao.duckdb'}), not a folder"
    if out.exists() and not out.is_dir():
        return f"--exports must be a folder, not a file: {args.exports}"
    if out.is_dir() and not out.is_symlink() and any(out.iterdir()) and not (out / ".zhibiao-exports.json").exists():
        return f"--exports {args.exports} holds files that are not zhibiao's exports: give an empty or new folder"
    return None


def _dagster_instance():
    """The instance of dagster_home/ (DAGSTER_HOME, or the project's folder when it has a dagster.yaml), else an
    ephemeral one."""
    import dagster as dg

    if not os.environ.get("DAGSTER_HOME") and Path("dagster_home/dagster.yaml").is_file():
        os.environ["DAGSTER_HOME"] = str(Path("dagster_home").absolute())  # must be absolute
    return dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()


def _materialize(args: argparse.Namespace, paths):
    """Every asset and check, in this process, holding the run lock, with the progress display."""
    import dagster as dg

    from .defs.assets import ALL_ASSETS
    from .defs.checks import ALL_CHECKS
    from .defs.resources import ZhibiaoResource
    from .progress import RunProgress
    from .warehouse.store import file_lock

    instance = _dagster_instance()
    resource = ZhibiaoResource(corpus_dir=str(Path(args.corpus)), warehouse_path=args.warehouse, export_dir=args.exports,
                               workers=args.workers, progress=not args.quiet, wait_seconds=args.wait)  # fmt: skip
    with file_lock(paths.run_lock, "running the pipeline", wait_seconds=args.wait, on_wait=_err):
        if not args.quiet:
            print(f"zhibiao: corpus {Path(args.corpus).absolute()} -> warehouse {paths.published}", file=sys.stderr)
        with RunProgress(enabled=not args.quiet):
            return dg.materialize(
                [*ALL_ASSETS, *ALL_CHECKS],
                resources={"zhibiao": resource},
                instance=instance,
                # The CLI says what failed and why in one line; Dagster's stack traces stay in the run's log.
                run_config={"loggers": {"console": {"config": {"log_level": log_level(args)}}}},
                raise_on_error=False,
                tags={"zhibiao/entry": "cli"},
            )


def _unpublished_exit(outcome: RunOutcome, paths, args: argparse.Namespace) -> int | None:
    """The exit code of a run that was interrupted, published nothing or failed after publishing (saying so in one
    line); None for a run that published and exported."""
    if outcome.interrupted:
        if outcome.published:
            _err("interrupted after the warehouse was published; the exports are the previous run's")
            return 130
        raise KeyboardInterrupt
    if not outcome.published:
        left = (f"{paths.published} is as the last good run left it" if paths.published.exists()
                else "there is no published warehouse yet")  # fmt: skip
        _err(f"nothing was published: {outcome.why}; {left}")
        return 4 if outcome.blocked else 1
    if outcome.failures:
        _err(f"the warehouse was published ({paths.published}), but {outcome.why}; "
             f"{Path(args.exports).absolute()} still holds the previous run's exports")  # fmt: skip
        return 1
    return None


def print_summary(result, outcome: RunOutcome, paths, args: argparse.Namespace, seconds: float,
                  failed_checks: list[str]) -> None:  # fmt: skip
    """What the run read, extracted, quarantined and wrote, its slowest steps and its checks, on stdout."""
    from .warehouse.store import connect

    with connect(paths.state, read_only=True) as con:
        n_docs = con.execute("select count(*) from dim_document").fetchone()[0]
        n_facts = con.execute("select count(*) from fct_metric_fact").fetchone()[0]
        quarantine = con.execute("select path, reason from quarantine order by path").fetchall()
        replaced = con.execute("select count(*), coalesce(sum(n_replaced), 0) from raw_document where n_replaced > 0").fetchone()
    print(f"\nzhibiao run finished in {seconds:.1f} s (Dagster run {result.run_id[:8]})")
    print(f"  documents read      {n_docs}")
    print(f"  facts extracted     {n_facts}")
    if replaced[0]:
        print(f"  bad bytes replaced  {replaced[1]} characters in {replaced[0]} documents (raw_document.n_replaced)")
    print(f"  files quarantined   {len(quarantine)}")
    for path, reason in quarantine[:10]:
        print(f"    - {_one_line(path)}: {_one_line(reason)}")
    print(f"  warehouse           {paths.published}" + ("" if outcome.republished else " (unchanged: nothing new)"))
    print(f"  exports             {Path(args.exports).absolute()}/ (Parquet, facts.jsonl, docs.jsonl)")
    print("  slowest steps       " + ", ".join(f"{k} {s:.1f} s" for k, s in slowest_steps(result)))
    if failed_checks:
        print(f"  checks FAILED       {', '.join(failed_checks)} (not blocking: published)")
    else:
        print("  checks              all passed")
    print('\nTry: zhibiao sql "select region, metric, value, unit, period from fct_metric_fact '
          "where metric_id = 'base_stations_5g' order by period\"")


def slowest_steps(result, n: int = 4) -> list[tuple[str, float]]:
    """(step, seconds) of the run's ``n`` slowest steps."""
    steps = [(ev.step_key, ev.event_specific_data.duration_ms / 1000) for ev in result.all_events
             if ev.is_step_success and ev.step_key and ev.event_specific_data is not None]  # fmt: skip
    return sorted(steps, key=lambda kv: -kv[1])[:n]


def _one_line(s: str) -> str:
    return " ".join(str(s).split())


@dataclass
class RunOutcome:
    published: bool  # the published_warehouse step succeeded (whether or not it had anything new)
    republished: bool  # it replaced the published file
    blocked: bool  # a blocking check failed
    failures: list[str]  # "step: cause" for each failed step
    why: str  # one line for the user
    interrupted: bool = False  # Ctrl-C (Dagster turns the KeyboardInterrupt into a step failure)


def run_outcome(result) -> RunOutcome:
    """What a run published and, if something failed, the real cause (the innermost error of each failed
    step, not Dagster's wrapper) in one line."""
    done = {ev.step_key for ev in result.all_events if ev.is_step_success}
    failures = []
    interrupted = False
    for where, err in _errors(result):
        while err.cause is not None:
            err = err.cause
        interrupted |= err.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt")
        failures.append(f"{where}: {_one_line(err.message)}")
    failed_checks = sorted({c.check_name for c in result.get_asset_check_evaluations() if not c.passed})
    blocked = any("blocking asset check" in f for f in failures)
    published = "published_warehouse" in done
    republished = False
    if published:
        for m in result.asset_materializations_for_node("published_warehouse"):
            republished = bool(m.metadata.get("republished") and m.metadata["republished"].value)
    if blocked:
        why = f"blocking checks failed: {', '.join(failed_checks)}"
    elif failures:
        why = "; ".join(f"step {f}" for f in failures)
    else:
        why = "the run did not reach the publishing step"
    return RunOutcome(published, republished, blocked, failures, why, interrupted)


def _errors(result) -> list[tuple[str, object]]:
    """(where, error) of each failed step, and of the run's start (the resource starts the run's build)."""
    found = []
    for ev in result.all_events:
        if ev.is_step_failure and ev.step_failure_data and ev.step_failure_data.error:
            found.append((ev.step_key, ev.step_failure_data.error))
        elif ev.event_type_value == "RESOURCE_INIT_FAILURE" and getattr(ev.event_specific_data, "error", None):
            found.append(("start_build", ev.event_specific_data.error))
    return found


def log_level(args: argparse.Namespace) -> str:
    """Dagster's log level for the run: --log-level, else -v INFO and -vv DEBUG; by default only what stops it
    (the CLI says what failed in one line; Dagster's stack traces stay in the run's log)."""
    if args.log_level:
        return args.log_level.upper()
    return {0: "CRITICAL", 1: "INFO"}.get(args.verbose, "DEBUG")


def cmd_extract(args: argparse.Namespace) -> int:
    from .core.extract import extract_corpus_to_jsonl

    corpus = Path(args.dir)
    if not corpus.is_dir():
        _err(f"not a folder: {corpus}")
        return 2

    from . import progress

    with progress.RunProgress(enabled=not args.quiet):
        summary = extract_corpus_to_jsonl(corpus, Path(args.facts), Path(args.docs), workers=args.workers,
                                          progress=lambda i, n: progress.count("extracting", i, n))  # fmt: skip
    for q in summary.quarantined:
        _err(f"quarantined {q.path}: {q.reason}")
    print(f"{summary.documents} documents, {summary.facts} facts, {len(summary.quarantined)} quarantined "
          f"-> {args.facts}, {args.docs}", file=sys.stderr)  # fmt: skip
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    """A read-only query, streamed in the chosen format. Imports DuckDB only (no Dagster)."""
    import duckdb

    from .query import QueryRefused, analyst_connection, run_query

    try:
        sql = _query_text(args)
    except OSError as e:
        _err(f"cannot read the query: {e}")
        return 2
    try:
        empty = not sql.strip() or not duckdb.extract_statements(sql)
    except duckdb.Error as e:
        _err(f"query failed: {e}")
        return 1
    if empty:
        _err("no query given: pass SQL, `-` to read it from stdin, or -f FILE")
        return 2
    limit = args.limit if args.limit is not None else (DEFAULT_SCREEN_ROWS if args.format in ("table", "markdown") else -1)
    try:
        with analyst_connection(Path(args.warehouse), [Path(args.exports)],
                                os.environ.get("ZHIBIAO_DUCKDB_MEMORY", "1GB")) as con:  # fmt: skip
            run_query(con, sql, sys.stdout, args.format, limit, args.null)
            sys.stdout.flush()
    except FileNotFoundError as e:
        _err(str(e))
        return 2
    except QueryRefused as e:
        _err(str(e))
        return 1
    except duckdb.Error as e:
        _err(f"query failed: {e}")
        return 1
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly. Python flushes stdout at exit, so point it at
        # /dev/null first, or that flush fails again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


DEFAULT_SCREEN_ROWS = 200  # table and markdown stop here unless --limit says otherwise


def _query_text(args: argparse.Namespace) -> str:
    if args.file:
        return Path(args.file).read_text(encoding="utf-8")
    if args.query == "-":
        return sys.stdin.read()
    return args.query or ""


def cmd_report(args: argparse.Namespace) -> int:
    import duckdb

    from .report import write_report

    try:
        out = write_report(Path(args.warehouse), Path(args.output))
    except FileNotFoundError as e:
        _err(str(e))
        return 2
    except duckdb.Error as e:
        _err(f"cannot read the warehouse {args.warehouse}: {e} (made by an older zhibiao? `zhibiao run` brings it up to date)")
        return 1
    print(f"report written to {out.absolute()}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .core.evaluate import evaluate_files

    for path in (Path(args.gold), Path(args.pred)):
        problem = facts_file_problem(path)
        if problem:
            _err(f"cannot score {path}: {problem}")
            return 2
    print(evaluate_files(Path(args.gold), Path(args.pred), show_errors=args.show_errors))
    return 0


def facts_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a facts JSONL file (SCHEMA.md), or None."""
    import json

    if not path.exists():
        return "no such file"
    if not path.is_file():
        return "not a file"
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    fact = json.loads(line)
                except ValueError:
                    return f"line {n} is not JSON (expected one fact per line, as `zhibiao extract --facts` writes)"
                if not isinstance(fact, dict) or not {"doc", "start", "end"} <= fact.keys():
                    return f"line {n} is not a fact (an object with doc, start, end, text, value, unit, ...)"
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except OSError as e:
        return e.strerror or str(e)
    return None


def _workers(value: str, source: str) -> int:
    """A worker count from --workers or ZHIBIAO_WORKERS: 0 (one per core) or more."""
    try:
        n = int(value)
    except ValueError:
        _err(f"{source} must be a whole number of processes (0: one per core), not {value!r}")
        raise SystemExit(2) from None
    if n < 0:
        _err(f"{source} must be 0 (one per core) or more, not {n}")
        raise SystemExit(2)
    return n


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhibiao", description="Metric facts from Chinese government documents.")
    sub = p.add_subparsers(dest="cmd", required=True)
    env_wh = os.environ.get("ZHIBIAO_WAREHOUSE", DEFAULT_WAREHOUSE)
    _add_run(sub, env_wh)
    _add_extract(sub)
    _add_sql(sub, env_wh)
    rp = sub.add_parser("report", help="write a self-contained HTML report")
    rp.add_argument("--warehouse", default=env_wh)
    rp.add_argument("--output", default="reports/zhibiao_report.html")
    rp.set_defaults(fn=cmd_report)
    ev = sub.add_parser("eval", help="score predicted facts JSONL against gold facts JSONL")
    ev.add_argument("gold")
    ev.add_argument("pred")
    ev.add_argument("--show-errors", action="store_true")
    ev.set_defaults(fn=cmd_eval)
    return p


def _add_run(sub, env_wh: str) -> None:
    r = sub.add_parser("run", help="run the whole pipeline through Dagster")
    r.add_argument("--corpus", default=os.environ.get("ZHIBIAO_CORPUS", DEFAULT_CORPUS), help="folder of documents")
    r.add_argument("--warehouse", default=env_wh, help=f"DuckDB file (default {DEFAULT_WAREHOUSE}, env ZHIBIAO_WAREHOUSE)")
    r.add_argument("--exports", default=os.environ.get("ZHIBIAO_EXPORTS", DEFAULT_EXPORTS), help="export folder")
    r.add_argument("--workers", default=None, help="extraction processes (0: one per core; env ZHIBIAO_WORKERS)")
    r.add_argument("--wait", type=float, default=600, help="seconds to wait for another run to finish")
    r.add_argument("-q", "--quiet", action="store_true", help="nothing but errors (no progress, no summary)")
    r.add_argument("-v", "--verbose", action="count", default=0, help="Dagster's log on stderr: -v info, -vv debug")
    r.add_argument("--log-level", choices=["debug", "info", "warning", "error", "critical"], type=str.lower,
                   help="Dagster's log level (default critical)")
    r.set_defaults(fn=cmd_run)


def _add_extract(sub) -> None:
    e = sub.add_parser("extract", help="run the extraction core alone and write the facts and docs JSONL of SCHEMA.md")
    e.add_argument("dir")
    e.add_argument("--facts", required=True)
    e.add_argument("--docs", required=True)
    e.add_argument("--workers", type=int, default=1)
    e.add_argument("--quiet", action="store_true")
    e.set_defaults(fn=cmd_extract)


def _add_sql(sub, env_wh: str) -> None:
    s = sub.add_parser("sql", help="run a read-only query on the warehouse",
                       description="Only the warehouse and the exports folder can be read; nothing can be written "
                                   "and settings are locked.")  # fmt: skip
    s.add_argument("query", nargs="?", help="SQL (several statements run in turn); - reads it from stdin")
    s.add_argument("-f", "--file", help="read the SQL from this file")
    s.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
    s.add_argument("--limit", type=int, default=None,
                   help=f"rows to print, -1 for all (default {DEFAULT_SCREEN_ROWS} for table/markdown, all for csv/json)")
    s.add_argument("--null", default=NULL_TEXT, help=f"how table and markdown show NULL (default {NULL_TEXT})")
    s.add_argument("--warehouse", default=env_wh)
    s.add_argument("--exports", default=os.environ.get("ZHIBIAO_EXPORTS", DEFAULT_EXPORTS),
                   help="export folder the query may read (read_parquet('exports/...'))")
    s.set_defaults(fn=cmd_sql)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.cmd == "run":
        args.workers = (_workers(args.workers, "--workers") if args.workers is not None
                        else _workers(os.environ.get("ZHIBIAO_WORKERS", "0"), "ZHIBIAO_WORKERS"))  # fmt: skip
    try:
        if args.cmd == "run" and args.quiet:  # the summary too: errors go to stderr
            with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
                return args.fn(args)
        return args.fn(args)
    except KeyboardInterrupt:
        # The run's resource removed its build on the way out; the worker processes ignore SIGINT and end
        # with the pool (or with this process).
        _err("interrupted: the published warehouse is as the last finished run left it")
        return 130
    except BrokenPipeError:  # `zhibiao run | head`: the reader left
        sys.stderr.close()
        return 1


if __name__ == "__main__":
    sys.exit(main())
