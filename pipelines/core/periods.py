"""Time expressions: years, quarters, halves, months, plan periods (十四五) and spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numerals import CN_DIGIT_CHARS, parse_chinese_integer
from .text import finditer_at

QUARTER_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
# A year: 19xx/20xx, or in Chinese numerals 一九xx/二〇xx (the fixed first two characters keep the
# pattern from being tried at every numeral of the text).
YEAR = rf"(?:(?:19|20)\d{{2}}|(?:一九|二[〇零○])[{CN_DIGIT_CHARS}]{{2}})"
PERIOD_RE = re.compile(
    rf"(?P<span>(?P<y1>{YEAR})\s*(?:年)?\s*(?:-|—|~|至|到)\s*(?P<y2>{YEAR})\s*年)"
    rf"|(?P<year>{YEAR})\s*年(?:度)?(?P<rest>(?:底|末|初)?"
    r"(?:第?(?P<q>[一二三四1-4])季度|(?P<h>上|下)半年|(?P<m>\d{1,2})月|前(?P<qn>[一二三1-3])季度)?)"
    r"|“?(?P<plan>十[一二三四五六七八九]五)”?(?:规划|时期|期间|末|以来)?"
)
# The first characters PERIOD_RE can match (19xx/20xx, 一九/二〇, “十四五): see ``finditer_at``.
PERIOD_START_RE = re.compile(r"[12一二“十]")
# Before a year these words make it a comparison base (比2020年末提高), not the period of the figure.
COMPARISON_BEFORE = ("比", "较", "与", "同", "相比", "对比", "高于", "低于")
RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2, "明年": 1}
RELATIVE_RE = re.compile("|".join(RELATIVE_YEARS))
# A half or a quarter named without its year (上半年, 一季度); 2022年上半年 is a Period of its own, and
# 前三季度 is a running total (the year).
PART_OF_YEAR_RE = re.compile(r"(?P<h>上|下)半年|第?(?P<q>[一二三四1-4])季度")


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
            if y is None:
                continue
            label = str(y)
            if m.group("q"):
                label = f"{y}Q{QUARTER_NUMBERS[m.group('q')]}"
            elif m.group("h"):
                label = f"{y}H{1 if m.group('h') == '上' else 2}"
            elif m.group("m") and 1 <= int(m.group("m")) <= 12:
                label = f"{y}-{int(m.group('m')):02d}"
            out.append(Period(m.start(), m.end(), label, y))
        elif m.group("plan"):
            span = plan_span(m.group("plan"))
            if span and m.group().endswith("末"):
                out.append(Period(m.start(), m.end(), str(span[1]), span[1]))  # 十三五末: its last year
            elif span:
                out.append(Period(m.start(), m.end(), f"{span[0]}-{span[1]}", span[1]))
    return out


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
        before = norm[max(0, m.start() - 2) : m.start()]
        if before.endswith("年") and before[:1] in "0123456789" + CN_DIGIT_CHARS:
            continue
        if norm[max(0, m.start() - 3) : m.start()].endswith(COMPARISON_BEFORE):
            continue  # 比一季度加快: the base of a comparison, not the period of the figure
        if before.endswith("前"):
            out.append((m.start(), ""))  # a running total: the year itself, whatever quarter came before
        else:
            out.append((m.start(), f"H{1 if m.group('h') == '上' else 2}" if m.group("h") else f"Q{QUARTER_NUMBERS[m.group('q')]}"))
    return out
