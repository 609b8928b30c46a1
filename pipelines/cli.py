"""The `zhibiao` command: run, extract, sql, report, eval."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .defs.resources import DEFAULT_CORPUS, DEFAULT_EXPORTS, DEFAULT_WAREHOUSE


def _err(msg: str) -> None:
    print(f"zhibiao: {msg}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    """Materialise every asset through Dagster, in this process, with progress on stderr."""
    import dagster as dg

    from .defs.assets import ALL_ASSETS
    from .defs.checks import ALL_CHECKS
    from .defs.resources import ZhibiaoResource
    from .warehouse.store import WarehouseBusy, WarehousePaths, connect, file_lock

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        _err(f"corpus folder not found: {corpus}")
        return 2
    home = os.environ.get("DAGSTER_HOME")
    if not home and Path("dagster_home/dagster.yaml").is_file():
        os.environ["DAGSTER_HOME"] = str(Path("dagster_home").absolute())  # must be absolute
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    resource = ZhibiaoResource(corpus_dir=str(corpus), warehouse_path=args.warehouse, export_dir=args.exports,
                               workers=args.workers, progress=not args.quiet)  # fmt: skip
    paths = WarehousePaths(Path(args.warehouse).absolute())
    t0 = time.monotonic()
    print(f"zhibiao: corpus {corpus.absolute()} -> warehouse {paths.published}", file=sys.stderr)
    try:
        with file_lock(paths.run_lock, "running the pipeline", wait_seconds=args.wait, on_wait=_err):
            result = dg.materialize(
                [*ALL_ASSETS, *ALL_CHECKS],
                resources={"zhibiao": resource},
                instance=instance,
                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
                raise_on_error=False,
                tags={"zhibiao/entry": "cli"},
            )
    except WarehouseBusy as e:
        _err(str(e))
        return 3
    if not result.success:
        for ev in result.all_events:
            if ev.is_step_failure and ev.step_failure_data:
                _err(f"step {ev.step_key} failed: {ev.step_failure_data.error.message.strip() if ev.step_failure_data.error else ''}")
        _err("run failed; the published warehouse is unchanged")
        return 1
    failed_checks = [c for c in result.get_asset_check_evaluations() if not c.passed]
    with connect(paths.state, read_only=True) as con:
        n_docs = con.execute("select count(*) from dim_document").fetchone()[0]
        n_facts = con.execute("select count(*) from fct_metric_fact").fetchone()[0]
        quarantine = con.execute("select path, reason from quarantine order by path").fetchall()
    dt = time.monotonic() - t0
    print(f"\nzhibiao run finished in {dt:.1f} s (Dagster run {result.run_id[:8]})")
    print(f"  documents read      {n_docs}")
    print(f"  facts extracted     {n_facts}")
    print(f"  files quarantined   {len(quarantine)}")
    for path, reason in quarantine[:10]:
        print(f"    - {path}: {reason}")
    print(f"  warehouse           {paths.published}")
    print(f"  exports             {Path(args.exports).absolute()}/ (Parquet, facts.jsonl, docs.jsonl)")
    steps = [(ev.step_key, ev.event_specific_data.duration_ms / 1000) for ev in result.all_events
             if ev.is_step_success and ev.step_key and ev.event_specific_data is not None]  # fmt: skip
    slowest = sorted(steps, key=lambda kv: -kv[1])[:4]
    print("  slowest steps       " + ", ".join(f"{k} {s:.1f} s" for k, s in slowest))
    if failed_checks:
        print(f"  checks FAILED       {', '.join(c.check_name for c in failed_checks)}")
    else:
        print("  checks              all passed")
    print('\nTry: zhibiao sql "select region, metric, value, unit, period from fct_metric_fact '
          "where metric_id = 'base_stations_5g' order by period\"")
    return 0 if not failed_checks else 4


def cmd_extract(args: argparse.Namespace) -> int:
    from .core.extract import extract_corpus_to_jsonl

    corpus = Path(args.dir)
    if not corpus.is_dir():
        _err(f"not a folder: {corpus}")
        return 2

    def progress(i: int, n: int) -> None:
        if not args.quiet and (i % 200 == 0 or i == n) and n >= 50:
            print(f"  … extracted {i}/{n}", file=sys.stderr, flush=True)

    summary = extract_corpus_to_jsonl(corpus, Path(args.facts), Path(args.docs), workers=args.workers, progress=progress)
    for q in summary.quarantined:
        _err(f"quarantined {q.path}: {q.reason}")
    print(f"{summary.documents} documents, {summary.facts} facts, {len(summary.quarantined)} quarantined "
          f"-> {args.facts}, {args.docs}", file=sys.stderr)  # fmt: skip
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from .warehouse.store import connect

    try:
        with connect(Path(args.warehouse), read_only=True) as con:
            cur = con.execute(args.query)
            if cur.description is None:
                return 0
            cols = [d[0] for d in cur.description]
            rows = cur.fetchmany(args.limit + 1)
    except FileNotFoundError as e:
        _err(str(e))
        return 2
    except duckdb.Error as e:
        _err(f"query failed: {e}")
        return 1
    print(format_table(cols, rows[: args.limit]))
    if len(rows) > args.limit:
        print(f"(first {args.limit} rows; use --limit N for more)")
    return 0


def format_table(cols: list[str], rows: list[tuple]) -> str:
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)

    def cell(v: object) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, float):
            return f"{v:.6g}" if abs(v) < 1e15 else f"{v:.6e}"
        return str(v).replace("\n", " ")[:80]

    table = [[cell(c) for c in cols]] + [[cell(v) for v in r] for r in rows]
    widths = [max(width(r[i]) for r in table) for i in range(len(cols))]
    lines = []
    for k, r in enumerate(table):
        lines.append("  ".join(v + " " * (widths[i] - width(v)) for i, v in enumerate(r)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_report

    try:
        out = write_report(Path(args.warehouse), Path(args.output))
    except FileNotFoundError as e:
        _err(str(e))
        return 2
    print(f"report written to {out.absolute()}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .core.evaluate import evaluate_files

    print(evaluate_files(Path(args.gold), Path(args.pred), show_errors=args.show_errors))
    return 0


def main(argv: list[str] | None = None) -> int:
    env_wh = os.environ.get("ZHIBIAO_WAREHOUSE", DEFAULT_WAREHOUSE)
    p = argparse.ArgumentParser(prog="zhibiao", description="Metric facts from Chinese government documents.")
    sub = p.add_subparsers(dest="cmd", required=True)

    r = sub.add_parser("run", help="run the whole pipeline through Dagster")
    r.add_argument("--corpus", default=os.environ.get("ZHIBIAO_CORPUS", DEFAULT_CORPUS), help="folder of documents")
    r.add_argument("--warehouse", default=env_wh, help=f"DuckDB file (default {DEFAULT_WAREHOUSE}, env ZHIBIAO_WAREHOUSE)")
    r.add_argument("--exports", default=os.environ.get("ZHIBIAO_EXPORTS", DEFAULT_EXPORTS), help="export folder")
    r.add_argument("--workers", type=int, default=int(os.environ.get("ZHIBIAO_WORKERS", "0")),
                   help="extraction processes (0: one per core)")  # fmt: skip
    r.add_argument("--wait", type=float, default=600, help="seconds to wait for another run to finish")
    r.add_argument("--quiet", action="store_true", help="no progress lines")
    r.set_defaults(fn=cmd_run)

    e = sub.add_parser("extract", help="run the extraction core alone and write SCHEMA.md JSONL")
    e.add_argument("dir")
    e.add_argument("--facts", required=True)
    e.add_argument("--docs", required=True)
    e.add_argument("--workers", type=int, default=1)
    e.add_argument("--quiet", action="store_true")
    e.set_defaults(fn=cmd_extract)

    s = sub.add_parser("sql", help="run a read-only query on the warehouse")
    s.add_argument("query")
    s.add_argument("--warehouse", default=env_wh)
    s.add_argument("--limit", type=int, default=200)
    s.set_defaults(fn=cmd_sql)

    rp = sub.add_parser("report", help="write a self-contained HTML report")
    rp.add_argument("--warehouse", default=env_wh)
    rp.add_argument("--output", default="reports/zhibiao_report.html")
    rp.set_defaults(fn=cmd_report)

    ev = sub.add_parser("eval", help="score predicted facts JSONL against gold facts JSONL")
    ev.add_argument("gold")
    ev.add_argument("pred")
    ev.add_argument("--show-errors", action="store_true")
    ev.set_defaults(fn=cmd_eval)

    args = p.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
