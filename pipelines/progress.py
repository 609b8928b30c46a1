"""Progress of `zhibiao run` on stderr, drawn by rich: a bar with rate and ETA while files are read and
documents extracted, and the step the run is in (dimensions, models, checks, publishing, exports).

The assets report through ``ZhibiaoResource.report`` and ``.step``, which call ``count`` and ``step`` here;
these do nothing unless `zhibiao run` opened a ``RunProgress`` in this process (a run launched by the Dagster
daemon logs to Dagster only). On a terminal the bars redraw in place; elsewhere (a log file, CI) each stage
and step is one plain line, so logs stay readable.
"""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

_current: RunProgress | None = None
UNITS = {"reading files": "files", "extracting": "docs"}  # what a stage counts, for its rate


def count(stage: str, done: int, total: int) -> None:
    if _current is not None:
        _current.count(stage, done, total)


def step(name: str, detail: str = "") -> None:
    if _current is not None:
        _current.step(name, detail)


class _CountsOnly(ProgressColumn):
    """A column shown for counted stages only: the step line has no bar, count or ETA."""

    def __init__(self, column: ProgressColumn) -> None:
        super().__init__()
        self.column = column

    def render(self, task: Task) -> Text:
        return Text("") if task.fields.get("is_step") else self.column.render(task)  # type: ignore[return-value]


class RunProgress:
    """Open around a run (``with RunProgress():``); ``enabled=False`` draws nothing."""

    def __init__(self, console: Console | None = None, enabled: bool = True) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = enabled
        self.live = enabled and self.console.is_terminal
        self.tasks: dict[str, TaskID] = {}
        self.started: dict[str, float] = {}
        self.last_step = ""
        self.last_event = time.monotonic()  # a stage's first report comes after its first batch: it began here
        self.step_task: TaskID | None = None
        self.bars = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<16}"),
            _CountsOnly(BarColumn()),
            _CountsOnly(MofNCompleteColumn()),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            _CountsOnly(TextColumn("ETA")),
            _CountsOnly(TimeRemainingColumn()),
            console=self.console,
            transient=False,
        )

    def __enter__(self) -> RunProgress:
        global _current
        _current = self
        if self.live:
            self.bars.start()
            self.step_task = self.bars.add_task("starting Dagster", total=None, rate="", is_step=True)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        global _current
        _current = None
        if self.live:
            if self.step_task is not None:
                self.bars.update(self.step_task, description="done" if kind is None else "stopped", total=1, completed=1)
            self.bars.stop()

    def count(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        first = stage not in self.started
        if first:
            self.started[stage] = self.last_event
        if done >= total:
            self.last_event = now
        elapsed = now - self.started[stage]
        rate = f"{done / elapsed:,.0f} {UNITS.get(stage, 'items')}/s" if elapsed > 0 and done else ""
        if self.live:
            if first:
                self.tasks[stage] = self.bars.add_task(stage, total=total, rate=rate, is_step=False)
                self.bars.tasks[-1].start_time = self.started[stage]  # the stage began before its first report
            self.bars.update(self.tasks[stage], completed=done, total=total, rate=rate)
        elif done >= total:
            self.console.print(f"  {stage} {done:,}/{total:,} in {elapsed:.1f} s" + (f" ({rate})" if rate else ""),
                               highlight=False)  # fmt: skip

    def step(self, name: str, detail: str = "") -> None:
        if not self.enabled:
            return
        if self.live and self.step_task is not None:
            self.bars.update(self.step_task, description=f"{name} {detail}".strip())
            self.bars.refresh()  # steps are often shorter than the redraw interval: show each one
        elif not self.live and name != self.last_step:
            self.console.print(f"  step: {name}", highlight=False)
        self.last_step = name
        self.last_event = time.monotonic()
