"""`dg list defs` and `dg check defs` work on the project after the README's install (dagster-dg-cli is a
dependency pinned to the Dagster version)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def dg(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "dg"
    if not exe.is_file() and shutil.which("dg") is None:
        pytest.skip("dg is not installed (pip install -e . installs dagster-dg-cli)")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHIBIAO_", "DAGSTER_HOME"))}
    env["VIRTUAL_ENV"] = sys.prefix  # as after `source .venv/bin/activate`
    return subprocess.run([str(exe) if exe.is_file() else "dg", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)  # fmt: skip


def test_dg_lists_the_projects_definitions():
    r = dg("list", "defs", "--json")
    assert r.returncode == 0, r.stderr
    listed = json.loads(r.stdout)
    keys = {a["asset_key"] for a in listed["assets"]}
    assert {"raw_document", "fct_metric_fact", "mart_metric_timeseries", "published_warehouse", "exports"} <= keys
    assert {s["name"] for s in listed["sensors"]} == {"zhibiao_corpus_sensor"}
    assert {s["name"] for s in listed["schedules"]} == {"zhibiao_daily"}


def test_dg_check_defs_passes():
    r = dg("check", "defs")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "All definitions loaded successfully" in r.stdout + r.stderr
