"""`zhibiao run` in a subprocess: progress names each stage and step (a live bar with rate and ETA on a
terminal, one line per stage elsewhere), -v adds Dagster's log, --quiet leaves nothing but errors."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from .conftest import SEEDS

ZHIBIAO = [sys.executable, "-m", "pipelines.cli", "run", "--corpus", str(SEEDS), "--workers", "1"]


def run_args(tmp: Path) -> list[str]:
    return [*ZHIBIAO, "--warehouse", str(tmp / "wh" / "z.duckdb"), "--exports", str(tmp / "ex")]


def env(tmp: Path) -> dict[str, str]:
    """An ephemeral Dagster instance (no DAGSTER_HOME, no dagster_home/ in the test's folder)."""
    return {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"} | {"COLUMNS": "120"}


def test_progress_lines_name_every_stage_and_step_off_a_terminal(tmp_path: Path):
    r = subprocess.run(run_args(tmp_path), capture_output=True, text=True, env=env(tmp_path), timeout=300)
    assert r.returncode == 0, r.stderr
    assert re.search(r"reading files 5/5 in [\d.]+ s", r.stderr)
    assert re.search(r"extracting 5/5 in [\d.]+ s", r.stderr)
    steps = re.findall(r"step: (\w+)", r.stderr)
    assert {"dimensions", "models", "checks", "publishing", "exports"} <= set(steps)
    assert steps[-1] == "exports"
    assert "\x1b[" not in r.stderr  # no terminal codes in a log
    assert "zhibiao run finished" in r.stdout and "documents read      5" in r.stdout


def test_quiet_prints_nothing_but_errors(tmp_path: Path):
    r = subprocess.run([*run_args(tmp_path), "--quiet"], capture_output=True, text=True, env=env(tmp_path), timeout=300)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    (tmp_path / "not_a_folder").write_text("x")
    r = subprocess.run([*run_args(tmp_path), "-q", "--corpus", str(tmp_path / "not_a_folder")], capture_output=True,
                       text=True, env=env(tmp_path), timeout=300)  # fmt: skip
    assert r.returncode == 2 and "must be a folder" in r.stderr and r.stdout == ""


def test_a_terminal_gets_a_live_bar_with_rate_and_eta_and_verbose_adds_dagsters_log(tmp_path: Path):
    leader, follower = pty.openpty()
    proc = subprocess.Popen([*run_args(tmp_path), "-v"], stdin=follower, stdout=follower, stderr=follower,
                            env=env(tmp_path) | {"TERM": "xterm"}, close_fds=True)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the run has ended
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(leader)
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    assert re.search(r"extracting\s+━+\s+5/5\s+[\d,]+ docs/s\s+[\d:]+\s+ETA", screen), screen[-2000:]
    assert re.search(r"reading files\s+━+\s+5/5", screen)
    assert "exports" in screen and "models" in screen
    assert " - INFO - " in screen and "extracting: 5/5" in screen  # -v: Dagster's own log lines
