"""Entry point for `dagster dev -m pipelines.definitions` and `dg dev`."""

from __future__ import annotations

import dagster as dg

from .defs.assets import ALL_ASSETS
from .defs.automation import corpus_sensor, daily_schedule, zhibiao_job
from .defs.checks import ALL_CHECKS
from .defs.resources import resource_from_env


def build_definitions() -> dg.Definitions:
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[zhibiao_job],
        schedules=[daily_schedule],
        sensors=[corpus_sensor],
        resources={"zhibiao": resource_from_env()},
        # Also for runs the UI launches from the asset graph (they do not use zhibiao_job): see zhibiao_job.
        executor=dg.in_process_executor,
    )


defs = build_definitions()
