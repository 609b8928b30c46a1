"""Exports for analysts: Parquet per table (facts also hive-partitioned by region and year) and
the facts/docs JSONL of SCHEMA.md. Every file is written to a temporary name, then renamed."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import unquote

import duckdb

from ..core.attribution import Fact
from ..core.metadata import DocRecord
from .schema_docs import ColumnDoc
from .store import RUN_STATE
from .tables import jsonl_fields


def _num(col: str) -> str:
    """A JSON number: integers without a decimal point (33000, not 33000.0)."""
    return f"case when {col} = trunc({col}) and abs({col}) < 9e15 then to_json({col}::bigint) else to_json({col}) end"


def _json_value(c: ColumnDoc) -> str:
    """A column as its JSONL field: numbers as _num writes them, dates as ISO text, the rest as they are."""
    if c.type == "DOUBLE":
        return _num(c.name)
    if c.type == "DATE":
        return f"strftime({c.name}, '%Y-%m-%d')"
    return c.name


def json_line_sql(fields: list[tuple[str, ColumnDoc, bool]]) -> str:
    """SQL for one JSONL line of a row: the fields of the core's record in its order (tables.jsonl_fields), a
    field it leaves out when NULL (value_high) left out too."""

    def line(present: frozenset[str], optional: list[str]) -> str:
        if optional:
            col, rest = optional[0], optional[1:]
            return f"case when {col} is null then {line(present, rest)} else {line(present | {col}, rest)} end"
        parts = [f"'{key}': {_json_value(c)}" for key, c, opt in fields if not opt or c.name in present]
        return "to_json({" + ", ".join(parts) + "})"

    return line(frozenset(), [c.name for _, c, opt in fields if opt])


# Lines are built by DuckDB (to_json of a struct) and written by COPY: 1.3 million facts take about a
# second, where json.dumps row by row took most of a minute. Their fields are those `zhibiao extract` writes.
FACT_LINE = json_line_sql(jsonl_fields("fct_metric_fact", Fact))
# Fact-grain exports are cut by document bucket: a run that changed a few documents rewrites a few buckets.
BUCKETS = 64
BUCKET = f"hash(doc_id) % {BUCKETS}"
DOCS_JSONL_SQL = f"select {json_line_sql(jsonl_fields('dim_document', DocRecord))} as line from dim_document order by doc_id"


# Fact-grain tables are exported as Parquet parts by document bucket (hive folders bucket=N).
BUCKETED = ("fct_metric_fact", "fct_metric_observation")
# Facts by region, kind of period and year (an integer); a span (2021-2025) is not a year: it has its own
# period_kind=span folder, with its first and last year as columns. A fact without a region or a year sits in the
# null partition (__HIVE_DEFAULT_PARTITION__, read back as NULL). Period kinds as in stg_metric_observation.
REGION_YEAR = ("region_part", "period_kind", "year")
_PERIOD_KIND = """case when regexp_full_match(period, '\\d{4}') then 'year'
            when regexp_full_match(period, '\\d{4}Q[1-4]') then 'quarter'
            when regexp_full_match(period, '\\d{4}H[12]') then 'half'
            when regexp_full_match(period, '\\d{4}-(0[1-9]|1[0-2])') then 'month'
            when regexp_full_match(period, '\\d{4}-\\d{4}') then 'span' end"""
_REGION_YEAR_COLUMNS = f"""region as region_part, {_PERIOD_KIND} as period_kind,
       case when ({_PERIOD_KIND}) <> 'span' then left(period, 4)::integer end as year,
       case when ({_PERIOD_KIND}) is not null then left(period, 4)::integer end as period_first_year,
       case when ({_PERIOD_KIND}) = 'span' then right(period, 4)::integer
            when ({_PERIOD_KIND}) is not null then left(period, 4)::integer end as period_last_year"""
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
# Money and counts keep their decimal digits in Parquet: DECIMAL(38, 6) rather than the warehouse's DOUBLE. A
# document states a figure in at most 15 significant digits, which a double holds, so rounding it to 6 places
# gives back the stated decimal (33.333333333333336 -> 33.333333); 32 digits before the point hold any
# canonical value (5.2万亿元 = 5.2e12 CNY, 39.4PB = 3.94e16 byte). sql/tests/assert_values_fit_export_decimal.sql
# fails on a value that would not fit or would round to zero. Ratios (change_pct, relative_difference) stay DOUBLE.
EXACT_TYPE = "decimal(38, 6)"
EXACT_COLUMNS = ("value", "value_high", "target_value", "actual_value", "newest_value", "change_abs",
                 "change_abs_year_ago")
# Part of every fingerprint: a new export format (column types, layout) rewrites every file once.
EXPORT_FORMAT = "3"  # 3: the JSONL fields in the order and with the fields `zhibiao extract` writes
FACTS_BY_REGION_YEAR_SQL = f"select *, {_REGION_YEAR_COLUMNS} from fct_metric_fact"
# What the partitions' rows are made of, without reading them (the sentences make up most of the bytes): each
# fact's id and its document's content hash (the code versions are added as for the buckets).
FACTS_BY_REGION_YEAR_KEYS_SQL = f"""select fact_id, sha256, {_REGION_YEAR_COLUMNS}
       from fct_metric_fact join (select doc_id, sha256 from dim_document) using (doc_id)"""
MANIFEST = ".zhibiao-exports.json"


def sync_exports(con: duckdb.DuckDBPyConnection, out: Path, tables: list[str]) -> list[str]:
    """Bring the export folder in line with the warehouse, writing only what changed since the last
    call: fingerprints per table, bucket and partition are kept in ``out/.zhibiao-exports.json``.
    Returns what was written."""
    try:
        before = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = {}
    old_tables, old_parts = before.get("tables", {}), before.get("partitioned", {})
    now: dict[str, str] = {}
    parts: dict[str, dict] = {}
    written: list[str] = []
    by_documents = {f"bucket={k}": fp for k, fp in document_fingerprints(con).items()}
    for table in BUCKETED:
        sql = f"select *, {BUCKET} as bucket from {table}"  # noqa: S608
        parts[table], n = sync_partitioned(con, sql, ("bucket",), out / table, old_parts.get(table, {}), by_documents)
        (out / f"{table}.parquet").unlink(missing_ok=True)  # the single file of earlier versions
        written += [f"{table} ({n} parts)"] if n else []
    for table in (t for t in tables if t not in BUCKETED):
        now[table] = f"{EXPORT_FORMAT}:" + fingerprint(con, f"select * from {table}").get("", "0:0")  # noqa: S608
        if old_tables.get(table) != now[table] or not (out / f"{table}.parquet").exists():
            write_parquet(con, table, out / f"{table}.parquet")
            written.append(table)
    versions = f"{EXPORT_FORMAT}:{code_versions(con)}"
    by_facts = {k: f"{versions}:{fp}" for k, fp in fingerprint(con, FACTS_BY_REGION_YEAR_KEYS_SQL,
                                                                 partition_key(REGION_YEAR)).items()}  # fmt: skip
    parts["facts_by_region_year"], n = sync_partitioned(
        con, FACTS_BY_REGION_YEAR_SQL, REGION_YEAR, out / "facts_by_region_year",
        old_parts.get("facts_by_region_year", {}), by_facts,
    )  # fmt: skip
    written += [f"facts_by_region_year ({n} partitions)"] if n else []
    # The same documents as the fct_metric_fact parts, so the same bucket fingerprints.
    fact_buckets = {k.removeprefix("bucket="): v[0] for k, v in parts["fct_metric_fact"].items()}
    facts_jsonl, n = sync_facts_jsonl(con, out / "facts.jsonl", before.get("facts_jsonl", {}), fact_buckets)
    written += [f"facts.jsonl ({n} buckets)"] if n else []
    now["docs.jsonl"] = f"{EXPORT_FORMAT}:" + fingerprint(con, "select * from dim_document").get("", "0:0")
    if old_tables.get("docs.jsonl") != now["docs.jsonl"] or not (out / "docs.jsonl").exists():
        write_docs_jsonl(con, out / "docs.jsonl")
        written.append("docs.jsonl")
    tmp = _atomic_path(out / MANIFEST)
    tmp.write_text(json.dumps({"tables": now, "partitioned": parts, "facts_jsonl": facts_jsonl}, ensure_ascii=False),
                   encoding="utf-8")  # fmt: skip
    os.replace(tmp, out / MANIFEST)
    return written


def _atomic_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")


def fingerprint(con: duckdb.DuckDBPyConnection, sql: str, key: str = "''") -> dict[str, str]:
    """Per value of the SQL expression ``key``: the number of rows of ``sql`` and an order-independent
    hash of all their values. Equal fingerprints: nothing to write again."""
    rows = con.execute(
        f"select {key} as k, count(*)::varchar || ':' || coalesce(sum(hash(q))::varchar, '0') from ({sql}) q group by k"
    ).fetchall()
    return dict(rows)


def code_versions(con: duckdb.DuckDBPyConnection) -> str:
    """The versions of the extraction code and of the SQL models that made the warehouse's rows."""
    return con.execute(
        f"select string_agg(value, ':' order by key) from {RUN_STATE} where key in ('extractor_version', 'models_version')"  # noqa: S608
    ).fetchall()[0][0]


def document_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Bucket number (as text) -> fingerprint of its documents (id and content hash) and of the code
    versions. The rows of a fact-grain bucket are a function of these, since extraction is stateless per
    document, so hashing them stands for hashing 1.3 million fact rows."""
    versions = f"{EXPORT_FORMAT}:{code_versions(con)}"
    docs = fingerprint(con, f"select doc_id, sha256, {BUCKET} as bucket from dim_document", "bucket")
    return {str(k): f"{versions}:{fp}" for k, fp in docs.items()}


def partition_key(partition_by: tuple[str, ...]) -> str:
    """SQL for a partition's key as its hive folder path names it (``a=x/b=y``; NULL as DuckDB names it)."""
    return " || '/' || ".join(f"'{c}=' || coalesce({c}::varchar, '{NULL_PARTITION}')" for c in partition_by)


def exact_values(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """``sql`` with its DOUBLE value columns (EXACT_COLUMNS) cast to EXACT_TYPE."""
    doubles = [name for name, typ, *_ in con.execute(f"describe {sql}").fetchall()
               if name in EXACT_COLUMNS and typ == "DOUBLE"]  # fmt: skip
    if not doubles:
        return sql
    return f"select * replace ({', '.join(f'{c}::{EXACT_TYPE} as {c}' for c in doubles)}) from ({sql})"  # noqa: S608


def write_parquet(con: duckdb.DuckDBPyConnection, table: str, target: Path) -> int:
    tmp = _atomic_path(target)
    con.execute(f"copy ({exact_values(con, f'select * from {table}')}) to '{_sql_path(tmp)}' (format parquet)")
    os.replace(tmp, target)
    return con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]


def sync_partitioned(con: duckdb.DuckDBPyConnection, sql: str, partition_by: tuple[str, ...], target: Path,
                     previous: dict[str, list[str]], now: dict[str, str] | None = None,
                     ) -> tuple[dict[str, list[str]], int]:  # fmt: skip
    """Keep ``target`` a hive-partitioned Parquet copy of ``sql``, writing again only the partitions whose
    rows changed. ``previous`` maps each partition's key (``a=x/b=y``) to [fingerprint, folder] as
    returned by the last call; returns the same for now, and the number of partitions written. ``now``:
    the partitions' fingerprints if the caller has a cheaper way to them than hashing the rows."""
    key = partition_key(partition_by)
    now = fingerprint(con, sql, key) if now is None else now
    old = previous if target.is_dir() else {}
    # A partition of documents without a figure has no rows and no folder (recorded as "").
    changed = [k for k, fp in now.items() if k not in old or old[k][0] != fp
               or (old[k][1] and not (target / old[k][1]).is_dir())]  # fmt: skip
    removed = [k for k in old if k not in now]
    if not changed and not removed:
        return {k: old[k] for k in now}, 0
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    cols = ", ".join(partition_by)
    sql = exact_values(con, sql)
    if not old or 2 * len(changed) > len(now):
        # Most partitions changed: one pass writes them all, and the new folder replaces the old whole.
        con.execute(f"copy ({sql}) to '{_sql_path(tmp)}' (format parquet, partition_by ({cols}))")
        folders = _leaf_folders(tmp, len(partition_by))
        swap_folder(tmp, target)
    else:
        con.execute(
            f"copy (select * from ({sql}) q where ({key}) in (select unnest(?::varchar[]))) "
            f"to '{_sql_path(tmp)}' (format parquet, partition_by ({cols}))", [changed]
        )  # fmt: skip
        folders = {k: old[k][1] for k in now if k in old}
        written = _leaf_folders(tmp, len(partition_by))
        for k, rel in written.items():
            swap_folder(tmp / rel, target / rel)  # one partition at a time: readers see its old or new rows
            folders[k] = rel
        for k in (k for k in changed if k not in written and folders.get(k)):
            shutil.rmtree(target / folders[k], ignore_errors=True)  # its rows are gone
            folders[k] = ""
        for k in (k for k in removed if old[k][1]):
            shutil.rmtree(target / old[k][1], ignore_errors=True)
            with contextlib.suppress(OSError):
                (target / old[k][1]).parent.rmdir()  # the outer folder, once its last partition has gone
        shutil.rmtree(tmp, ignore_errors=True)
    return {k: [fp, folders.get(k, "")] for k, fp in now.items()}, len(changed)


def _leaf_folders(root: Path, depth: int) -> dict[str, str]:
    """Partition key (values decoded: DuckDB percent-encodes them in folder names) -> folder under root."""
    out = {}
    for p in root.glob("/".join(["*"] * depth)):
        if p.is_dir():
            rel = p.relative_to(root).as_posix()
            out[unquote(rel)] = rel
    return out


def swap_folder(new: Path, target: Path) -> None:
    """Replace the folder ``target`` with ``new`` (two renames; the old one is removed after)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def write_docs_jsonl(con: duckdb.DuckDBPyConnection, target: Path) -> int:
    """docs.jsonl in the SCHEMA.md format."""
    return _write_lines(con, DOCS_JSONL_SQL, target)


def sync_facts_jsonl(con: duckdb.DuckDBPyConnection, target: Path, previous: dict,
                     now: dict[str, str] | None = None) -> tuple[dict, int]:  # fmt: skip
    """facts.jsonl in the SCHEMA.md format, ordered by document bucket, then document and offset.

    Each bucket's lines are one byte range of the file, recorded with the bucket's fingerprint; a run that
    changed a few buckets copies the other ranges from the last file and writes only those buckets.
    ``now``: the buckets' fingerprints of fct_metric_fact, if the caller has them. Returns the new record
    and the number of buckets written."""
    if now is None:
        now = document_fingerprints(con)
    old = previous.get("buckets", {}) if target.is_file() and target.stat().st_size == previous.get("size") else {}
    changed = {k for k, fp in now.items() if k not in old or old[k][0] != fp}
    tmp = _atomic_path(target)
    ranges: dict[str, list] = {}
    pos = 0
    if not old or 2 * len(changed) > len(now):
        con.execute(f"create or replace temp table _fact_lines as select {BUCKET} as bucket, doc_id, start_offset, "
                    f"{FACT_LINE} as line from fct_metric_fact")  # fmt: skip
        _copy_lines(con, "select line from _fact_lines order by bucket, doc_id, start_offset", tmp)
        sizes = dict(con.execute("select bucket::varchar, sum(strlen(line) + 1) from _fact_lines group by bucket").fetchall())
        con.execute("drop table _fact_lines")
        for k in sorted(now, key=int):
            size = int(sizes.get(k, 0))  # no line for a bucket whose documents have no figure
            ranges[k] = [now[k], pos, size]
            pos += size
    else:
        part = _atomic_path(target.with_name(target.name + ".part"))
        with target.open("rb") as src, tmp.open("wb") as out:
            for k in sorted(now, key=int):
                if k in changed:
                    _copy_lines(con, f"select {FACT_LINE} from fct_metric_fact where {BUCKET} = {int(k)} "
                                     "order by doc_id, start_offset", part)  # fmt: skip
                    with part.open("rb") as f:
                        size = _copy_range(f, out, 0, None)
                else:
                    size = _copy_range(src, out, old[k][1], old[k][2])
                ranges[k] = [now[k], pos, size]
                pos += size
        part.unlink(missing_ok=True)
    os.replace(tmp, target)
    return {"size": pos, "buckets": ranges}, len(changed)


def _copy_range(src, out, offset: int, size: int | None) -> int:
    """Copy ``size`` bytes (or all the rest) of ``src`` from ``offset`` to ``out``; the number copied."""
    if size is not None and hasattr(os, "copy_file_range"):
        out.flush()
        done = 0
        while done < size:  # in the kernel: no trip of the bytes through Python
            n = os.copy_file_range(src.fileno(), out.fileno(), size - done, offset + done)
            if n == 0:
                raise OSError(f"{getattr(src, 'name', 'file')}: expected {size} bytes at {offset}, found {done}")
            done += n
        return done
    src.seek(offset)
    done = 0
    while size is None or done < size:
        chunk = src.read(1 << 20 if size is None else min(1 << 20, size - done))
        if not chunk:
            break
        out.write(chunk)
        done += len(chunk)
    if size is not None and done != size:
        raise OSError(f"{getattr(src, 'name', 'file')}: expected {size} bytes at {offset}, found {done}")
    return done


_UNIT_SEPARATOR = "\x1f"  # a control character: to_json writes it as \u001f, never raw


def _write_lines(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> int:
    tmp = _atomic_path(target)
    n = _copy_lines(con, sql, tmp)
    os.replace(tmp, target)
    return n


def _copy_lines(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> int:
    """One JSON document per line, written by DuckDB: a CSV of one column with no quoting and a
    delimiter that to_json always escapes, so each line is the JSON text exactly."""
    n = con.execute(
        f"copy ({sql.strip()}) to '{_sql_path(target)}' (format csv, header false, quote '', escape '', delimiter '{_UNIT_SEPARATOR}')"
    ).fetchone()[0]  # type: ignore[index]
    return int(n)


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
