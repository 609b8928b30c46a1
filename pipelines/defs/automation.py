"""The job, a daily schedule, and a sensor that notices new, changed or deleted corpus files.

The sensor's cursor is a map path -> [sha256, stat], so an edited file (same name, new content) is
noticed and an unchanged one is not read again; each run request is keyed by the content of the change, so it is never deduplicated away.
"""


import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg

from ..core.documents import list_corpus, sha256_of
from ..warehouse.load import stat_key
from .resources import DEFAULT_CORPUS

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


def corpus_hashes(corpus: Path, before: dict[str, list[str]]) -> dict[str, list[str]]:
    """Path -> [sha256, stat] of every corpus file. A file whose stat is the one recorded with its hash in
    ``before`` is not read again (the loader's rule, ``stat_key``): a tick costs a stat per unchanged file."""
    out = {}
    started = time.time()
    for p in list_corpus(corpus):
        rel = str(p.relative_to(corpus))
        try:
            stat = stat_key(os.stat(p), started)
            then = before.get(rel)
            out[rel] = then if stat and then and then[1] == stat else [sha256_of(p.read_bytes()), stat]
        except OSError:
            continue
    return out


def diff_corpus(before: dict[str, list[str]], now: dict[str, list[str]]) -> dict[str, list[str]]:
    """New, changed (by content hash) and deleted paths."""
    return {
        "new": sorted(k for k in now if k not in before),
        "changed": sorted(k for k in now if k in before and before[k][0] != now[k][0]),
        "deleted": sorted(k for k in before if k not in now),
    }


@dg.sensor(
    name="zhibiao_corpus_sensor",
    job=zhibiao_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Runs the job when a corpus file is added, edited or removed (by content hash).",
)
def corpus_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    corpus = Path(os.environ.get("ZHIBIAO_CORPUS", DEFAULT_CORPUS)).absolute()
    if not corpus.is_dir():
        return dg.SkipReason(f"corpus folder {corpus} does not exist")
    before = json.loads(context.cursor) if context.cursor else {}
    # Cursors of earlier versions map a path to its hash alone.
    before = {k: v if isinstance(v, list) else [v, ""] for k, v in before.items()}
    now = corpus_hashes(corpus, before)
    diff = diff_corpus(before, now)
    if not any(diff.values()):
        # The stats of touched but unchanged files go into the cursor, so they are not read again.
        return dg.SensorResult(skip_reason="no new, changed or deleted files", cursor=json.dumps(now, sort_keys=True))
    hashes = {k: sha for k, (sha, _) in now.items()}
    key = hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()[:16]
    summary = ", ".join(f"{len(v)} {k}" for k, v in diff.items() if v)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"corpus:{key}", tags={"zhibiao/change": summary})],
        cursor=json.dumps(now, sort_keys=True),
    )
