"""`zhibiao sql`: read-only queries on the warehouse, streamed to table, CSV, JSON or Markdown.

No Dagster here: a query tool should start in the time DuckDB takes, not the orchestrator's.

Read-only by DuckDB's own guards, not by inspecting SQL alone: the warehouse is attached READ_ONLY, file
access is limited to the warehouse and the exports folder (``allowed_paths``/``allowed_directories`` with
``enable_external_access`` off), extensions are neither installed nor loaded automatically, and the
configuration is locked. DuckDB lets a query write into an allowed directory (``COPY … TO 'exports/x'``),
so statements other than reads are refused by type before they run.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import math
import unicodedata
import uuid
from pathlib import Path
from typing import IO, Any

import duckdb

FORMATS = ("table", "csv", "json", "jsonl", "markdown")
NULL_TEXT = "<null>"  # how table and markdown show SQL NULL; the string 'NULL' stays NULL
BATCH_ROWS = 2048  # rows fetched at a time: memory stays bounded whatever the size of the result
TABLE_WIDTH_ROWS = 1000  # table columns are as wide as the widest cell of the first this-many rows
CELL_CHARS = 80  # longest cell the table format prints (csv/json print values whole)
_READ_TYPES = {"SELECT", "EXPLAIN", "PRAGMA", "CALL", "MULTI"}  # MULTI: PIVOT, which DuckDB runs as several
_RESERVED_CATALOGS = {"memory", "system", "temp", "main"}
EXPLAIN_COLUMNS = ["explain_key", "explain_value"]


class QueryRefused(ValueError):
    """A statement that is not a read."""


def analyst_connection(warehouse: Path, readable: list[Path] | None = None,
                       memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:  # fmt: skip
    """The warehouse, attached read-only, with only it and the folders in ``readable`` open to queries."""
    if not warehouse.is_file():
        raise FileNotFoundError(f"no warehouse at {warehouse}: run `zhibiao run` first")
    con = duckdb.connect(":memory:", config={"memory_limit": memory_limit, "autoinstall_known_extensions": False,
                                              "autoload_known_extensions": False})  # fmt: skip
    try:
        dirs = [f"{p.absolute()}/" for p in readable or []]
        con.execute("set enable_progress_bar = false")  # DuckDB draws it on stdout, in the middle of a result
        con.execute("set allowed_directories = ?", [dirs])
        con.execute("set allowed_paths = ?", [[str(warehouse.absolute())]])
        alias = warehouse.stem if warehouse.stem.lower() not in _RESERVED_CATALOGS else "warehouse"
        con.execute(f"attach {_literal(str(warehouse.absolute()))} as {_ident(alias)} (read_only)")
        con.execute(f"use {_ident(alias)}")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except Exception:
        con.close()
        raise
    return con


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_statements(sql: str) -> list[str]:
    """The statements of ``sql`` as separate texts; QueryRefused for any that is not a read."""
    statements = duckdb.extract_statements(sql)
    for st in statements:
        kind = str(st.type).rsplit(".", 1)[-1]
        if kind not in _READ_TYPES:
            raise QueryRefused(f"{kind} statements are refused: zhibiao sql is read-only (only queries run)")
    return [st.query for st in statements]


def run_query(con: duckdb.DuckDBPyConnection, sql: str, out: IO[str], fmt: str = "table",
              limit: int | None = None, null_text: str = NULL_TEXT) -> int:  # fmt: skip
    """Run every statement of ``sql`` and write each result to ``out``; returns the rows written.
    ``limit`` None or negative: all rows."""
    written = 0
    statements = read_statements(sql)
    for k, text in enumerate(statements):
        rel = con.sql(text)
        if rel is None:
            continue
        if k and fmt in ("table", "markdown"):
            out.write("\n")
        written += write_relation(rel, out, fmt, limit, null_text)
    return written


def write_relation(rel: duckdb.DuckDBPyRelation, out: IO[str], fmt: str, limit: int | None, null_text: str) -> int:
    cols = list(rel.columns)
    if fmt == "csv":
        # The CSV writer takes flat types only: nested values are written as DuckDB's text for them.
        nested = {c for c, t in zip(cols, rel.types, strict=True) if _is_nested(str(t))}
        if nested:
            rel = rel.project(", ".join(f"{_ident(c)}::varchar as {_ident(c)}" if c in nested else _ident(c)
                                        for c in cols))  # fmt: skip
    if fmt == "table" and cols == EXPLAIN_COLUMNS:
        # A plan is a drawing on several lines: printed as it is, as the DuckDB CLI does.
        for _, plan in rel.fetchall():
            out.write(plan.rstrip("\n") + "\n")
        return 1
    unlimited = limit is None or limit < 0
    if not unlimited:
        rel = rel.limit(limit + 1)  # one more, to tell whether rows were left out
    writer = WRITERS[fmt](out, cols, null_text)
    n = 0
    more = False
    for batch in rel.to_arrow_reader(BATCH_ROWS):
        size = batch.num_rows
        if not unlimited and n + size > limit:
            batch, more = batch.slice(0, limit - n), True
        writer.write(batch)
        n += batch.num_rows
        if more:
            break
    writer.close(n, limit if more else None)
    return n


def _is_nested(type_name: str) -> bool:
    return type_name.endswith("]") or type_name.startswith(("STRUCT", "MAP", "UNION"))


def _rows(batch: Any) -> list[tuple]:
    return list(zip(*(c.to_pylist() for c in batch.columns), strict=True)) if batch.num_columns else []


class _Writer:
    def __init__(self, out: IO[str], cols: list[str], null_text: str) -> None:
        self.out, self.cols, self.null_text = out, cols, null_text

    def write(self, batch: Any) -> None:
        """An Arrow record batch."""
        self.write_rows(_rows(batch))

    def write_rows(self, rows: list[tuple]) -> None:
        raise NotImplementedError

    def close(self, n: int, cut_at: int | None) -> None:
        """``cut_at``: the limit, when rows beyond it were left out."""


class CsvWriter(_Writer):
    """pyarrow's CSV writer: a header, then rows; NULL is an empty field, the empty string is ``""``."""

    def __init__(self, out: IO[str], cols: list[str], null_text: str) -> None:
        super().__init__(out, cols, null_text)
        self.writer = None
        self.buffer = io.BytesIO()

    def write(self, batch: Any) -> None:
        import pyarrow.csv as pacsv

        if self.writer is None:
            self.writer = pacsv.CSVWriter(self.buffer, batch.schema)
        self.writer.write_batch(batch)
        self._flush()

    def _flush(self) -> None:
        self.out.write(self.buffer.getvalue().decode("utf-8"))
        self.buffer.seek(0)
        self.buffer.truncate()

    def close(self, n: int, cut_at: int | None) -> None:
        if self.writer is None:  # no rows: the header alone, written by the csv module
            csv.writer(self.out, lineterminator="\n", quoting=csv.QUOTE_ALL).writerow(self.cols)  # as pyarrow quotes it
            return
        self.writer.close()
        self._flush()


def _json_value(v: object) -> object:
    """Values JSON has no type for: dates as ISO text, exact decimals as text (a float would round them),
    NaN and infinities as text (JSON has no such numbers)."""
    if isinstance(v, dt.date | dt.datetime | dt.time):
        return v.isoformat()
    if isinstance(v, decimal.Decimal | uuid.UUID | dt.timedelta):
        return str(v)
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, dict):
        return {str(k): _json_value(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json_value(x) for x in v]
    return v


_JSON_AS_IS = {int, str, bool, type(None)}


class JsonWriter(_Writer):
    """A JSON array of objects (the DuckDB CLI's -json), written by the json module as rows come."""

    lines = False

    def __init__(self, out: IO[str], cols: list[str], null_text: str) -> None:
        super().__init__(out, cols, null_text)
        self.first = True
        self.encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False)

    def write_rows(self, rows: list[tuple]) -> None:
        cols = self.cols
        for row in rows:
            obj = self.encoder.encode({c: v if type(v) in _JSON_AS_IS else _json_value(v)
                                       for c, v in zip(cols, row, strict=True)})  # fmt: skip
            if self.lines:
                self.out.write(obj + "\n")
            else:
                self.out.write(("[" if self.first else ",\n") + obj)
            self.first = False

    def close(self, n: int, cut_at: int | None) -> None:
        if not self.lines:
            self.out.write("[]\n" if self.first else "]\n")


class JsonLinesWriter(JsonWriter):
    """One JSON object per line (the DuckDB CLI's -jsonlines)."""

    lines = True


def display_width(s: str) -> int:
    """Terminal columns: CJK characters take two."""
    if s.isascii():
        return len(s)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def cell_text(v: object, null_text: str = NULL_TEXT) -> str:
    if v is None:
        return null_text
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e15 else f"{v:.6e}"
    text = str(v).replace("\n", " ")
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"  # cut, and seen to be


class TableWriter(_Writer):
    """Aligned columns. Widths are taken from the first TABLE_WIDTH_ROWS rows, so a long result streams
    rather than waiting for its last row; a wider cell later on pushes its row out of line."""

    def __init__(self, out: IO[str], cols: list[str], null_text: str) -> None:
        super().__init__(out, cols, null_text)
        self.pending: list[list[str]] = []
        self.widths: list[int] | None = None

    def write_rows(self, rows: list[tuple]) -> None:
        rows = [[cell_text(v, self.null_text) for v in r] for r in rows]
        if self.widths is not None:
            self._emit(rows)
            return
        self.pending += rows
        if len(self.pending) >= TABLE_WIDTH_ROWS:
            self._start()

    def _start(self) -> None:
        head = [cell_text(c) for c in self.cols]
        self.widths = [max([display_width(head[i])] + [display_width(r[i]) for r in self.pending])
                       for i in range(len(head))]  # fmt: skip
        self._emit([head])
        self.out.write("  ".join("-" * w for w in self.widths) + "\n")
        self._emit(self.pending)
        self.pending = []

    def _emit(self, rows: list[list[str]]) -> None:
        assert self.widths is not None
        for r in rows:
            self.out.write("  ".join(v + " " * (w - display_width(v)) for v, w in zip(r, self.widths, strict=True))
                           .rstrip() + "\n")  # fmt: skip

    def close(self, n: int, cut_at: int | None) -> None:
        if self.widths is None:
            self._start()
        more = f"; first {cut_at}, --limit -1 for all" if cut_at is not None else ""
        self.out.write(f"({n} row{'s' if n != 1 else ''}{more})\n")


class MarkdownWriter(_Writer):
    """A GitHub-flavoured Markdown table; ``|`` in a value is escaped."""

    def __init__(self, out: IO[str], cols: list[str], null_text: str) -> None:
        super().__init__(out, cols, null_text)
        self.out.write("| " + " | ".join(self._cell(c) for c in cols) + " |\n")
        self.out.write("|" + "---|" * len(cols) + "\n")

    def _cell(self, v: object) -> str:
        return cell_text(v, self.null_text).replace("\\", "\\\\").replace("|", "\\|")

    def write_rows(self, rows: list[tuple]) -> None:
        for r in rows:
            self.out.write("| " + " | ".join(self._cell(v) for v in r) + " |\n")

    def close(self, n: int, cut_at: int | None) -> None:
        if cut_at is not None:
            self.out.write(f"\n(first {cut_at} rows; --limit -1 for all)\n")


WRITERS: dict[str, type[_Writer]] = {"table": TableWriter, "csv": CsvWriter, "json": JsonWriter,
                                     "jsonl": JsonLinesWriter, "markdown": MarkdownWriter}  # fmt: skip


def format_table(cols: list[str], rows: list[tuple], null_text: str = NULL_TEXT) -> str:
    """A whole result as the table format prints it (README examples and tests)."""
    buf = io.StringIO()
    writer = TableWriter(buf, cols, null_text)
    writer.write_rows(rows)
    writer.close(len(rows), None)
    return buf.getvalue().rstrip("\n")
