"""The job, a daily schedule, and a sensor that notices new, changed or deleted corpus files.

The sensor's cursor is a map path -> sha256, so an edited file (same name, new content) is
noticed; each run request is keyed by the content of the change, so it is never deduplicated away.
"""


import hashlib
import json
import os
from pathlib import Path

import dagster as dg

from ..core.documents import list_corpus, sha256_of
from .resources import DEFAULT_CORPUS

zhibiao_job = dg.define_asset_job(
    "zhibiao_job",
    selection=dg.AssetSelection.all(),
    description="Read the corpus, extract facts, build the warehouse and SQL models, publish, export.",
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


def corpus_hashes(corpus: Path) -> dict[str, str]:
    out = {}
    for p in list_corpus(corpus):
        try:
            out[str(p.relative_to(corpus))] = sha256_of(p.read_bytes())
        except OSError:
            continue
    return out


def diff_corpus(before: dict[str, str], now: dict[str, str]) -> dict[str, list[str]]:
    return {
        "new": sorted(k for k in now if k not in before),
        "changed": sorted(k for k in now if k in before and before[k] != now[k]),
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
    now = corpus_hashes(corpus)
    diff = diff_corpus(before, now)
    if not any(diff.values()):
        return dg.SkipReason("no new, changed or deleted files")
    key = hashlib.sha256(json.dumps(now, sort_keys=True).encode()).hexdigest()[:16]
    summary = ", ".join(f"{len(v)} {k}" for k, v in diff.items() if v)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"corpus:{key}", tags={"zhibiao/change": summary})],
        cursor=json.dumps(now, sort_keys=True),
    )
