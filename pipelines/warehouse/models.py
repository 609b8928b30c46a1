"""SQL models: plain ``.sql`` files under ``sql/``, each a SELECT that becomes a table.

A model's dependencies are the tables it reads, declared in its header as
``-- depends_on: a, b``. Data tests under ``sql/tests/`` are queries that return no rows when all
is well; their header names the model they test (``-- tests: mart_x``). Vocabularies the models read
(cue words, exclusion lists) are CSV files under ``sql/seeds/``, each loaded as a table of its name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb
import regex

HEADER_RE = regex.compile(r"^--\s*(depends_on|tests|description|materialized|incremental_key|blocking)\s*:\s*(.*)$", regex.M)


@dataclass(frozen=True)
class SqlModel:
    name: str
    path: Path
    layer: str
    sql: str
    depends_on: tuple[str, ...]
    description: str
    materialized: str = "table"  # or "view" (staging models: no copy of the data)
    # Columns such that the model's rows for one key depend only on input rows with that key: a run that
    # changed a few documents recomputes only the keys they touch (see ``refresh_model``).
    incremental_key: tuple[str, ...] = ()


@dataclass(frozen=True)
class SqlTest:
    name: str
    path: Path
    sql: str
    tests: str
    description: str
    # A failing blocking test stops the run before publishing: the previous warehouse stays in place.
    blocking: bool = False


def sql_dir() -> Path:
    """``sql/`` of the project: ZHIBIAO_SQL_DIR, else beside the package (editable install or checkout)."""
    env = os.environ.get("ZHIBIAO_SQL_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "sql"
    if here.is_dir():
        return here
    return Path.cwd() / "sql"


def _headers(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in HEADER_RE.finditer(text)}


SEEDS = "seeds"


def seed_model(path: Path) -> SqlModel:
    """A CSV of ``sql/seeds/`` as a model: a table of its rows, every column text, ``#`` lines comments."""
    header = path.read_text(encoding="utf-8").splitlines()[0]
    sql = (f"select * from read_csv('{str(path).replace(chr(39), chr(39) * 2)}', header = true, all_varchar = true, "
           "comment = '#', quote = '\"')")
    return SqlModel(path.stem, path, SEEDS, sql, (), f"Vocabulary from sql/seeds/{path.name} (columns: {header})")


def load_models(root: Path | None = None) -> list[SqlModel]:
    """Every model under sql/ (tests excluded) and every seed CSV, in dependency order."""
    root = root or sql_dir()
    models: dict[str, SqlModel] = {p.stem: seed_model(p) for p in sorted((root / SEEDS).glob("*.csv"))}
    for path in sorted(root.rglob("*.sql")):
        if "tests" in path.relative_to(root).parts:
            continue
        text = path.read_text(encoding="utf-8")
        h = _headers(text)
        deps = tuple(d.strip() for d in h.get("depends_on", "").split(",") if d.strip())
        name = path.stem
        if name in models:
            raise ValueError(f"two SQL models named {name}: {models[name].path} and {path}")
        kind = h.get("materialized", "table")
        if kind not in ("table", "view"):
            raise ValueError(f"{path}: materialized must be table or view, not {kind!r}")
        key = tuple(k.strip() for k in h.get("incremental_key", "").split(",") if k.strip())
        if key and kind != "table":
            raise ValueError(f"{path}: only a table can be refreshed incrementally")
        models[name] = SqlModel(name, path, path.parent.name, text, deps, h.get("description", ""), kind, key)
    order = TopologicalSorter({n: [d for d in m.depends_on if d in models] for n, m in models.items()})
    return [models[n] for n in order.static_order()]


def load_tests(root: Path | None = None) -> list[SqlTest]:
    root = root or sql_dir()
    out = []
    for path in sorted((root / "tests").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        h = _headers(text)
        blocking = h.get("blocking", "no").lower()
        if blocking not in ("yes", "no"):
            raise ValueError(f"{path}: blocking must be yes or no, not {blocking!r}")
        out.append(SqlTest(path.stem, path, text, h.get("tests", ""), h.get("description", ""), blocking == "yes"))
    return out


def run_model(con: duckdb.DuckDBPyConnection, model: SqlModel) -> int:
    body = model.sql.strip().rstrip(";")
    existing = con.execute(
        "select table_type from information_schema.tables where table_name = ?", [model.name]
    ).fetchone()
    if existing and (existing[0] == "VIEW") != (model.materialized == "view"):
        con.execute(f"drop {'view' if existing[0] == 'VIEW' else 'table'} {model.name}")
    con.execute(f"create or replace {model.materialized} {model.name} as {body}")
    return con.execute(f"select count(*) from {model.name}").fetchone()[0]  # type: ignore[index]


def refresh_model(con: duckdb.DuckDBPyConnection, model: SqlModel, affected: str) -> int:
    """Recompute a model's rows for the keys listed in the table ``affected`` only.

    Each input the model reads is shadowed, for this statement, by a temporary table of its rows with
    an affected key (DuckDB looks in the temp catalog first), then the model's own SQL runs unchanged.
    Valid because every row of the model depends only on input rows with the same key."""
    db = con.execute("select current_database()").fetchone()[0]  # type: ignore[index]
    match = " and ".join(f"a.{k} is not distinct from x.{k}" for k in model.incremental_key)
    in_affected = f"exists (select 1 from {affected} a where {match})"
    body = model.sql.strip().rstrip(";")
    con.execute("begin transaction")
    try:
        for dep in model.depends_on:
            con.execute(f'create temp table {dep} as select * from "{db}".main.{dep} x where {in_affected}')
        con.execute(f'delete from "{db}".main.{model.name} x where {in_affected}')
        con.execute(f'insert into "{db}".main.{model.name} by name {body}')
        for dep in model.depends_on:
            con.execute(f"drop table temp.main.{dep}")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return con.execute(f"select count(*) from {model.name}").fetchone()[0]  # type: ignore[index]


def run_test(con: duckdb.DuckDBPyConnection, test: SqlTest, limit: int = 10) -> tuple[int, list[tuple]]:
    """(number of failing rows, up to ``limit`` of them)."""
    body = test.sql.strip().rstrip(";")
    n = con.execute(f"select count(*) from ({body})").fetchone()[0]  # type: ignore[index]
    rows = con.execute(f"select * from ({body}) limit {limit}").fetchall() if n else []
    return n, rows
