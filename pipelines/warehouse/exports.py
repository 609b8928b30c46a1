"""Exports for analysts: Parquet per table (facts also hive-partitioned by region and year) and
the facts/docs JSONL of SCHEMA.md. Every file is written to a temporary name, then renamed."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import duckdb

FACTS_JSONL_SQL = """
select doc_id as doc, start_offset as "start", end_offset as "end", surface_text as text, value, value_high,
       unit, qualifier, kind, metric, metric_id, region, period
from fct_metric_fact order by doc_id, start_offset
"""
DOCS_JSONL_SQL = """
select doc_id as doc, title, strftime(reply_date, '%Y-%m-%d') as reply_date,
       strftime(publish_date, '%Y-%m-%d') as publish_date, proposal_no, session, addressee, responder, region,
       doc_number
from dim_document order by doc_id
"""


def _number(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else v


def _atomic_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")


def write_parquet(con: duckdb.DuckDBPyConnection, table: str, target: Path) -> int:
    tmp = _atomic_path(target)
    con.execute(f"copy (select * from {table}) to '{_sql_path(tmp)}' (format parquet)")
    os.replace(tmp, target)
    return con.execute(f"select count(*) from {table}").fetchone()[0]  # type: ignore[index]


def write_partitioned_facts(con: duckdb.DuckDBPyConnection, target_dir: Path) -> None:
    """fct_metric_fact as hive partitions region=/year=, swapped in whole."""
    tmp = target_dir.with_name(f".{target_dir.name}.{uuid.uuid4().hex[:8]}.tmp")
    con.execute(
        f"""copy (select *, coalesce(region, 'unknown') as region_part,
                   coalesce(regexp_extract(period, '(\\d{{4}})$', 1), 'unknown') as year
                  from fct_metric_fact)
            to '{_sql_path(tmp)}' (format parquet, partition_by (region_part, year))"""
    )
    old = target_dir.with_name(f".{target_dir.name}.old")
    if target_dir.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target_dir, old)
    os.replace(tmp, target_dir)
    shutil.rmtree(old, ignore_errors=True)


def write_jsonl(con: duckdb.DuckDBPyConnection, facts: Path, docs: Path) -> tuple[int, int]:
    """The SCHEMA.md formats, from the warehouse."""
    n_facts = _write_rows(con, FACTS_JSONL_SQL, facts, numbers=("value", "value_high"), drop_null=("value_high",))
    n_docs = _write_rows(con, DOCS_JSONL_SQL, docs, numbers=(), drop_null=())
    return n_facts, n_docs


def _write_rows(con, sql: str, target: Path, numbers: tuple[str, ...], drop_null: tuple[str, ...]) -> int:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    tmp = _atomic_path(target)
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for row in cur.fetchall():
            rec = dict(zip(cols, row, strict=True))
            for k in numbers:
                rec[k] = _number(rec[k])
            for k in drop_null:
                if rec.get(k) is None:
                    rec.pop(k, None)
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, target)
    return n


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
