"""The DuckDB warehouse: schema, incremental loads through Arrow, and atomic publishing.

Writers work on a build copy (``zhibiao.build-<run>.duckdb``); ``publish`` swaps a copy of it into place with
an atomic rename, so analysts reading ``zhibiao.duckdb`` never block a run and never see half a run.
A file lock lets one run in at a time; a second run waits, then stops with a clear message.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from .tables import column_names, create_table_sql

# The pipeline's own bookkeeping (the run's plan, the series a run touched) lives in this schema, out of the way
# of the analysts' tables in main.
INTERNAL_SCHEMA = "zhibiao_internal"
RUN_PLAN = f"{INTERNAL_SCHEMA}.run_plan"  # one typed row: the plan of the run that built the warehouse (plan.py)
RUN_STATE = f"{INTERNAL_SCHEMA}.run_state"  # a view of the plan's code versions by name (key, value)
AFFECTED_SERIES = f"{INTERNAL_SCHEMA}.run_affected_series"
# The storage format the warehouse is written in: DuckDB 2 writes files that DuckDB 1.x cannot open (storage
# version 69), and the DuckDB CLI analysts install (`pip install duckdb-cli`) is 1.5. v1.4.0 files open in
# DuckDB 1.4 LTS, 1.5 and 2.x.
STORAGE_VERSION = "v1.4.0"

# The loader's tables as their schema files declare them (sql/sources/*.yml, see tables.py): a column added there
# is added here, and a warehouse from before it gains it.
# fct_metric_fact has no primary key: the index on 1.3 million fact ids cost a quarter of every insert, and
# ids are unique by construction (document:start:end), checked by sql/tests/assert_fact_ids_unique.sql.
# Warehouses made before that are rebuilt once (_drop_fact_key).
FACT_TABLE_SQL = create_table_sql("fct_metric_fact")
SCHEMA_SQL = "\n".join(create_table_sql(t) for t in ("raw_document", "dim_document", "fct_metric_fact", "quarantine"))
SCHEMA_SQL += f"""
create schema if not exists {INTERNAL_SCHEMA};
"""

RUN_PLAN_SQL = f"""create table if not exists {RUN_PLAN} (
    run_id varchar not null, planned_at timestamp not null, changed boolean not null, reextract_all boolean not null,
    extract varchar[] not null, remove varchar[] not null, models varchar not null, extractor_version varchar,
    models_version varchar
)"""
# Readers that ask for a code version by name (the exports' fingerprints) read it here.
RUN_STATE_VIEW_SQL = f"""create or replace view {RUN_STATE} as
select 'extractor_version' as key, extractor_version as value from {RUN_PLAN}
union all select 'models_version', models_version from {RUN_PLAN}"""
CODE_VERSION_KEYS = ("extractor_version", "models_version")

FACT_COLUMNS = column_names("fct_metric_fact")


class WarehouseBusy(RuntimeError):
    pass


class WarehouseFolderError(RuntimeError):
    """The warehouse folder cannot be created or written (read-only, a file in the way, no permission)."""


@dataclass(frozen=True)
class WarehousePaths:
    """The published file analysts read; the pipeline's own copy of it (``state``), which runs start from, so
    nothing an analyst does to the published file reaches the next run; one build file per run; two locks."""

    published: Path
    run_id: str = "local"

    @property
    def build(self) -> Path:
        # One build file per run: two runs never write the same file.
        return self.published.with_name(f"{self.published.stem}.build-{self.run_id[:12]}.duckdb")

    @property
    def state(self) -> Path:
        return self.published.with_name(f".{self.published.stem}.state.duckdb")

    @property
    def lock(self) -> Path:
        return self.published.with_name(self.published.stem + ".lock")

    @property
    def run_lock(self) -> Path:
        return self.published.with_name(self.published.stem + ".run.lock")

    def builds(self) -> list[Path]:
        """Every run's build files (and their WALs and publish copies)."""
        stem = self.published.stem
        return [p for pattern in (f"{stem}.build-*.duckdb*", f"{stem}.publish-*.duckdb*")
                for p in self.published.parent.glob(pattern)]  # fmt: skip


# File descriptors of the locks this process holds: worker processes close them at start, so a lock is never
# held by a worker that outlives the run (flock locks belong to the open file, which fork shares).
_HELD: dict[str, int] = {}


def held_lock_fds() -> list[int]:
    return list(_HELD.values())


@contextlib.contextmanager
def file_lock(lock: Path, what: str, wait_seconds: float = 600.0,
              on_wait: Callable[[str], None] | None = None) -> Iterator[None]:  # fmt: skip
    """An exclusive lock across processes; waits up to ``wait_seconds`` then raises WarehouseBusy.
    Re-entrant within a process (the CLI holds the run lock around a run whose resource takes it too).

    The kernel releases a flock when the last process holding the open file ends, so a killed run's lock
    is free as soon as it and its workers are gone: a lock is never stale. The holder's pid is written
    into the file, for the message."""
    key = str(lock.absolute())
    if key in _HELD:
        yield
        return
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fh = open(lock, "a+")  # noqa: SIM115 - held across the yield
    except OSError as e:
        why = "a file is in the way" if isinstance(e, (FileExistsError, NotADirectoryError)) else e.strerror or str(e)
        raise WarehouseFolderError(f"cannot write in the warehouse folder {lock.parent}: {why}") from None
    with fh:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(fh)
                if on_wait and not told:
                    on_wait(f"waiting: another zhibiao process holds {lock.name} ({holder}{what})")
                    told = True
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"another zhibiao process is still {what} ({holder}lock {lock}) after {wait_seconds:.0f} s; "
                        "wait for it to finish and try again"
                    ) from None
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        _HELD[key] = fh.fileno()
        try:
            yield
        finally:
            del _HELD[key]
            fcntl.flock(fh, fcntl.LOCK_UN)


def _holder(fh) -> str:
    fh.seek(0)
    pid = fh.read().strip()
    return f"pid {pid}, " if pid.isdigit() else ""


def start_build(paths: WarehousePaths) -> bool:
    """Begin a run (the caller holds the run lock): what dead runs left is removed, and this run's build copy
    starts from the pipeline's last published state (or empty). True when the copy had to be rewritten in
    STORAGE_VERSION (a warehouse written before it), so the run publishes it."""
    _remove_dead_builds(paths)
    with file_lock(paths.lock, "publishing the warehouse"):
        source = paths.state if paths.state.exists() else paths.published
        # No published warehouse (never built, or removed to start afresh): the build starts empty.
        if paths.published.exists() and source.exists():
            shutil.copyfile(source, paths.build)
    rewritten = paths.build.exists() and storage_version(paths.build) != STORAGE_VERSION
    if rewritten:
        _rewrite_in_storage_version(paths.build)
    with connect(paths.build) as con:
        con.execute(SCHEMA_SQL)
        _move_bookkeeping(con)
        _drop_fact_key(con)
    return rewritten


def started_from(paths: WarehousePaths) -> Path | None:
    """The pipeline's copy of the published warehouse this run's build was copied from; None when the build
    started empty (nothing published) or from the published file itself (a warehouse from before the copy)."""
    return paths.state if paths.published.exists() and paths.state.exists() else None


def storage_version(path: Path) -> str:
    """The storage format of a DuckDB file, as ATTACH's STORAGE_VERSION names it (``v1.4.0``)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{_sql_path(path)}' as probe (read_only)")
        tags = con.execute("select tags from duckdb_databases() where database_name = 'probe'").fetchall()[0][0]
    return str(tags.get("storage_version", "")).rstrip("+")


def _rewrite_in_storage_version(path: Path) -> None:
    """Copy every schema, table, view and comment into a new file in STORAGE_VERSION, then swap it in."""
    new = path.with_name(path.name + ".convert")
    new.unlink(missing_ok=True)
    with duckdb.connect(config={"memory_limit": os.environ.get("ZHIBIAO_DUCKDB_MEMORY", "1GB")}) as con:
        con.execute(f"attach '{_sql_path(path)}' as old (read_only)")
        con.execute(f"attach '{_sql_path(new)}' as new (storage_version '{STORAGE_VERSION}')")
        con.execute("copy from database old to new")
    os.replace(new, path)


def _move_bookkeeping(con: duckdb.DuckDBPyConnection) -> None:
    """The run plan table and the view of its versions. Warehouses made before them kept string flags in a
    ``run_state`` table (in main before INTERNAL_SCHEMA): its code versions are kept as the plan's, the rest
    (flags between one run's assets) meant nothing after that run."""
    con.execute(RUN_PLAN_SQL)
    legacy = con.execute(
        "select table_schema, table_name from information_schema.tables where table_catalog = current_database() "
        "and table_type = 'BASE TABLE' and table_name in ('run_state', 'run_affected_series') "
        "and table_schema in ('main', ?) order by table_schema <> 'main'", [INTERNAL_SCHEMA]).fetchall()  # fmt: skip
    for schema, table in legacy:
        if table == "run_state":
            versions = dict(con.execute(f"select key, value from {schema}.run_state where list_contains(?, key)",  # noqa: S608
                                        [list(CODE_VERSION_KEYS)]).fetchall())  # fmt: skip
            _keep_versions(con, versions.get(CODE_VERSION_KEYS[0]), versions.get(CODE_VERSION_KEYS[1]))
            con.execute(f"drop table {schema}.run_state")
        elif schema == "main":
            con.execute("drop table main.run_affected_series")
    con.execute(RUN_STATE_VIEW_SQL)


def _keep_versions(con: duckdb.DuckDBPyConnection, extractor: str | None, models: str | None) -> None:
    """A plan row holding only the code versions of an earlier zhibiao's warehouse."""
    con.execute(f"delete from {RUN_PLAN}")  # noqa: S608
    con.execute(f"insert into {RUN_PLAN} values ('', current_localtimestamp(), false, false, [], [], 'unchanged', ?, ?)",  # noqa: S608
                [extractor, models])  # fmt: skip


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _drop_fact_key(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild fct_metric_fact without the primary key of older warehouses (DuckDB cannot drop one)."""
    keyed = con.execute(
        "select count(*) from duckdb_constraints() where table_name = 'fct_metric_fact' and constraint_type = 'PRIMARY KEY'"
    ).fetchall()[0][0]
    if not keyed:
        return
    con.execute("begin transaction")
    con.execute("alter table fct_metric_fact rename to _fct_metric_fact_keyed")
    con.execute(FACT_TABLE_SQL)
    con.execute("insert into fct_metric_fact select * from _fct_metric_fact_keyed")
    con.execute("drop table _fct_metric_fact_keyed")
    con.execute("commit")


def _remove_dead_builds(paths: WarehousePaths) -> None:
    """Build files of runs that died: with the run lock held, no other run is using one."""
    for p in paths.builds():
        with contextlib.suppress(OSError):
            p.unlink()


def remove_dead_builds(paths: WarehousePaths) -> int:
    """What killed runs left, removed now if no run holds the run lock (else left for that run to remove);
    the number of files removed. The sensor calls this on every tick, so a dead run's build does not wait
    for the next run to be removed."""
    found = paths.builds() if paths.published.parent.is_dir() else []
    if not found:
        return 0
    try:
        with file_lock(paths.run_lock, "running the pipeline", wait_seconds=0):
            _remove_dead_builds(paths)
    except (WarehouseBusy, WarehouseFolderError):
        return 0
    return len(found)


def remove_build(paths: WarehousePaths) -> None:
    """This run's build file and its WAL, once the run has ended (published or failed)."""
    for p in (paths.build, paths.build.with_name(paths.build.name + ".wal")):
        with contextlib.suppress(OSError):
            p.unlink()


def publish(paths: WarehousePaths) -> None:
    """Atomically replace the published warehouse with a copy of this run's build, which then becomes the
    pipeline's state. Analysts get a copy: what they write to it (a read-write DuckDB CLI) never reaches the
    next run, and their WAL, which would not replay on the new file, is removed with the file it belongs to."""
    with connect(paths.build) as con:
        con.execute("checkpoint")
    tmp = paths.published.with_name(f"{paths.published.stem}.publish-{paths.run_id[:12]}.duckdb")
    shutil.copyfile(paths.build, tmp)
    for p in (tmp, paths.build):
        with open(p, "rb+") as fh:
            os.fsync(fh.fileno())
    with file_lock(paths.lock, "publishing the warehouse"):
        paths.published.with_name(paths.published.name + ".wal").unlink(missing_ok=True)
        os.replace(tmp, paths.published)
        os.replace(paths.build, paths.state)
    paths.build.with_name(paths.build.name + ".wal").unlink(missing_ok=True)
    paths.state.with_name(paths.state.name + ".wal").unlink(missing_ok=True)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection with a memory limit (ZHIBIAO_DUCKDB_MEMORY, default 1GB): DuckDB spills to disk
    beyond it, so large corpora do not take the machine's memory."""
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `zhibiao run` first")
    config = {"memory_limit": os.environ.get("ZHIBIAO_DUCKDB_MEMORY", "1GB")}
    if not read_only:
        config["storage_compatibility_version"] = STORAGE_VERSION  # a new file is written in it
    return duckdb.connect(str(path), read_only=read_only, config=config)


def replace_rows(con: duckdb.DuckDBPyConnection, table: str, key: str, keys: list[str], rows: pa.Table | None) -> None:
    """Delete the rows of ``keys`` and insert ``rows`` (an Arrow table) in one transaction."""
    con.execute("begin transaction")
    try:
        if keys:
            con.register("_keys", pa.table({"k": pa.array(keys, pa.string())}))
            con.execute(f"delete from {table} where {key} in (select k from _keys)")  # noqa: S608 - identifiers are ours
            con.unregister("_keys")
        if rows is not None and rows.num_rows:
            con.register("_rows", rows)
            cols = ", ".join(rows.column_names)
            con.execute(f"insert into {table} ({cols}) select {cols} from _rows")  # noqa: S608
            con.unregister("_rows")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


@contextlib.contextmanager
def bulk_load(con: duckdb.DuckDBPyConnection, threshold: str = "1GB") -> Iterator[None]:
    """Write many batches with one checkpoint at the end. At DuckDB's default (a checkpoint whenever 16 MB
    of log has gathered) each checkpoint compressed the table's last row group again: loading 1.3 million
    facts took twice the time. Memory stays bounded by ``threshold``."""
    before = con.execute("select current_setting('checkpoint_threshold')").fetchall()[0][0]
    con.execute(f"set checkpoint_threshold = '{threshold}'")
    try:
        yield
    finally:
        con.execute(f"set checkpoint_threshold = '{before}'")
    con.execute("checkpoint")


def replace_table(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    con.register("_rows", rows)
    con.execute(f"create or replace table {table} as select * from _rows")  # noqa: S608
    con.unregister("_rows")
