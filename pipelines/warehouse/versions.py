"""Versions of the code that shapes the warehouse, so a run knows when unchanged input still needs work:
a new extractor re-extracts every document; new SQL models are rebuilt."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from .models import sql_dir

CORE = Path(__file__).resolve().parents[1] / "core"


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """The extraction core's code and catalogs."""
    return _digest([*CORE.glob("*.py"), *(CORE / "data").glob("*")])


def models_version() -> str:
    """The SQL models, their seed vocabularies, the data tests and the schema files (comments and tests)."""
    return _digest([*sql_dir().rglob("*.sql"), *sql_dir().rglob("*.csv"), *sql_dir().rglob("*.yml")])
