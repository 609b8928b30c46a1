"""Vocabularies of the core, read from the data files under ``pipelines/core/data``.

Word lists are data an analyst can extend: one entry per line (``.txt``) or per row (``.csv``), ``#``
starts a comment line. Each file holds one concept; code builds its patterns from them.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from importlib import resources


def _data(name: str) -> str:
    return resources.files("pipelines.core").joinpath(f"data/{name}").read_text(encoding="utf-8")


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of a one-word-per-line file, in file order."""
    out = []
    for line in _data(name).splitlines():
        w = line.strip()
        if w and not w.startswith("#"):
            out.append(w)
    return tuple(out)


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a CSV file with a header line (comment lines skipped)."""
    lines = [ln for ln in _data(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple(csv.DictReader(io.StringIO("\n".join(lines))))


def alternation(items: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal words, longest first (so 工作报告 is tried before 报告)."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True))
