"""Every ```sql block of the README runs on a warehouse built from seeds/ and, where the README
shows an answer, gives exactly that answer."""

import re
from pathlib import Path

import duckdb
import pytest

from pipelines.query import format_table

from .conftest import ROOT

BLOCKS = re.findall(r"```sql\n([^`]*)```\n(?:\n```text\n([^`]*)```)?", (ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def warehouse(seeds_warehouse: Path) -> Path:
    return seeds_warehouse


def test_readme_has_queries():
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize(("query", "answer"), BLOCKS, ids=[f"query{i}" for i in range(len(BLOCKS))])
def test_readme_query(warehouse: Path, query: str, answer: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cur = con.execute(query)
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
    if answer:
        shown = [ln.rstrip() for ln in format_table(cols, rows).splitlines() if not set(ln.strip()) <= {"-", " "}]
        assert shown[:-1] == [ln.rstrip() for ln in answer.strip().splitlines()]
