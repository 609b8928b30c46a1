"""The one place tables and columns are described: a schema file (``<table>.yml``) per table, next to its SQL
model (``sql/marts``, ``sql/staging``) or, for tables the loader writes, in ``sql/sources``.

From these files come the warehouse's ``COMMENT ON`` (so ``duckdb_columns()`` and every client show them),
the Dagster assets' column schema, the README's table of tables, and the generic data tests they declare
(``not_null``, ``unique``, ``accepted_values``, ``relationships``), which run as asset checks like the SQL
tests of ``sql/tests``. For the loader's tables (``sql/sources``) they are also the schema itself: the DDL, the
Arrow schemas, the rows made of the core's records and the JSONL exports come from them (``tables.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import yaml

from .models import SqlTest, sql_dir

GENERIC_TESTS = ("not_null", "unique", "accepted_values", "relationships")


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    type: str
    description: str
    tests: tuple = ()  # each a test name, or a one-key mapping {test: argument}
    # Constraints as Dagster shows them
    not_null: bool = False
    unique: bool = False
    # For the loader's tables (sql/sources): the field of the core's record (Fact, DocRecord) the column holds,
    # which is also the field's name in the JSONL exports; and the value a warehouse from before the column gets
    field: str | None = None
    default: str | None = None


@dataclass(frozen=True)
class TableDoc:
    name: str
    description: str
    path: Path
    columns: list[ColumnDoc] = field(default_factory=list)
    primary_key: str | None = None

    def column(self, name: str) -> ColumnDoc:
        return next(c for c in self.columns if c.name == name)


def load_table_docs(root: Path | None = None) -> dict[str, TableDoc]:
    """Every schema file under ``sql/``, by table name; a malformed file is an error naming it."""
    root = root or sql_dir()
    docs: dict[str, TableDoc] = {}
    for path in sorted(root.rglob("*.yml")):
        doc = load_schema_file(path)
        if doc.name in docs:
            raise ValueError(f"{path}: table {doc.name} is also described in {docs[doc.name].path}")
        docs[doc.name] = doc
    return docs


def load_schema_file(path: Path) -> TableDoc:
    return _parse(path, yaml.safe_load(path.read_text(encoding="utf-8")))


def _parse(path: Path, raw: object) -> TableDoc:
    if not isinstance(raw, dict) or not {"name", "description", "columns"} <= raw.keys():
        raise ValueError(f"{path}: a schema file needs name, description and columns")
    if raw["name"] != path.stem:
        raise ValueError(f"{path}: name {raw['name']!r} differs from the file name")
    columns = []
    for c in raw["columns"]:
        if not isinstance(c, dict) or not {"name", "type", "description"} <= c.keys():
            raise ValueError(f"{path}: every column needs name, type and description: {c!r}")
        tests = tuple(c.get("tests") or ())
        for t in tests:
            kind = t if isinstance(t, str) else next(iter(t))
            if kind not in GENERIC_TESTS:
                raise ValueError(f"{path}: column {c['name']}: unknown test {kind!r} (known: {', '.join(GENERIC_TESTS)})")
        if c.get("field") is not None and not str(c["field"]).isidentifier():
            raise ValueError(f"{path}: column {c['name']}: field {c['field']!r} is no field name")
        columns.append(ColumnDoc(c["name"], c["type"], str(c["description"]).strip(), tests,
                                 not_null="not_null" in tests, unique="unique" in tests, field=c.get("field"),
                                 default=None if c.get("default") is None else str(c["default"])))  # fmt: skip
    key = raw.get("primary_key")
    if key is not None and key not in {c.name for c in columns}:
        raise ValueError(f"{path}: primary_key {key!r} is no column")
    return TableDoc(raw["name"], " ".join(str(raw["description"]).split()), path, columns, key)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection, docs: dict[str, TableDoc]) -> int:
    """COMMENT ON every described table or view present and its columns; returns the tables commented."""
    present = dict(con.execute(
        "select table_name, table_type from information_schema.tables where table_schema = 'main' "
        "and table_catalog = current_database()").fetchall())  # fmt: skip
    n = 0
    for name, doc in docs.items():
        if name not in present:
            continue
        what = "view" if present[name] == "VIEW" else "table"
        con.execute(f"comment on {what} {name} is {_literal(doc.description)}")
        have = {r[0] for r in con.execute("select column_name from information_schema.columns where table_name = ? "
                                          "and table_schema = 'main'", [name]).fetchall()}  # fmt: skip
        for c in doc.columns:
            if c.name in have:
                con.execute(f'comment on column {name}."{c.name}" is {_literal(c.description)}')
        n += 1
    return n


def generic_tests(docs: dict[str, TableDoc]) -> list[SqlTest]:
    """The tests the schema files declare, as SQL tests: a query that returns the failing rows."""
    out = []
    for doc in docs.values():
        for c in doc.columns:
            for t in c.tests:
                kind, arg = (t, None) if isinstance(t, str) else next(iter(t.items()))
                sql, what = _test_sql(doc.name, c.name, kind, arg)
                out.append(SqlTest(f"{doc.name}__{c.name}__{kind}", doc.path, sql, doc.name, what))
    return out


def _test_sql(table: str, col: str, kind: str, arg: object) -> tuple[str, str]:
    q = f'"{col}"'
    if kind == "not_null":
        return f"select * from {table} where {q} is null", f"{table}.{col} is never NULL"
    if kind == "unique":
        return (f"select {q}, count(*) as n from {table} where {q} is not null group by {q} having count(*) > 1",
                f"{table}.{col} is unique")  # fmt: skip
    if kind == "accepted_values":
        values = ", ".join(_literal(str(v)) for v in arg)  # type: ignore[union-attr]
        return (f"select {q}, count(*) as n from {table} where {q} is not null and {q} not in ({values}) group by {q}",
                f"{table}.{col} is one of {', '.join(map(str, arg))}")  # type: ignore[arg-type]  # fmt: skip
    to, fld = arg["to"], arg["field"]  # type: ignore[index]
    return (f'select distinct c.{q} from {table} c where c.{q} is not null and not exists '
            f'(select 1 from {to} p where p."{fld}" = c.{q})', f"every {table}.{col} is a {to}.{fld}")  # fmt: skip


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def readme_table(docs: dict[str, TableDoc], order: list[str]) -> str:
    """The README's table of tables: name, description, columns, for the tables in ``order``."""
    lines = ["| table | what a row is | columns |", "|---|---|---|"]
    for name in order:
        doc = docs[name]
        cols = ", ".join(f"`{c.name}`" for c in doc.columns)
        lines.append(f"| `{name}` | {_md(doc.description)} | {cols} |")
    return "\n".join(lines)


def columns_reference(docs: dict[str, TableDoc], order: list[str]) -> str:
    """Every column with its type and description, table by table (docs/columns.md)."""
    out = ["# Tables and columns", "",
           "Generated from the schema files under `sql/` (`python scripts/readme_examples.py`); the same text is "
           "in the warehouse as comments (`select table_name, column_name, comment from duckdb_columns()`).", ""]  # fmt: skip
    for name in order:
        doc = docs[name]
        out += [f"## `{name}`", "", doc.description, "", "| column | type | description | tests |", "|---|---|---|---|"]
        for c in doc.columns:
            tests = ", ".join(t if isinstance(t, str) else next(iter(t)) for t in c.tests)
            out.append(f"| `{c.name}` | {c.type} | {_md(c.description)} | {tests} |")
        out.append("")
    return "\n".join(out)


def reference_order(docs: dict[str, TableDoc]) -> list[str]:
    """Facts, dimensions, then the loader's other tables, staging and marts: the order a reader meets them."""
    layer = {"sources": 0, "staging": 1, "marts": 2}

    def key(name: str) -> tuple:
        prefix = 0 if name.startswith("fct_") else 1 if name.startswith("dim_") else 2
        return layer.get(docs[name].path.parent.name, 3), prefix, name

    return sorted(docs, key=key)
