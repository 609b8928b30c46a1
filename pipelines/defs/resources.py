"""The one resource the assets share: where the corpus, warehouse and exports live."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg

from .. import progress
from ..settings import DEFAULT_CORPUS, DEFAULT_EXPORTS, DEFAULT_WAREHOUSE
from ..warehouse.store import WarehousePaths, file_lock, remove_build, start_build


class ZhibiaoResource(dg.ConfigurableResource):
    """Paths and knobs. Defaults come from ZHIBIAO_CORPUS, ZHIBIAO_WAREHOUSE, ZHIBIAO_EXPORTS."""

    corpus_dir: str = DEFAULT_CORPUS
    warehouse_path: str = DEFAULT_WAREHOUSE
    export_dir: str = DEFAULT_EXPORTS
    workers: int = 0  # 0: one extraction process per core
    progress: bool = False  # report to the progress display of `zhibiao run` (pipelines/progress.py)
    wait_seconds: float = 600.0  # how long a run waits for another to finish before it fails

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[ZhibiaoResource]:
        """Hold the run lock for the whole run (its steps share one build file; the job runs them in one
        process), start the run's build copy of the warehouse, and remove it when the run ends, published or
        not."""
        paths = self.paths(context.run.run_id if context.run else "local")
        with file_lock(paths.run_lock, "running the pipeline", self.wait_seconds, on_wait=_tell):
            try:
                start_build(paths)
                yield self
            finally:
                remove_build(paths)

    def paths(self, run_id: str) -> WarehousePaths:
        return WarehousePaths(Path(self.warehouse_path).absolute(), run_id)

    @property
    def corpus(self) -> Path:
        return Path(self.corpus_dir).absolute()

    @property
    def exports(self) -> Path:
        return Path(self.export_dir).absolute()

    def n_workers(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    def report(self, context: dg.AssetExecutionContext, stage: str, done: int, total: int) -> None:
        msg = f"{stage}: {done}/{total}"
        context.log.info(msg)
        if self.progress:
            progress.count(stage, done, total)

    def step(self, context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext, name: str, detail: str = "") -> None:
        """The run is in step ``name`` (dimensions, models, checks, publishing, exports)."""
        context.log.debug(f"{name} {detail}".strip())
        if self.progress:
            progress.step(name, detail)


def _tell(msg: str) -> None:
    print(f"zhibiao: {msg}", file=sys.stderr, flush=True)


def resource_from_env() -> ZhibiaoResource:
    return ZhibiaoResource(
        corpus_dir=os.environ.get("ZHIBIAO_CORPUS", DEFAULT_CORPUS),
        warehouse_path=os.environ.get("ZHIBIAO_WAREHOUSE", DEFAULT_WAREHOUSE),
        export_dir=os.environ.get("ZHIBIAO_EXPORTS", DEFAULT_EXPORTS),
        workers=_env_workers(),
    )


def _env_workers() -> int:
    value = os.environ.get("ZHIBIAO_WORKERS", "0")
    if not value.strip().isdigit():
        raise ValueError(f"ZHIBIAO_WORKERS must be 0 (one per core) or a number of processes, not {value!r}")
    return int(value)


@dg.definitions
def zhibiao_resources() -> dg.Definitions:
    """The resource every asset and check uses, and the executor of every run, also of runs the UI launches from
    the asset graph (they do not use zhibiao_job): see zhibiao_job."""
    return dg.Definitions(resources={"zhibiao": resource_from_env()}, executor=dg.in_process_executor)
