"""SQL models: plain ``.sql`` files under ``sql/``, each a SELECT that becomes a table.

The layers, as dbt names them: the tables the Python loader writes are *sources*, declared by their schema
files in ``sql/sources/``; *seeds* are the CSV vocabularies of ``sql/seeds/``; *staging* models
(``sql/staging/``) read sources and seeds only; *marts* (``sql/marts/``) read anything upstream.
A model's dependencies are the relations it reads, declared in its header as ``-- depends_on: a, b`` and
checked against the relations its SQL reads (DuckDB's own parser, ``json_serialize_sql``): an input missing
from the header, a declared one it does not read, an unknown relation or a staging model that reads another
model is an error when the models are loaded, since the incremental refresh shadows exactly the declared
inputs and an undeclared one would give wrong rows. Data tests under ``sql/tests/`` are queries that return no rows when all
is well; their header names the model they test (``-- tests: mart_x``). Vocabularies the models read
(cue words, exclusion lists) are CSV files under ``sql/seeds/``, each loaded as a table of its name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
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
SOURCES = "sources"
STAGING = "staging"


def seed_model(path: Path) -> SqlModel:
    """A CSV of ``sql/seeds/`` as a model: a table of its rows, every column text, ``#`` lines comments."""
    header = path.read_text(encoding="utf-8").splitlines()[0]
    sql = (f"select * from read_csv('{str(path).replace(chr(39), chr(39) * 2)}', header = true, all_varchar = true, "
           "comment = '#', quote = '\"')")
    return SqlModel(path.stem, path, SEEDS, sql, (), f"Vocabulary from sql/seeds/{path.name} (columns: {header})")


def declared_sources(root: Path | None = None) -> set[str]:
    """The tables the loader writes, as ``sql/sources/<table>.yml`` declares them."""
    return {p.stem for p in ((root or sql_dir()) / SOURCES).glob("*.yml")}


def load_models(root: Path | None = None) -> list[SqlModel]:
    """Every model under sql/ (tests excluded) and every seed CSV, in dependency order; each model's declared
    inputs checked against what its SQL reads."""
    root = root or sql_dir()
    models: dict[str, SqlModel] = {p.stem: seed_model(p) for p in sorted((root / SEEDS).glob("*.csv"))}
    for path in sorted(root.rglob("*.sql")):
        if "tests" in path.relative_to(root).parts:
            continue
        model = parse_model(path)
        if model.name in models:
            raise ValueError(f"two SQL models named {model.name}: {models[model.name].path} and {path}")
        models[model.name] = model
    sources = declared_sources(root)
    for model in models.values():
        check_inputs(model, sources, models)
    order = TopologicalSorter({n: [d for d in m.depends_on if d in models] for n, m in models.items()})
    return [models[n] for n in order.static_order()]


def parse_model(path: Path) -> SqlModel:
    text = path.read_text(encoding="utf-8")
    h = _headers(text)
    deps = tuple(d.strip() for d in h.get("depends_on", "").split(",") if d.strip())
    kind = h.get("materialized", "table")
    if kind not in ("table", "view"):
        raise ValueError(f"{path}: materialized must be table or view, not {kind!r}")
    key = tuple(k.strip() for k in h.get("incremental_key", "").split(",") if k.strip())
    if key and kind != "table":
        raise ValueError(f"{path}: only a table can be refreshed incrementally")
    return SqlModel(path.stem, path, path.parent.name, text, deps, h.get("description", ""), kind, key)


def check_inputs(model: SqlModel, sources: set[str], models: dict[str, SqlModel]) -> None:
    """The relations ``model`` reads are the ones it declares, each a source, a seed or another model; a
    staging model reads sources and seeds only. Raises ValueError naming the model's file."""
    if model.layer == SEEDS:
        return
    if model.name in sources:
        raise ValueError(f"{model.path}: {model.name} is a source (sql/sources/{model.name}.yml), not a model")
    read, declared = relations_read(model.sql), set(model.depends_on)
    if read - declared:
        raise ValueError(f"{model.path}: reads {', '.join(sorted(read - declared))} without declaring it "
                         f"(-- depends_on: {', '.join(sorted(read | declared))})")  # fmt: skip
    if declared - read:
        raise ValueError(f"{model.path}: declares {', '.join(sorted(declared - read))}, which its SQL does not read")
    unknown = sorted(d for d in declared if d not in sources and d not in models)
    if unknown:
        raise ValueError(f"{model.path}: reads {', '.join(unknown)}, which is no source (sql/sources/*.yml), "
                         "seed or model")  # fmt: skip
    if model.layer == STAGING:
        upstream = sorted(d for d in declared if d in models and models[d].layer != SEEDS)
        if upstream:
            raise ValueError(f"{model.path}: a staging model reads sources and seeds only, not {', '.join(upstream)}")


_PARSER: duckdb.DuckDBPyConnection | None = None


def relations_read(sql: str) -> set[str]:
    """The tables and views a SELECT reads (its CTEs aside), as DuckDB's parser sees them."""
    global _PARSER
    if _PARSER is None:
        _PARSER = duckdb.connect()
    tree = json.loads(_PARSER.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])  # type: ignore[index]
    if tree.get("error"):
        raise ValueError(f"cannot parse the SQL: {tree.get('error_message', tree)}")
    ctes: set[str] = set()
    tables: set[str] = set()
    for node in _nodes(tree):
        if node.get("type") == "BASE_TABLE" and node.get("table_name"):
            tables.add(node["table_name"])
        for entry in (node.get("cte_map") or {}).get("map", []):
            ctes.add(entry["key"])
    return tables - ctes


def _nodes(tree: object) -> Iterator[dict]:
    """Every object of a parse tree, depth first."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


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
