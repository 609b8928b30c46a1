"""Rewrite the answers of the README's example questions from a warehouse built on seeds/, the README's
table of tables and docs/columns.md from the schema files (sql/**/*.yml).

    python scripts/readme_examples.py

Run it after a change that moves the answers or the schema files; tests/test_readme_queries.py and
tests/test_schema_docs.py check they match.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.assets import ALL_ASSETS
from pipelines.defs.resources import ZhibiaoResource
from pipelines.query import format_table
from pipelines.warehouse.schema_docs import columns_reference, load_table_docs, readme_table, reference_order

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```sql\n([^`]*)```\n\n```text\n([^`]*)```")
TABLES = re.compile(r"(<!-- tables: generated from sql/\*\*/\*\.yml -->\n).*?(<!-- end of tables -->)", re.S)


def with_tables(readme: str) -> str:
    """The README with its table of tables generated from the schema files."""
    docs = load_table_docs()
    table = readme_table(docs, reference_order(docs))
    return TABLES.sub(lambda m: m.group(1) + table + "\n" + m.group(2), readme)


def answer(con: duckdb.DuckDBPyConnection, query: str) -> str:
    cur = con.execute(query)
    lines = format_table([d[0] for d in cur.description], cur.fetchall()).splitlines()
    return "\n".join(ln for ln in lines[:-1] if not set(ln.strip()) <= {"-", " "}) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wh = Path(tmp) / "z.duckdb"
        res = ZhibiaoResource(corpus_dir=str(ROOT / "seeds"), warehouse_path=str(wh), export_dir=f"{tmp}/x", workers=1)
        assert dg.materialize(ALL_ASSETS, resources={"zhibiao": res}, instance=dg.DagsterInstance.ephemeral()).success
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        with duckdb.connect(str(wh), read_only=True) as con:
            readme = BLOCK.sub(lambda m: f"```sql\n{m.group(1)}```\n\n```text\n{answer(con, m.group(1))}```", readme)
        (ROOT / "README.md").write_text(with_tables(readme), encoding="utf-8")
    docs = load_table_docs()
    (ROOT / "docs" / "columns.md").write_text(columns_reference(docs, reference_order(docs)), encoding="utf-8")
    print("README answers and tables, docs/columns.md updated")


if __name__ == "__main__":
    main()
