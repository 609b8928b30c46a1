"""Exports for analysts: Parquet per table (facts also hive-partitioned by region and year) and
the facts/docs JSONL of SCHEMA.md. Every file is written to a temporary name, then renamed."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb


def _num(col: str) -> str:
    """A JSON number: integers without a decimal point (33000, not 33000.0)."""
    return f"case when {col} = trunc({col}) and abs({col}) < 9e15 then to_json({col}::bigint) else to_json({col}) end"


# Lines are built by DuckDB (to_json of a struct) and streamed out in Arrow batches: 1.3 million facts
# take seconds, where json.dumps row by row took most of a minute.
_FACT_FIELDS = (
    "'doc': doc_id, 'start': start_offset, 'end': end_offset, 'text': surface_text, 'value': {value}, "
    "{high}'unit': unit, 'qualifier': qualifier, 'kind': kind, 'metric': metric, 'metric_id': metric_id, "
    "'region': region, 'period': period"
)
FACTS_JSONL_SQL = f"""
select case when value_high is null
            then to_json({{{_FACT_FIELDS.format(value=_num("value"), high="")}}})
            else to_json({{{_FACT_FIELDS.format(value=_num("value"), high="'value_high': " + _num("value_high") + ", ")}}})
       end as line
from fct_metric_fact order by doc_id, start_offset
"""
DOCS_JSONL_SQL = """
select to_json({'doc': doc_id, 'title': title, 'reply_date': strftime(reply_date, '%Y-%m-%d'),
                'publish_date': strftime(publish_date, '%Y-%m-%d'), 'proposal_no': proposal_no, 'session': session,
                'addressee': addressee, 'responder': responder, 'region': region, 'doc_number': doc_number}) as line
from dim_document order by doc_id
"""


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
    return _write_lines(con, FACTS_JSONL_SQL, facts), _write_lines(con, DOCS_JSONL_SQL, docs)


def _write_lines(con: duckdb.DuckDBPyConnection, sql: str, target: Path) -> int:
    tmp = _atomic_path(target)
    n = 0
    with tmp.open("w", encoding="utf-8") as fh:
        for batch in con.sql(sql).to_arrow_reader(100_000):
            lines = batch.column(0).to_pylist()
            if lines:
                fh.write("\n".join(lines) + "\n")
                n += len(lines)
    os.replace(tmp, target)
    return n


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
