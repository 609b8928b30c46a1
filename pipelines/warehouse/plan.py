"""The run's plan: what changed since the last published warehouse and what each asset must therefore do.

One pure function (``make_plan``) computes it from two views of the warehouse: the one the run started from (the
pipeline's copy of the last published warehouse) and this run's build once the corpus has been read into it, plus
the versions of the code. The ``run_plan`` asset stores it as one typed row (``zhibiao_internal.run_plan``) in the
build, where every later step reads it, whichever process runs that step (the in-process executor, `dagster job
execute`, a run the sensor or the schedule requested). The row a published warehouse holds is the plan of the run
that built it: its versions are those of the code that made the warehouse's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import duckdb

from .store import RUN_PLAN


class Models(StrEnum):
    """How the SQL models are brought up to date."""

    UNCHANGED = "unchanged"  # nothing they read changed: each is kept as it is (made if missing)
    INCREMENTAL = "incremental"  # a model with an incremental key recomputes the series the run touched
    FULL = "full"  # every model is made again from its inputs


@dataclass(frozen=True)
class Versions:
    """Versions of the code that shapes the rows (warehouse/versions.py)."""

    extractor: str | None
    models: str | None


@dataclass(frozen=True)
class WarehouseView:
    """What the plan reads of a warehouse: each document's content hash as read (raw_document) and as last
    extracted (dim_document), the quarantine, and the versions of the code that made its rows."""

    documents: Mapping[str, str] = field(default_factory=dict)
    extracted: Mapping[str, str] = field(default_factory=dict)
    quarantine: frozenset[tuple[str, str]] = frozenset()
    versions: Versions = Versions(None, None)


@dataclass(frozen=True)
class RunPlan:
    """What a run does. ``changed``: the warehouse differs from the published one (else the models are kept and
    nothing is published). ``reextract_all``: new extraction code, every document's rows are made again.
    ``extract``/``remove``: the documents whose rows are (re)made / leave the warehouse."""

    run_id: str
    changed: bool
    reextract_all: bool
    extract: tuple[str, ...]
    remove: tuple[str, ...]
    models: Models
    versions: Versions

    @classmethod
    def rebuild(cls, run_id: str, versions: Versions) -> RunPlan:
        """For a run that did not plan (a selection of assets without ``run_plan``): remake what it runs."""
        return cls(run_id, True, False, (), (), Models.FULL, versions)


# Refreshing the keys of a few documents beats a rebuild; past a fifth of the corpus it does not.
INCREMENTAL_UP_TO = 5  # the models are refreshed while documents touched x 5 <= documents


def make_plan(run_id: str, last: WarehouseView | None, now: WarehouseView, code: Versions,
              rewritten: bool = False) -> RunPlan:  # fmt: skip
    """The plan of a run whose build started from ``last`` (None: there was no published warehouse, the build
    started empty) and holds ``now`` once the corpus is read. ``rewritten``: the build was converted from an
    older storage format, so it must be published even if nothing else changed."""
    reextract_all = now.versions.extractor != code.extractor
    extracted = {} if reextract_all else now.extracted
    extract = tuple(sorted(d for d, sha in now.documents.items() if extracted.get(d) != sha))
    remove = tuple(sorted(d for d in extracted if d not in now.documents))
    new_models = now.versions.models != code.models
    changed = (last is None or rewritten or new_models or now.documents != last.documents
               or now.quarantine != last.quarantine or len(extracted) != len(now.documents))  # fmt: skip
    if not changed:
        models = Models.UNCHANGED
    elif last is None or new_models or not extracted or (len(extract) + len(remove)) * INCREMENTAL_UP_TO > len(now.documents):
        models = Models.FULL
    else:
        models = Models.INCREMENTAL
    return RunPlan(run_id, changed, reextract_all, extract, () if reextract_all else remove, models, code)


def save_plan(con: duckdb.DuckDBPyConnection, plan: RunPlan) -> None:
    """Replace the warehouse's plan row with ``plan``."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.execute("begin transaction")
    con.execute(f"delete from {RUN_PLAN}")  # noqa: S608 - our own table
    con.execute(f"insert into {RUN_PLAN} values (?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                [plan.run_id, now, plan.changed, plan.reextract_all, list(plan.extract), list(plan.remove),
                 plan.models.value, plan.versions.extractor, plan.versions.models])  # fmt: skip
    con.execute("commit")


def stored_versions(con: duckdb.DuckDBPyConnection) -> Versions:
    """The versions of the code that made the warehouse's rows (None for a new warehouse)."""
    row = con.execute(f"select extractor_version, models_version from {RUN_PLAN}").fetchone()  # noqa: S608
    return Versions(*row) if row else Versions(None, None)


def last_plan(con: duckdb.DuckDBPyConnection) -> RunPlan | None:
    """The plan of the run that last wrote this warehouse (None for a new one)."""
    row = con.execute(f"select run_id, changed, reextract_all, extract, remove, models, extractor_version, "  # noqa: S608
                      f"models_version from {RUN_PLAN}").fetchone()  # fmt: skip
    if row is None:
        return None
    run_id, changed, reextract_all, extract, remove, models, extractor, models_version = row
    return RunPlan(run_id, changed, reextract_all, tuple(extract), tuple(remove), Models(models),
                   Versions(extractor, models_version))  # fmt: skip


def read_plan(con: duckdb.DuckDBPyConnection, run_id: str, code: Versions) -> RunPlan:
    """The plan of run ``run_id``; a plan to remake everything if that run did not plan (see RunPlan.rebuild)."""
    plan = last_plan(con)
    return plan if plan is not None and plan.run_id == run_id else RunPlan.rebuild(run_id, code)


def read_view(con: duckdb.DuckDBPyConnection) -> WarehouseView:
    """The plan's view of the connection's warehouse (this run's build)."""
    return WarehouseView(_pairs(con, "raw_document"), _pairs(con, "dim_document"), _quarantine(con), stored_versions(con))


def read_last_view(con: duckdb.DuckDBPyConnection, catalog: str) -> WarehouseView:
    """The documents and quarantine of the attached warehouse ``catalog`` (the one the build started from, which
    may be of an earlier zhibiao: it is read for what every version had)."""
    return WarehouseView(_pairs(con, "raw_document", catalog), quarantine=_quarantine(con, catalog))


def _pairs(con: duckdb.DuckDBPyConnection, table: str, catalog: str = "") -> dict[str, str]:
    """doc_id -> sha256 of ``table``."""
    prefix = f'"{catalog}".main.' if catalog else ""
    return dict(con.execute(f"select doc_id, sha256 from {prefix}{table}").fetchall())  # noqa: S608


def _quarantine(con: duckdb.DuckDBPyConnection, catalog: str = "") -> frozenset[tuple[str, str]]:
    prefix = f'"{catalog}".main.' if catalog else ""
    return frozenset(con.execute(f"select path, reason from {prefix}quarantine").fetchall())  # noqa: S608
