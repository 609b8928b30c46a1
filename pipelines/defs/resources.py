"""The one resource the assets share: where the corpus, warehouse and exports live."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg

from ..warehouse.store import WarehousePaths

DEFAULT_CORPUS = "seeds"
DEFAULT_WAREHOUSE = "warehouse/zhibiao.duckdb"
DEFAULT_EXPORTS = "exports"


class ZhibiaoResource(dg.ConfigurableResource):
    """Paths and knobs. Defaults come from ZHIBIAO_CORPUS, ZHIBIAO_WAREHOUSE, ZHIBIAO_EXPORTS."""

    corpus_dir: str = DEFAULT_CORPUS
    warehouse_path: str = DEFAULT_WAREHOUSE
    export_dir: str = DEFAULT_EXPORTS
    workers: int = 0  # 0: one extraction process per core
    progress: bool = False  # print progress lines to stderr (the CLI turns this on)

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
            print(f"  … {msg}", file=sys.stderr, flush=True)


def resource_from_env() -> ZhibiaoResource:
    return ZhibiaoResource(
        corpus_dir=os.environ.get("ZHIBIAO_CORPUS", DEFAULT_CORPUS),
        warehouse_path=os.environ.get("ZHIBIAO_WAREHOUSE", DEFAULT_WAREHOUSE),
        export_dir=os.environ.get("ZHIBIAO_EXPORTS", DEFAULT_EXPORTS),
        workers=int(os.environ.get("ZHIBIAO_WORKERS", "0")),
    )
