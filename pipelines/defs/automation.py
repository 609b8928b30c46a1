"""The job, a daily schedule, and a sensor that notices new, changed or deleted corpus files.

The sensor compares the corpus with what the warehouse holds (each file's content hash and the stat it had
when hashed, from the pipeline's copy of the published warehouse), so an edited file is noticed and an
unchanged one is not read again. Its cursor is small: a generation number and a digest of the corpus state
last requested. Each request's run key carries a new generation, so a request is never deduplicated away
(add a file, run, delete it: the second state's key differs from the first's).
"""


import contextlib
import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg
import duckdb

from ..core.documents import MAX_BYTES, Refused, read_bounded, scan_corpus, sha256_of
from ..warehouse.load import stat_key
from ..warehouse.store import WarehousePaths, connect, remove_dead_builds
from .resources import DEFAULT_CORPUS, DEFAULT_WAREHOUSE

zhibiao_job = dg.define_asset_job(
    "zhibiao_job",
    selection=dg.AssetSelection.all(),
    description="Read the corpus, extract facts, build the warehouse and SQL models, publish, export.",
    # All steps in the run's own process: DuckDB allows one writing process, the steps share one build file,
    # and a process per step cost 40 s of start-up where the work takes 3 (the extraction step runs its own
    # worker processes).
    executor_def=dg.in_process_executor,
)

# Schedules and sensors start RUNNING on purpose: a scheduled ETL that is off until someone finds
# the toggle is the commonest surprise. They need the daemon (`dagster dev` starts one).
daily_schedule = dg.ScheduleDefinition(
    name="zhibiao_daily",
    job=zhibiao_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 02:00 Beijing time.",
)


def held_by_warehouse(state: Path) -> dict[str, tuple[str, str]]:
    """Path -> (sha256, stat when hashed) of every file the warehouse holds as a document or a quarantine row
    ("" for a file refused unread). Empty when there is no warehouse yet, or it cannot be read."""
    if not state.exists():
        return {}
    with contextlib.suppress(duckdb.Error, OSError), connect(state, read_only=True) as con:
        held = {p: (sha or "", stat or "") for p, sha, stat in
                con.execute("select path, sha256, file_stat from quarantine").fetchall()}  # fmt: skip
        held.update({p: (sha, stat or "") for p, sha, stat in
                     con.execute("select path, sha256, file_stat from raw_document").fetchall()})  # fmt: skip
        return held
    return {}


def corpus_state(corpus: Path, held: dict[str, tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """Path -> content hash of every file ("" for one that is not read: not a regular file, too large,
    unreadable), and the folders that could not be listed. A file whose stat is the one the warehouse
    recorded with its hash is not read again (the loader's rule, ``stat_key``): a tick costs a stat per
    unchanged file."""
    listing = scan_corpus(corpus)
    now: dict[str, str] = {q.path: "" for q in listing.refused}
    started = time.time()
    for f in listing.files:
        try:
            info = os.stat(f.path)
            stat = stat_key(info, started)
            then = held.get(f.name)
            if stat and then and then[1] == stat:
                now[f.name] = then[0]
            else:
                now[f.name] = "" if info.st_size > MAX_BYTES else sha256_of(read_bounded(f.path))
        except (OSError, Refused):
            now[f.name] = ""
    return now, listing.unlisted


def differences(held: dict[str, tuple[str, str]], now: dict[str, str], unlisted: list[str]) -> dict[str, list[str]]:
    """New, changed (by content hash) and deleted paths between the warehouse and the corpus. Files under a
    folder that could not be listed are not deleted (the loader keeps their documents)."""
    def listed(p: str) -> bool:
        return not any(p.startswith(d + os.sep) for d in unlisted)

    return {
        "new": sorted(k for k in now if k not in held),
        "changed": sorted(k for k in now if k in held and held[k][0] != now[k]),
        "deleted": sorted(k for k in held if k not in now and listed(k)),
    }


def _digest(now: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(now, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


@dg.sensor(
    name="zhibiao_corpus_sensor",
    job=zhibiao_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs the job when the corpus differs from what the warehouse holds (a file added, edited or "
                "removed, by content hash).",
)  # fmt: skip
def corpus_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    corpus = Path(os.environ.get("ZHIBIAO_CORPUS", DEFAULT_CORPUS)).absolute()
    if not corpus.is_dir():
        return dg.SkipReason(f"corpus folder {corpus} does not exist")
    paths = WarehousePaths(Path(os.environ.get("ZHIBIAO_WAREHOUSE", DEFAULT_WAREHOUSE)).absolute())
    removed = remove_dead_builds(paths)
    if removed:
        context.log.info(f"removed {removed} files left by runs that died")
    state = paths.state
    try:
        cursor = json.loads(context.cursor) if context.cursor else {}
        generation, requested = int(cursor["generation"]), str(cursor["state"])
    except (ValueError, KeyError, TypeError):
        # No cursor (or one of an earlier version): generations start from the clock, so no key of this
        # sensor's past can come back.
        generation, requested = int(time.time()), ""
    held = held_by_warehouse(state)
    now, unlisted = corpus_state(corpus, held)
    diff = differences(held, now, unlisted)
    digest = _digest(now)
    keep = json.dumps({"generation": generation, "state": requested})
    if not any(diff.values()):
        return dg.SensorResult(skip_reason="the warehouse holds the corpus as it is", cursor=keep)
    if digest == requested:
        # Requested already; that run has not published yet, or failed (the daily schedule tries again).
        return dg.SensorResult(skip_reason="a run was already requested for the corpus as it is", cursor=keep)
    summary = ", ".join(f"{len(v)} {k}" for k, v in diff.items() if v)
    generation += 1
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"corpus:{generation}:{digest}", tags={"zhibiao/change": summary})],
        cursor=json.dumps({"generation": generation, "state": digest}),
    )
