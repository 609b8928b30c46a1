"""Entry point for `dg dev`, `dagster dev -m pipelines.definitions` and `dagster job execute`.

Every definition lives in pipelines/defs/ (the project's ``defs_module`` in pyproject.toml) and is loaded from
there: the assets, checks, job, schedule and sensor found in its modules, and the resource and executor of
``defs/resources.py``. A definition added to pipelines/defs (by hand or with `dg scaffold defs`) is loaded
without being listed here.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg


def build_definitions() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)


defs = build_definitions()
