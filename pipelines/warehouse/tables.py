"""The tables the loader writes, as their schema files (``sql/sources/<table>.yml``) declare them.

One description per column (name, DuckDB type, the ``not_null`` test, the core record's field it holds) gives
the tables' DDL, the Arrow schemas the loader writes with, the rows it makes of the core's records (a Fact, a
DocRecord), and the fields of the facts and docs JSONL exports. A column added to a schema file is a column
of the table, of its Arrow schema and, with a ``field``, of the rows and the exports.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

import pyarrow as pa

from .models import SOURCES, sql_dir
from .schema_docs import ColumnDoc, TableDoc, load_schema_file

ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
               "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "BOOLEAN": pa.bool_()}  # fmt: skip


@lru_cache(maxsize=4)
def source_tables(root: Path | None = None) -> dict[str, TableDoc]:
    """The loader's tables by name, from sql/sources/*.yml."""
    return {p.stem: load_schema_file(p) for p in sorted((root or sql_dir()).joinpath(SOURCES).glob("*.yml"))}


def source_table(name: str) -> TableDoc:
    try:
        return source_tables()[name]
    except KeyError:
        raise ValueError(f"no schema file sql/{SOURCES}/{name}.yml for the loader's table {name}") from None


def _column_sql(c: ColumnDoc, primary_key: str | None) -> str:
    constraint = " primary key" if c.name == primary_key else " not null" if c.not_null else ""
    default = f" default {c.default}" if c.default is not None else ""
    return f"{c.name} {c.type.lower()}{constraint}{default}"


def create_table_sql(name: str) -> str:
    """``create table if not exists`` with every column, then ``add column if not exists`` for each column a
    warehouse written before it lacks (any column that may be NULL: a NOT NULL column cannot be added to rows)."""
    doc = source_table(name)
    cols = ",\n    ".join(_column_sql(c, doc.primary_key) for c in doc.columns)
    added = [f"alter table {name} add column if not exists {_column_sql(c, None)};"
             for c in doc.columns if not c.not_null and c.name != doc.primary_key]  # fmt: skip
    return "\n".join([f"create table if not exists {name} (\n    {cols}\n);", *added])


def column_names(name: str) -> list[str]:
    return [c.name for c in source_table(name).columns]


def arrow_schema(name: str) -> pa.Schema:
    return pa.schema([(c.name, ARROW_TYPES[c.type]) for c in source_table(name).columns])


def _iso_date(s: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(s) if s else None
    except ValueError:
        return None


def _double(v: float | int | None) -> float | None:
    return None if v is None else float(v)  # a value past a float's range raises OverflowError here


# How a record's field becomes a column's value, by the column's type (the rest are taken as they are).
CONVERSIONS: dict[str, Callable] = {"DOUBLE": _double, "DATE": _iso_date}


class RecordRows:
    """A table's rows made from the core's records: each column with a ``field`` takes that field of the record
    (converted to the column's type), every other column a value the loader supplies. The fields are read by one
    ``attrgetter``: a getter and a call per column cost several times as much per fact."""

    def __init__(self, name: str, record_type: type) -> None:
        fields = {f.name for f in dataclasses.fields(record_type)}
        columns = source_table(name).columns
        for c in columns:
            if c.field and c.field not in fields:
                raise ValueError(f"sql/{SOURCES}/{name}.yml: column {c.name} takes {record_type.__name__}.{c.field}, "
                                 "which is no field of it")  # fmt: skip
        unheld = sorted(fields - {c.field for c in columns})
        if unheld:  # a field the core adds would be lost on the way to the warehouse
            raise ValueError(f"{record_type.__name__}.{', '.join(unheld)}: no column of sql/{SOURCES}/{name}.yml "
                             "holds it (add one with field: ...)")  # fmt: skip
        self.names = [c.name for c in columns]
        self.supplied = [c.name for c in columns if not c.field]  # the loader's: first, in column order
        taken = [c for c in columns if c.field]
        self._get = attrgetter(*(c.field for c in taken))
        self._convert = [(i, CONVERSIONS[c.type]) for i, c in enumerate(taken) if c.type in CONVERSIONS]
        # where each column's value is in (supplied values..., record values...)
        order = {n: i for i, n in enumerate([*self.supplied, *(c.name for c in taken)])}
        self._order = [order[n] for n in self.names]
        self._in_order = self._order == list(range(len(self.names)))  # fct_metric_fact: fact_id, then the Fact

    def values(self, record: object, *supplied: object) -> tuple:
        """The row's values in column order; ``supplied``: the loader's columns' values, in column order."""
        got = list(self._get(record))
        for i, convert in self._convert:
            got[i] = convert(got[i])
        both = (*supplied, *got)
        return both if self._in_order else tuple(both[i] for i in self._order)

    def row(self, record: object, *supplied: object) -> dict[str, object]:
        return dict(zip(self.names, self.values(record, *supplied), strict=True))


def jsonl_fields(name: str, record_type: type) -> list[tuple[str, ColumnDoc, bool]]:
    """The JSONL fields of a table's export, as the core's record writes them (``as_json``, in its order): each
    field's name, the column that holds it, and whether it is left out when NULL (value_high)."""
    fields = [f.name for f in dataclasses.fields(record_type)]
    full = list(record_type(**dict.fromkeys(fields, 0)).as_json())
    present_when_null = set(record_type(**dict.fromkeys(fields, None)).as_json())
    by_field = {c.field: c for c in source_table(name).columns if c.field}
    missing = [f for f in full if f not in by_field]
    if missing:
        raise ValueError(f"{record_type.__name__}.as_json writes {', '.join(missing)}, which no column of "
                         f"sql/{SOURCES}/{name}.yml holds (field: ...)")  # fmt: skip
    return [(f, by_field[f], f not in present_when_null) for f in full]
