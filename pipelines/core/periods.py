"""Time expressions: years, quarters, halves, months, plan periods (十四五) and spans.

The words and patterns are in ``data/periods.toml``; the words that make a period the base of a comparison
are in ``data/comparison_cues.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import parse_chinese_integer
from .text import finditer_at
from .vocab import alternation, regex, table, terms

QUARTER_NUMBERS = {w: n for n, w in enumerate(terms("periods", "quarter_numbers"), 1)} | {str(n): n for n in range(1, 5)}
HALF_NUMBERS = {w: n for n, w in enumerate(terms("periods", "halves"), 1)}
PERIOD_RE = regex("periods", "period")
# The first characters PERIOD_RE can match: see ``finditer_at``.
PERIOD_START_RE = regex("periods", "period_start")
# Before a year these words make it a comparison base (比2020年末提高), not the period of the figure.
COMPARISON_BEFORE = tuple(w for name in ("plain_bases", "other_bases", "compared", "higher", "lower")
                          for w in terms("comparison_cues", name))  # fmt: skip
RELATIVE_YEARS = {w: offset for name, offset in table("periods", "relative_year_offsets").items()
                  for w in terms("periods", name)}  # fmt: skip
RELATIVE_RE = re.compile(alternation(tuple(RELATIVE_YEARS)))
# A half or a quarter named without its year (上半年, 一季度); 2022年上半年 is a Period of its own, and
# 前三季度 is a running total (the year).
PART_OF_YEAR_RE = regex("periods", "part_of_year")
YEAR_END_RE = regex("periods", "year_end")
RUNNING_TOTAL = terms("periods", "running_total")


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    label: str
    last_year: int


def _year(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    v = parse_chinese_integer(s)
    return v if v and 1900 <= v <= 2100 else None


def plan_span(ordinal: str) -> tuple[int, int] | None:
    """十四五 -> (2021, 2025). Five-year plans run in step from the fifth (1976-1980)."""
    n = parse_chinese_integer(ordinal[:-1])
    if n is None or n < 5:
        return None
    first = 1976 + 5 * (n - 5)
    return first, first + 4


def find_periods(norm: str) -> list[Period]:
    out: list[Period] = []
    for m in finditer_at(PERIOD_RE, PERIOD_START_RE, norm):
        if m.group("span"):
            y1, y2 = _year(m.group("y1")), _year(m.group("y2"))
            if y1 and y2 and y1 <= y2:
                out.append(Period(m.start(), m.end(), f"{y1}-{y2}", y2))
        elif m.group("year"):
            y = _year(m.group("year"))
            if y is not None:
                out.append(Period(m.start(), m.end(), _year_label(y, m), y))
        elif m.group("plan"):
            span = plan_span(m.group("plan"))
            if span and m.group("plan_end"):
                out.append(Period(m.start(), m.end(), str(span[1]), span[1]))  # 十三五末: its last year
            elif span:
                out.append(Period(m.start(), m.end(), f"{span[0]}-{span[1]}", span[1]))
    return out


def _year_label(y: int, m: re.Match[str]) -> str:
    """2022, or the part of it the match names: 2022Q3, 2022H1, 2022-06."""
    if m.group("q"):
        return f"{y}Q{QUARTER_NUMBERS[m.group('q')]}"
    if m.group("h"):
        return f"{y}H{HALF_NUMBERS[m.group('h')]}"
    if m.group("m") and 1 <= int(m.group("m")) <= 12:
        return f"{y}-{int(m.group('m')):02d}"
    return str(y)


def is_comparison(norm: str, p: Period) -> bool:
    before = norm[max(0, p.start - 3) : p.start]
    return before.endswith(COMPARISON_BEFORE)


def relative_years(norm: str) -> list[tuple[int, int, int]]:
    """(start, end, offset in years) of 今年, 去年, ...; not where they are a comparison base (较上年增长)."""
    return [(m.start(), m.end(), RELATIVE_YEARS[m.group()]) for m in RELATIVE_RE.finditer(norm)
            if not norm[max(0, m.start() - 3) : m.start()].endswith(COMPARISON_BEFORE)]  # fmt: skip


def parts_of_year(norm: str) -> list[tuple[int, str]]:
    """(start, suffix such as H1 or Q3, or "" for a running total) of halves and quarters named without
    a year."""
    out = []
    for m in PART_OF_YEAR_RE.finditer(norm):
        start = m.start()
        if start >= 2 and YEAR_END_RE.fullmatch(norm, start - 2, start):
            continue  # 2022年上半年: a period of its own
        if norm[max(0, start - 3) : start].endswith(COMPARISON_BEFORE):
            continue  # 比一季度加快: the base of a comparison, not the period of the figure
        if norm[max(0, start - 2) : start].endswith(RUNNING_TOTAL):
            out.append((start, ""))  # a running total: the year itself, whatever quarter came before
        else:
            out.append((start, f"H{HALF_NUMBERS[m.group('h')]}" if m.group("h") else f"Q{QUARTER_NUMBERS[m.group('q')]}"))
    return out
