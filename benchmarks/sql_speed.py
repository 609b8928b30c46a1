"""`zhibiao sql` as an analyst meets it: start-up time of a trivial query, and time and peak memory of a
large result in each format (the rows stream in batches, so memory should not grow with the result).

    python benchmarks/sql_speed.py [--warehouse warehouse/zhibiao.duckdb] [--rows 3000000] [--rounds 5]

Each measurement is a fresh `zhibiao sql` process (python -m pipelines.cli); peak memory is its VmHWM.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PEAK = "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1], file=sys.stderr)"


def run(args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak MB, bytes written) of one `zhibiao sql` process."""
    code = f"import sys; from pipelines.cli import main; rc = main({args!r}); {PEAK}; sys.exit(rc)"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    n = 0
    while chunk := proc.stdout.read(1 << 20):
        n += len(chunk)
    err = proc.stderr.read().decode()
    if proc.wait() != 0:
        raise SystemExit(f"zhibiao sql failed: {err}")
    return time.perf_counter() - t0, int(err.strip().splitlines()[-1]) / 1024, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", help="a warehouse to query (default: an empty one made here)")
    ap.add_argument("--rows", type=int, default=3_000_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wh = args.warehouse
        if wh is None:
            wh = str(Path(tmp) / "empty.duckdb")
            duckdb.connect(wh).close()
        base = ["sql", "--warehouse", wh]
        times = [run([*base, "select 1"])[0] for _ in range(args.rounds)]
        print(f"start-up, `select 1`: median {statistics.median(times):.2f} s, best {min(times):.2f} s")
        query = f"select range as i, md5(range::varchar) as h, range / 7 as x from range({args.rows})"
        for fmt in ("csv", "jsonl", "json", "table", "markdown"):
            s, peak, n = run([*base, "--format", fmt, "--limit", "-1", query])
            print(f"{args.rows:,} rows as {fmt:<8}: {s:6.1f} s, peak {peak:5.0f} MB, {n / 2**20:,.0f} MB written")


if __name__ == "__main__":
    main()
