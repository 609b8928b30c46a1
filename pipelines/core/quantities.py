"""Find every quantity in a text and normalise it to a value in its canonical unit.

All patterns run on the length-preserving normalised copy of the text (``text.normalise``), so
spans are offsets into the original. The result is a list of ``Mention``: span, exact value,
canonical unit, qualifier, plus hints (sign words, rank) that attribution turns into a kind.

The words the rules look for are data (``pipelines/core/data``): qualifiers.toml, rank_cues.toml,
list_cues.toml, figure_forms.toml, not_a_figure.toml, particles.toml, table_cues.toml, boundaries.toml and
the roles and columns of units.csv. The code keeps the grammar: how digits, numerals and those words combine.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .layout import CLAUSE_MARKS, Boundaries
from .numerals import (
    CN_DIGIT_CHARS,
    CN_DIGITS,
    CN_NUMERAL_CHARS,
    multiplier_value,
    parse_arabic,
    parse_chinese_decimal,
    parse_number,
)
from .text import finditer_at, normalise
from .units import (
    Unit,
    load_units,
    other_readings,
    rate_denominators,
    surface_with_role,
    unit_alternation,
    units_with_role,
)
from .vocab import alternation, chars, pattern, regex, rows, terms, word, words

AR = r"[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?(?![0-9,])|[0-9]+(?:\.[0-9]+)?"
CN = rf"[{CN_NUMERAL_CHARS}]+(?:{pattern('figure_forms', 'decimal_point')}[{CN_DIGIT_CHARS}]+)?"
MULT = f"(?:{pattern('figure_forms', 'multiplier')})"
SMALL_MULTIPLIERS = chars("figure_forms", "small_multipliers")
BIG_MULTIPLIERS = frozenset(chars("figure_forms", "big_multipliers"))
MULTIPLIER_CHARS = SMALL_MULTIPLIERS + chars("figure_forms", "big_multipliers")
# 0.46千克, 1.5百分点: the multipliers that begin a unit (百, 千), which the multiplier run may have taken.
_UNIT_OPENING_MULTIPLIERS = frozenset(c for c in SMALL_MULTIPLIERS if any(s.startswith(c) for s in load_units()))
UP = word("qualifiers", "up_to")
SOME = word("qualifiers", "some_after_number")
ORDINAL = word("rank_cues", "ordinal_prefix")
TOP = word("rank_cues", "top_prefix")
MODIFIER = word("particles", "modifier")
AND_OTHERS = word("particles", "and_others")
GRADE_NUMERAL = word("not_a_figure", "grade_numeral")
SIZE_CLASS = word("not_a_figure", "size_class")
_YEAR = surface_with_role("year")
_IMPLIED_MONEY = surface_with_role("implied_money")
_IMPLIED_COUNT = surface_with_role("implied_count")
# The canonical units whose figures carry their scale (a list does not lend them), and those a rank cue turns
# into a change in rank or a position (units.csv's roles).
_SCALED_UNITS = units_with_role("scaled")
_RANK_MOVE_UNITS = units_with_role("rank_move")
_POSITION_UNITS = units_with_role("position")
_RANKED_UNITS = _RANK_MOVE_UNITS | _POSITION_UNITS
_DOUBLING_UNIT = next(u for u in load_units().values() if u.dimension == "multiple")


def _qualifier_words(where: str) -> dict[str, str]:
    """Qualifier word -> qualifier, for the words ``before`` or ``after`` a number (qualifiers.toml)."""
    names = {
        "before": {"more_than": ("more_than_before",), "approx": ("approx_before",), "less_than": ("less_than_before",)},
        "after": {"more_than": ("at_least_after", "more_than_after"), "approx": ("approx_after",),
                  "less_than": ("at_most_after", "less_than_after")},
    }[where]  # fmt: skip
    return {w: q for q, lists in names.items() for name in lists for w in terms("qualifiers", name)}


_PRE_QUALIFIER_OF = _qualifier_words("before")
_PRE_QUALIFIER_LENGTHS = sorted({len(w) for w in _PRE_QUALIFIER_OF}, reverse=True)
_POST_QUALIFIER_OF = _qualifier_words("after")
assert {len(w) for w in _POST_QUALIFIER_OF} == {2}, "_post_qualifier looks up two characters"
NOT_QUALIFIER_WORDS = terms("qualifiers", "not_qualifier")
SCOPE_WORDS = terms("rank_cues", "scope")
assert {len(w) for w in SCOPE_WORDS} == {2}, "_pre_qualifier skips a scope of two characters"
_PRE_QUALIFIER_LAST = frozenset(w[-1] for w in (*_PRE_QUALIFIER_OF, *SCOPE_WORDS))

PLAN_AFTER = regex("not_a_figure", "plan_after")
RANK_CUE = regex("rank_cues", "cue")
RANK_CUE_FAR = regex("rank_cues", "cue_far")
RANK_WORD = regex("rank_cues", "ranking_before")
RANK_MOVE_TO = regex("rank_cues", "move_to")
RANK_MOVE = regex("rank_cues", "move_before")
RANK_DOWN = terms("rank_cues", "move_down")
POSITION_SUFFIXES = terms("rank_cues", "position_suffix")
FIRST_PLACE = terms("rank_cues", "first_place")
ORDINAL_NOUN = frozenset(terms("rank_cues", "ordinal_nouns"))
_NOT_TOP = terms("rank_cues", "not_top")
# A string, not a set: ``"" in LIST_SEPARATORS`` holds, and the end of the text counts as a separator.
LIST_SEPARATORS = chars("list_cues", "separators")
_RANGE_SEPARATORS = frozenset(terms("list_cues", "range_marks"))
_RANGE_GAPS = frozenset(terms("list_cues", "range_gaps"))
_CHANGE_FROM = terms("list_cues", "change_from")
_SMALL_COUNTS = frozenset(terms("list_cues", "small_counts"))
_LETTER_UNIT_FOLLOWERS = chars("figure_forms", "letter_unit_followers")
_PERCENT = word("figure_forms", "percent")
_FRACTION = word("figure_forms", "fraction")
_TENTH = word("figure_forms", "tenth")
_OVER_HALF = word("figure_forms", "over_half")
_HALF_CHAR = "".join(set.intersection(*(set(w) for w in (*terms("figure_forms", "half"), _OVER_HALF))))
_DOUBLE_CLOSE = word("figure_forms", "double_close")
# The largest value a fact may have in its canonical unit: beyond it a number is a run of digits or of 亿,
# not a figure (and no warehouse column holds it).
MAX_VALUE = Decimal("1e30")
# A CJK ideograph: the noun a voltage class names (750千伏变电站), the word after a span of years.
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NOT_BEFORE_FRACTION = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/.-")


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    value: Decimal
    unit: str
    dimension: str
    qualifier: str = "exact"
    value_high: Decimal | None = None
    # Hints for attribution: 'rank' for a position, 'rank_move' for a change in rank.
    hint: str = ""
    negative: bool = False
    has_multiplier: bool = False
    default_unit: bool = False


def _generic_pattern() -> str:
    """A number (Arabic with its multiplier, or a Chinese numeral), 多/余/几, and a unit with a rate's
    denominator, or classifiers listed in brackets before a trailing 次."""
    units = unit_alternation()
    first = re.escape("".join(sorted({s[0] for s in load_units()})))
    per = "|".join(re.escape(s) for s in sorted(rate_denominators(), key=len, reverse=True))
    more, some = pattern("qualifiers", "more_after_number"), pattern("qualifiers", "some_after_number")
    big = pattern("figure_forms", "big_multipliers")
    return (
        rf"(?P<up>{UP})?"
        # A Chinese numeral is worth a look only when a unit, 多/余/几, or 万/亿 follows or ends it:
        # the lookahead drops the thousands of 一是, 统一, 之一 before any Python runs.
        rf"(?:(?P<ar>{AR})(?P<ap1>{more})?(?:(?:\r?\n)?(?P<mult>{MULT}))?"
        rf"|(?P<cn>{CN})(?:(?<={big})|(?=[{chars('qualifiers', 'more_after_number')}{SOME} {first}])))"
        rf"(?P<ap2>{more}|{some})?"
        rf"(?:(?P<gap>[ ]|\r?\n)?(?P<unit>{units})(?:/(?P<per>{per}))?)?"
        rf"(?P<alt>{pattern('figure_forms', 'listed_classifiers')})?"
    )


def _double_pattern() -> str:
    """翻番, 翻了一番, 翻两番 (begins with 翻, so that re skips ahead to it: see ``finditer_at``)."""
    f = "figure_forms"
    return rf"{word(f, 'double_open')}{word(f, 'double_past')}?(?P<n>[{CN_DIGIT_CHARS}0-9])?{_DOUBLE_CLOSE}"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    f, r = "figure_forms", "rank_cues"
    per = "|".join(re.escape(s) for s in sorted(rate_denominators(), key=len, reverse=True))
    return {
        "generic": re.compile(_generic_pattern()),
        # Every generic match starts with 上 or a numeral (see ``finditer_at``), never at a digit after a
        # digit: a match that takes a digit takes the digits around it.
        "generic_start": re.compile(rf"[{UP}0-9{CN_NUMERAL_CHARS}](?<![0-9][0-9])"),
        "percent_cn": re.compile(rf"{_PERCENT}(?P<n>{CN}|{AR})"),
        "fraction_cn": re.compile(
            rf"(?P<d>[{CN_NUMERAL_CHARS}]+|[0-9]+){_FRACTION}(?P<n>[{CN_NUMERAL_CHARS}]+|[0-9]+)"
        ),
        # These two begin with a class so that re can skip ahead to it; what may stand before the
        # number is checked after it (a lookbehind first would be tried at every position).
        "fraction_ar": re.compile(r"(?P<n>[0-9]{1,3})/(?P<d>[0-9]{1,3})(?![A-Za-z0-9/.\-])"),
        "cheng": re.compile(
            rf"(?P<n>[1-9{CN_DIGIT_CHARS}])(?<![0-9{CN_NUMERAL_CHARS}].){_TENTH}(?!{pattern(f, 'tenth_not_before')})"
        ),
        "half": re.compile(rf"{pattern(f, 'half')}|{pattern(f, 'over_half')}"),
        "double": re.compile(_double_pattern()),
        # 六个翻番, 双翻番 before a 翻: several figures, each doubled.
        "doubled_count": re.compile(
            rf"(?:(?:[{CN_DIGIT_CHARS}]|[0-9]+){pattern(f, 'doubled_count')}|{pattern(f, 'doubled_pair')})$"
        ),
        "rank": re.compile(
            rf"{ORDINAL}(?P<n>{AR}|[{CN_NUMERAL_CHARS}]+)"
            rf"(?P<suffix>{pattern(r, 'position_suffix')}|{pattern(r, 'count_suffix')})?|{pattern(r, 'first_place')}"
        ),
        "range_left": re.compile(
            rf"(?:(?P<ar>{AR})(?P<mult>{MULT})?|(?P<cn>[{CN_NUMERAL_CHARS}]+))[ ]?(?:{pattern('list_cues', 'range_marks')})[ ]?$"
        ),
        "unit_at": re.compile(unit_alternation()),
        "quote_open": re.compile(r"[“《「『\"]"),
        "fixed": re.compile(alternation(words("fixed_expressions.txt"))),
        # Words after N届/N次 that make the number the ordinal of a meeting (十四届五次会议, 九届历次全会).
        "meeting_after": re.compile(
            rf"(?:、?[{CN_NUMERAL_CHARS}0-9]+[{chars('not_a_figure', 'meeting_count')}])*"
            rf"[{chars('not_a_figure', 'meeting_level')}]?(?:{alternation(words('meeting_ordinals.txt'))})"
        ),
        # 前8位, 前十强, 前三: a top-N, a rank of at most N.
        "top": re.compile(rf"{TOP}(?P<n>{pattern(r, 'top_numeral')})(?P<suffix>{pattern(r, 'top_suffix')})?"),
        # A page counter's label, then a colon or a space, just before the number.
        "furniture": re.compile(
            rf"(?:{alternation(words('chrome_prefixes.txt') + words('page_furniture.txt'))})(?:[ ]*:[ ]*|[ ]+)$"
        ),
        # A measure of money, then a few words (突破, 迈上, 近), before a figure of 万/亿 with no unit.
        "money_before": re.compile(rf"(?:{alternation(words('money_nouns.txt'))})[^,;。!?、:0-9]{{0,4}}$"),
        # 每月720元, 每人每年600元: money per one of the rate denominators.
        "per_before": re.compile(rf"{word('figure_forms', 'per_each')}(?P<den>{per})$"),
        # 以上/以下 and the words after a figure, to tell a threshold naming a class.
        "threshold": regex("not_a_figure", "threshold"),
    }


def _data_pairs(name: str) -> dict[str, tuple[str, ...]]:
    """A ``word,role`` file as role -> words, longest first."""
    out: dict[str, list[str]] = {}
    for row in rows(name):
        out.setdefault(row["role"].strip(), []).append(row["word"].strip())
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


@dataclass(frozen=True)
class _Cues:
    """The cue lists of the rules below, from their data files (see each file's header)."""

    period_before: tuple[str, ...]
    period_after: tuple[str, ...]
    period_verb: tuple[str, ...]
    period_keep: tuple[str, ...]
    period_keep_after: tuple[str, ...]
    class_head: re.Pattern[str]
    class_member: dict[str, re.Pattern[str]]  # classifier -> the things of a class it sizes
    addressee: tuple[str, ...]


@lru_cache(maxsize=1)
def _vocab() -> _Cues:
    periods = _data_pairs("period_spans.csv")
    members = {r["word"].strip(): re.compile(r["sizes"].strip()) for r in rows("class_thresholds.csv")
               if r["role"].strip() == "member"}  # fmt: skip
    return _Cues(
        period_before=periods["before"], period_after=periods["after"], period_verb=periods["verb"],
        period_keep=periods["keep"], period_keep_after=periods["keep_after"],
        class_head=re.compile(alternation(_data_pairs("class_thresholds.csv")["head"])),
        class_member=members, addressee=words("addressees.txt"),
    )  # fmt: skip


def _protected_spans(norm: str) -> list[tuple[int, int]]:
    """Spans inside short quotes or book titles (names such as “十四五”, 《三年行动计划》)."""
    spans: list[tuple[int, int]] = []
    pairs = {"“": "”", "《": "》", "「": "」", "『": "』", '"': '"'}
    for m in _patterns()["quote_open"].finditer(norm):
        close = pairs[m.group()]
        j = norm.find(close, m.end(), m.end() + 40)
        if j != -1 and "\n" not in norm[m.end() : j]:
            spans.append((m.start(), j + 1))
    for m in _patterns()["fixed"].finditer(norm):
        spans.append((m.start(), m.end()))
    spans.sort()
    return spans


def _inside(spans: list[tuple[int, int]], starts: list[int], a: int, b: int) -> bool:
    i = bisect.bisect_right(starts, a) - 1
    lowest = i - 2  # spans are short and rarely nested: the three nearest starts are enough
    while i >= 0 and i >= lowest:
        s, e = spans[i]
        if s <= a and b <= e:
            return True
        i -= 1
    return False


def _pre_qualifier(norm: str, start: int) -> str | None:
    before = norm[max(0, start - 6) : start].rstrip()
    if not before or before[-1] not in _PRE_QUALIFIER_LAST:
        return None  # the common case: no qualifier or scope word can end here
    if before.endswith(SCOPE_WORDS):
        before = before[:-2]  # 超过全球一半: the qualifier stands before the scope
    if before.endswith(NOT_QUALIFIER_WORDS):
        return None
    for n in _PRE_QUALIFIER_LENGTHS:  # longest first
        q = _PRE_QUALIFIER_OF.get(before[-n:])
        if q:
            return q
    return None


def _post_qualifier(norm: str, end: int) -> str | None:
    return _POST_QUALIFIER_OF.get(norm[end : end + 3].lstrip()[:2])


def _is_year(unit: Unit | None, raw: str) -> bool:
    """A four-digit year, a Chinese-numeral year (二〇二二年, or 二三〇年 with a 〇 lost) or 2021年度/年底; also
    a year run into the number of a list item before it (8.2027年)."""
    if unit is None or "year" not in unit.roles:
        return False
    frac = raw.partition(".")[2]
    if frac.isdigit() and len(frac) == 4 and 1900 <= int(frac) <= 2100:
        return True
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return True
    # Digits read one by one (no 十/百/千) are a year: a span of years is written 三十五年, never 三五年.
    return len(raw) >= 3 and all(ch in CN_DIGITS for ch in raw)


def _cue_ok(unit: Unit, norm: str, bounds: Boundaries, start: int, end: int) -> bool:
    if unit.cue is None:
        return True
    # A bare letter must end the token: 1620G, but not 5G网络.
    nxt = norm[end : end + 1]
    if nxt and nxt.isalnum() and nxt not in _LETTER_UNIT_FOLLOWERS:
        return False
    s, e = bounds.statement(start)
    return bool(unit.cue.search(norm, s, e))


def _glued_figure(mult_s: str, unit_s: str | None) -> bool:
    """Whether a number run into the letters before it is still a figure: it carries 万/亿 or a currency
    (GDP4521.3亿元), where a code or a name (C919, K1234次, PM2.5年均) carries neither."""
    if mult_s:
        return True
    unit = load_units().get(unit_s) if unit_s else None
    return unit is not None and unit.dimension == "money"


# The end of a clause, or a closing bracket (是砥砺奋进的五年) ...).
_CLAUSE_END_CHARS = frozenset(CLAUSE_MARKS + ")")


def _is_period_span(norm: str, bounds: Boundaries, start: int, end: int, only_words: bool = False) -> bool:
    """过去五年, 这五年, 五年来, 极不平凡的五年, 二十年一遇, 产量五年增长3倍: a span of years that is the period
    the text speaks of. A duration that is measured (连续五年, 用两年时间, 受教育年限11.2年) is none of these.
    ``only_words``: look only at the words around (近八届最好成绩), not at the clause (,3届茶博会 is a count)."""
    v = _vocab()
    after = norm[end : end + 3]
    if after.startswith(v.period_keep_after):
        return False
    if after.startswith(v.period_after):
        return True
    before = norm[max(0, start - 6) : start]
    bare = before[:-1] if before.endswith(MODIFIER) else before
    if bare.endswith(v.period_before):
        return True
    if only_words:
        return False
    nxt = after[:1]
    if before.endswith(MODIFIER) and (not nxt or nxt in _CLAUSE_END_CHARS):
        return True  # 是砥砺奋进的五年。
    c0 = bounds.clause(start)[0]
    if nxt and _HAN.match(nxt) and not norm[c0:start].strip() and norm[c0 - 1 : c0] != "、":
        return True  # ,五年新设企业900家: a clause that opens with the span (not an item of a list)
    return after.startswith(v.period_verb) and not before.endswith(v.period_keep)


_YEAR_RE = re.compile(rf"(?:19|20)[0-9]{{2}}{re.escape(_YEAR.surface)}")
_BOTH_RE = regex("list_cues", "restates_after")


def _restates_items(norm: str, bounds: Boundaries, start: int, end: int) -> bool:
    """两项指标均超过, 兰州、天水两个试验区: a small count that refers back to the items just listed (均/都 after
    it, or the list right before it) restates them; it measures nothing."""
    if norm[start] not in _SMALL_COUNTS or end - start > 3:
        return False
    if _BOTH_RE.match(norm, end):
        return True
    c0 = bounds.clause(start)[0]
    if c0 < 2 or norm[c0 - 1] != "、" or not norm[c0:start] or _HAN.match(norm[start - 1]) is None:
        return False
    # 兰州 of 兰州、天水两个 (a year before it aside); 学校两所 of 学校两所、医院三所, which has its own count.
    item_before = _YEAR_RE.sub("", norm[bounds.clause(c0 - 2)[0] : c0 - 1])
    return not any(ch.isdigit() or ch in CN_NUMERAL_CHARS for ch in item_before)


# What may follow a figure where a threshold begins: 以 of 以上/以下, 及 of 及以上, a space (the empty string too).
_THRESHOLD_OPENINGS = (
    "".join(sorted({w[0] for w in terms("qualifiers", "at_least_after") + terms("qualifiers", "at_most_after")}))
    + word("not_a_figure", "threshold_and")
    + " "
)


def _names_class(norm: str, q: Mention) -> bool:
    """50户以上自然村, 10亿元以上项目, 1000Mbps及以上用户, 2000万元以上的企业: a threshold that defines a class of
    things. A count in the classifier of the things themselves counts them (实施1200个以上重点项目, 800家以上的
    企业), and a share of them is a share (70%以上的企业)."""
    if norm[q.end : q.end + 1] not in _THRESHOLD_OPENINGS or q.dimension.startswith("ratio"):
        return False  # (the common case: no 以上/以下 follows); 全区70%以上的企业 is a share of the things
    m = _patterns()["threshold"].match(norm, q.end)
    if m is None or not _vocab().class_head.search(m.group("noun")):
        return False
    if q.dimension != "count" or q.default_unit:
        return True
    sizes = _vocab().class_member.get(q.unit)
    return sizes is not None and sizes.search(m.group("noun")) is not None


def _top_share(norm: str, start: int) -> bool:
    """进入ESI排名前1%, 全球前千分之一: a share after 前 bounds a top class (the count of its members is the
    figure), not a share of anything."""
    return norm[start - 1 : start] == TOP and norm[start - 2 : start] not in _NOT_TOP


def _within_limits(q: Mention) -> bool:
    v, h = q.value, q.value_high
    return v.is_finite() and -MAX_VALUE <= v <= MAX_VALUE and (h is None or (h.is_finite() and -MAX_VALUE <= h <= MAX_VALUE))


def find_quantities(text: str, norm: str | None = None, bounds: Boundaries | None = None,
                    skipped: list[tuple[int, int, str]] | None = None) -> list[Mention]:  # fmt: skip
    """Every quantity in ``text``, sorted by start, without overlaps.

    A figure beyond ``MAX_VALUE`` in its canonical unit is left out; when ``skipped`` is given, it receives
    ``(start, end, reason)`` for each such figure, so that a document's row can say why."""
    norm = normalise(text) if norm is None else norm
    bounds = bounds or Boundaries(norm)
    pats = _patterns()
    units = load_units()
    protected = _protected_spans(norm)
    starts = [s for s, _ in protected]
    found: list[Mention] = []
    bare: list[Mention] = []

    def keep(m: Mention) -> None:
        if _inside(protected, starts, m.start, m.end) or (m.dimension == "ratio" and _top_share(norm, m.start)):
            return
        found.append(m)

    for m in finditer_at(pats["generic"], pats["generic_start"], norm):
        _generic(m, norm, bounds, units, keep, bare)
    _percent_like(norm, keep)
    _ranks(norm, keep)
    if "\t" in norm or "  " in norm or "(" in norm:
        _table_figures(norm, keep)

    found.sort(key=lambda q: (q.start, -(q.end - q.start)))
    result: list[Mention] = []
    last_end = -1
    for q in found:
        if q.start >= last_end:
            result.append(q)
            last_end = q.end
        elif q.end - q.start > result[-1].end - result[-1].start and q.start == result[-1].start:
            result[-1] = q
            last_end = q.end
    _share_list_units(norm, result, bare, protected, starts)
    _share_list_rates(norm, result)
    result = _join_ranges(norm, result)
    kept = [q for q in result if _within_limits(q)]
    if len(kept) != len(result) and skipped is not None:
        kept_starts = {q.start for q in kept}
        skipped.extend((q.start, q.end, f"value beyond the limit of {MAX_VALUE:.0e} {q.unit}")
                       for q in result if q.start not in kept_starts)  # fmt: skip
    return kept


def _join_ranges(norm: str, result: list[Mention]) -> list[Mention]:
    """5%—5.5%, 3万元至5万元: two figures of one unit joined by a range mark are one range (从5%到8% is a change:
    到 is no mark here, nor is a range after 从/由)."""
    out: list[Mention] = []
    for q in result:
        p = out[-1] if out else None
        if (p is not None and p.unit == q.unit and p.dimension != "rank" and p.qualifier == "exact"
                and p.value_high is None and q.value_high is None and p.value < q.value
                and norm[p.end : q.start].strip(" ") in _RANGE_GAPS
                and norm[p.start - 1 : p.start] not in _CHANGE_FROM):  # fmt: skip
            p.value_high, p.end, p.qualifier = q.value, q.end, "range"
            continue
        out.append(q)
    return out


def _share_list_rates(norm: str, result: list[Mention]) -> None:
    """每月720元和560元: a money figure in a list after a rate is that rate too."""
    for p, q in itertools.pairwise(result):
        if (q.dimension.startswith("money") and p.dimension == "rate" and p.unit.startswith(q.unit + "/")
                and norm[p.end : q.start].strip(" ") in tuple(LIST_SEPARATORS)):  # fmt: skip
            q.unit, q.dimension = p.unit, "rate"


@dataclass(slots=True)
class _Reading:
    """One match of the generic pattern while the steps of ``_generic`` read it: span, number, multiplier,
    unit and the words around, as each step settles them."""

    m: re.Match[str]
    ar: str | None
    cn: str | None
    start: int
    end: int
    mult_s: str
    unit_s: str | None
    unit_start: int
    up: str | None
    approx: str | None
    prev: str
    alt: str | None
    per: str | None
    gap: str | None
    signed: bool = False
    value: Decimal = Decimal(0)
    raw: str = ""
    unit: Unit | None = None


def _generic(m: re.Match[str], norm: str, bounds: Boundaries, units: dict[str, Unit], keep, bare) -> None:
    """A number with its multiplier and unit, read in named steps; a step that finds no figure drops it."""
    ar, cn, mult_s, unit_s, up, ap1, ap2, alt, per, gap = m.group(*_GENERIC_GROUPS)
    if not _worth_reading(m, cn, ar, mult_s, unit_s, norm):
        return
    start = m.start()
    r = _Reading(m, ar, cn, start, m.end(), mult_s or "", unit_s, m.start("unit"), up, ap1 or ap2,
                 norm[start - 1 : start], alt, per, gap)  # fmt: skip
    if up or r.mult_s[-1:] in _UNIT_OPENING_MULTIPLIERS:
        _settle_span(r, norm)
    if not (_read_arabic(r, norm) if r.ar else _read_chinese(r)) or not _settle_unit(r, norm, bounds, units):
        return
    q = _unitless_mention(r, norm, bare) if r.unit is None else _unit_mention(r, norm, bounds)
    if q is None:
        return
    if r.approx or r.up:
        q.qualifier = "more_than"
    # A range's separator stands just before the figure (3-5家, 3至 5家): only then is a range tried.
    if not _RANGE_SEPARATORS.isdisjoint(norm[r.start - 2 : r.start]):
        _take_range(q, r, norm)
    if q.qualifier != "range":
        _take_qualifier(q, norm)
    if _names_no_figure(q, norm):
        return
    if r.signed and q.dimension in ("ratio", "ratio_difference") and q.qualifier != "range":
        q.start -= 1
        q.value = -q.value
    if q.unit in _RANKED_UNITS:
        _take_rank_hint(q, norm)
    keep(q)


_GENERIC_GROUPS = ("ar", "cn", "mult", "unit", "up", "ap1", "ap2", "alt", "per", "gap")


def _worth_reading(m: re.Match[str], cn: str | None, ar: str | None, mult: str | None, unit: str | None,
                   norm: str) -> bool:  # fmt: skip
    """Most matches are numerals with no unit (一是, 统一, 2019-): leave them early. What stays: 万/亿 counts
    (20万在线用户) and numbers that a list may give a unit (13.1、8.6个百分点)."""
    if unit is not None:
        return True
    if cn is not None and BIG_MULTIPLIERS.isdisjoint(cn):
        return False
    return not (ar is not None and mult is None and norm[m.end() : m.end() + 2].lstrip(" ")[:1] not in LIST_SEPARATORS)


def _settle_span(r: _Reading, norm: str) -> None:
    """Where the number ends and its unit begins, and whether a 上 before it belongs to it."""
    if r.mult_s[-1:] in _UNIT_OPENING_MULTIPLIERS:
        # 0.46千克, 1.5百分点, 2千瓦时: the 百/千 the multiplier took begins a unit (as long as the one after it).
        m = r.m
        u = _patterns()["unit_at"].match(norm, m.end("mult") - 1)
        if u and u.end() >= (m.end("unit") if r.unit_s else 0):
            r.mult_s, r.unit_s, r.unit_start, r.end = r.mult_s[:-1], u.group(), u.start(), u.end()
    if r.up and not (r.cn and all(ch in MULTIPLIER_CHARS for ch in r.cn)):
        # 上 only counts before a bare multiplier: 上亿次, 上千万; elsewhere it is the verb or noun.
        r.start += 1
        r.up = None
        r.prev = UP


def _read_arabic(r: _Reading, norm: str) -> bool:
    """The value of an Arabic number with its multiplier, unless it is part of a code, a name or an ordinal."""
    prev = r.prev
    if prev and prev.isascii() and prev.isalpha() and not _glued_figure(r.mult_s, r.unit_s):
        return False  # PM2.5, C919, MB1532375 (but GDP4521.3亿元 is a figure run into its name)
    if prev and (prev in "./_#" or (prev == "-" and not r.unit_s)):
        return False  # MB1532375/2023-00025 (but 3-5万元 is a range)
    if prev == ORDINAL:
        return False
    # -0.52‰: a minus sign that follows no digit or letter is the figure's sign, not a range.
    before_sign = norm[r.start - 2 : r.start - 1]
    r.signed = prev == "-" and not ((before_sign.isascii() and before_sign.isalnum()) or before_sign in "%‰)")
    value = parse_arabic(r.ar or "")
    mult = multiplier_value(r.mult_s)
    if value is None or mult is None:
        return False
    r.value, r.raw = value * mult, r.ar or ""
    return True


def _read_chinese(r: _Reading) -> bool:
    """The value of a Chinese numeral, unless it is an ordinal (第三) or the tail of another numeral."""
    cn = r.cn or ""
    if r.prev and (r.prev == ORDINAL or r.prev in CN_NUMERAL_CHARS):
        return False
    if r.approx == SOME and cn and cn[-1] not in MULTIPLIER_CHARS:
        return False  # 几 after a digit (三几) is not a numeral
    value = parse_chinese_decimal(cn)
    if value is None:
        return False
    r.value, r.raw = value, cn
    r.mult_s = "".join(ch for ch in cn if ch in BIG_MULTIPLIERS)
    return True


def _settle_unit(r: _Reading, norm: str, bounds: Boundaries, units: dict[str, Unit]) -> bool:
    """The unit the surface after the number stands for here, or none (the span then ends before the surface);
    False when the surface makes the number no figure at all (5分 of a score, 亿度 of a temperature)."""
    unit = units.get(r.unit_s) if r.unit_s else None
    if unit is not None and r.gap and r.gap != " " and not (r.mult_s or "." in r.raw):
        unit = None  # a number at the end of a line with a classifier opening the next: not one figure
    nxt = norm[r.end : r.end + 1]
    if unit is not None and r.unit_s[-1].isascii() and r.unit_s[-1].isalpha() and nxt.isascii() and nxt.isalnum():
        unit = None  # 11410100MB1234567X: letters inside a code, not a unit (a unit ends the token)
    if unit is not None and r.per and not unit.dimension.startswith("money"):
        r.end = r.m.start("per") - 1  # 5人/户 is not a rate we know: keep the count
        r.per = None
    if unit is not None and unit.dimension == "money_rate_only" and not r.per:
        return False  # 5分 is a score, not money
    nxt = norm[r.end : r.end + 1]
    if unit is not None and not r.alt and unit.not_before and nxt and nxt in unit.not_before:
        unit = None  # 上千万家庭, 四部门: the classifier starts a noun
    if unit is not None and not _cue_ok(unit, norm, bounds, r.start, r.end):
        # A surface such as T may have another reading with its own cue (bandwidth, then data).
        unit = next((u for u in other_readings(unit.surface) if _cue_ok(u, norm, bounds, r.start, r.end)), None)
        if unit is None and r.mult_s:
            return False  # 达亿度 of a temperature: a unit word this text does not mean is no count of 个 either
    if unit is None and r.unit_s:
        end = r.unit_start
        while norm[end - 1] in " \r\n":
            end -= 1
        r.end, r.unit_s, r.alt = end, None, None
    r.unit = unit
    return True


def _unitless_mention(r: _Reading, norm: str, bare: list[Mention]) -> Mention | None:
    """A number with no unit: a count of 个 or an amount of 元 when it carries 万/亿 and a qualifier, else a
    bare number that a list may give a unit (kept in ``bare``), else nothing."""
    if r.alt:
        return None
    if r.ar and not r.mult_s:
        # A bare number: only a list can give it a unit (13.1、8.6个百分点).
        bare.append(Mention(r.start, r.end, r.value, "", "", qualifier="more_than" if r.approx else "exact"))
        return None
    if r.cn and not (r.mult_s and (r.up or r.approx or _pre_qualifier(norm, r.start))):
        if r.mult_s and not r.up:
            bare.append(Mention(r.start, r.end, r.value, "", "", qualifier="more_than" if r.approx else "exact"))
        return None
    if BIG_MULTIPLIERS.isdisjoint(r.mult_s):
        return None  # 750千 before a word that is no unit (伏, 米…) is not a count of 个
    if norm[r.end : r.end + 1] in BIG_MULTIPLIERS:
        return None  # 3.2百亿亿次: a run of multipliers this grammar cannot read is not read by half
    if _patterns()["money_before"].search(norm, max(0, r.start - 16), r.start):
        # 产值突破千亿, 生产总值迈上3万亿台阶: an amount of yuan with its 元 left out.
        u = _IMPLIED_MONEY
        return Mention(r.start, r.end, r.value, u.unit, u.dimension, has_multiplier=True)
    # 20万在线用户, 日活用户逾226万: a count with no classifier is a count of 个.
    u = _IMPLIED_COUNT
    return Mention(r.start, r.end, r.value, u.unit, u.dimension, default_unit=True, has_multiplier=True)


def _unit_mention(r: _Reading, norm: str, bounds: Boundaries) -> Mention | None:
    """The figure of a number in its unit, unless the number is a year, a class of voltage, a bare multiplier or
    (for a count or a duration) something the words around make no figure (``_rejected_by_context``)."""
    unit = r.unit
    assert unit is not None
    if _is_year(unit, r.raw):
        return None
    if (unit.is_count or unit.dimension == "duration") and _rejected_by_context(r, unit, norm, bounds):
        return None
    if r.cn and len(r.cn) == 1 and r.cn in MULTIPLIER_CHARS and not (r.up or r.approx or _pre_qualifier(norm, r.start)):
        return None  # 万元, 万吨 alone (a table's unit cell, 千家万户): a bare multiplier is a figure only with 近/超/上
    if unit.dimension == "voltage" and (_HAN.match(norm, r.end) or norm[r.end : r.end + 1] in ("、", "/")):
        return None  # 750千伏变电站, ±800千伏特高压, 110千伏、220千伏线路: a voltage class in a name, not a figure
    unit_name = unit.times if r.alt and unit.times else unit.unit
    per = r.per
    if not per and unit.dimension == "money":
        # 每月720元, 每人每年600元: money per one of the denominators stated before the figure.
        pb = _patterns()["per_before"].search(norm, max(0, r.start - 6), r.start)
        per = pb.group("den") if pb else None
    if per:
        unit_name = f"{unit.unit}/{rate_denominators()[per]}"
    dimension = "rate" if per else unit.dimension
    return Mention(r.start, r.end, r.value * unit.scale, unit_name, dimension, has_multiplier=bool(r.mult_s))


def _rejected_by_context(r: _Reading, unit: Unit, norm: str, bounds: Boundaries) -> bool:
    """Whether the words around a count or a duration make it no figure: a meeting's ordinal, a grade, the
    restated count of items just listed, the period spoken of, an addressee, a plan's name, an article."""
    cn, start, end = r.cn, r.start, r.end
    after = norm[end : end + 8]
    if "meeting" in unit.roles and _patterns()["meeting_after"].match(after):
        return True
    if cn == GRADE_NUMERAL and unit.is_count:
        return True  # 二轮, 二类: an ordinal or a grade; a count of two is 两轮, 两类
    if unit.is_count and cn and _restates_items(norm, bounds, start, end):
        return True  # 兰州、天水两个试验区; 两项指标均: the count of items just named, no figure of its own
    session = "session" in unit.roles
    if (unit.dimension == "duration" or session) and _is_period_span(norm, bounds, start, end, session):
        return True  # 过去五年, 五年来, 二十年一遇: the period spoken of, not a measured duration
    if "person" in unit.roles and r.prev == AND_OTHERS and (after.startswith(_vocab().addressee) or after[:1] == ":"):
        return True  # 王建国等12名代表, 张敏等3人: who a reply is addressed to
    if unit.dimension == "duration" and PLAN_AFTER.match(after):
        return True
    if cn and parse_chinese_decimal(cn) == 1 and len(cn) == 1:
        return True  # 一个窗口, 一次采集: 一 is an article here, not a count
    return unit.dimension == "duration" and "year" in unit.roles and bool(r.mult_s)


def _take_range(q: Mention, r: _Reading, norm: str) -> None:
    """3-5家, 3至5家, 3~5万元: a number and a range mark just before the figure make it a range."""
    rl = _patterns()["range_left"].search(norm, max(0, r.start - 16), r.start)
    if not rl or rl.end() != r.start or q.dimension == "duration":
        return
    low = parse_number((rl.group("ar") or rl.group("cn") or "") + (rl.group("mult") or ""))
    if low is not None and rl.group("cn") and parse_chinese_decimal(rl.group("cn")) is None:
        low = None
    if low is None or norm[rl.start() - 1 : rl.start()] == ORDINAL:
        return
    if not rl.group("mult") and q.has_multiplier:
        low *= multiplier_value(r.mult_s) or 1
    if r.unit_s and r.unit is not None:
        low *= r.unit.scale
    if low < q.value:
        q.value_high, q.value = q.value, low
        q.start = rl.start()
        q.qualifier = "range"


def _take_qualifier(q: Mention, norm: str) -> None:
    """The qualifier word before the figure (超过, 约) or after it (以上, 左右); 近五年 is no estimate."""
    pre = _pre_qualifier(norm, q.start)
    post = _post_qualifier(norm, q.end)
    if pre and not (pre == "approx" and q.dimension == "duration"):
        q.qualifier = pre
    elif post:
        q.qualifier = post


def _names_no_figure(q: Mention, norm: str) -> bool:
    """Whether the figure names a size class (百亿级), a web page's counter or a class of things it bounds."""
    if norm[q.end : q.end + 1] == SIZE_CLASS:
        return True  # 百亿级产业集群, 10万吨级码头: a size class in a name, not a figure
    if q.dimension == "count" and norm[q.start - 1 : q.start] in (":", " ") and _patterns()["furniture"].search(
        norm, max(0, q.start - 8), q.start
    ):
        return True  # 浏览次数：3567次, 阅读量：2.1万: a web page's counter
    return _names_class(norm, q)  # 50户以上自然村, 10亿元以上项目: the figure bounds a class of things


def _take_rank_hint(q: Mention, norm: str) -> None:
    """N位 after a verb of moving is a change in rank (晋级12位); N位/N名 after a ranking word a position."""
    if q.unit in _RANK_MOVE_UNITS and RANK_MOVE.search(norm, max(0, q.start - 4), q.start):
        before = norm[max(0, q.start - 4) : q.start]
        q.unit, q.dimension, q.hint = "rank", "rank", "rank_move"
        q.negative = before.endswith(RANK_DOWN)
    elif q.unit in _POSITION_UNITS and RANK_WORD.search(norm, max(0, q.start - 12), q.start):
        q.unit, q.dimension, q.hint = "rank", "rank", "rank"  # 排名由188位上升到141位: positions, not people


def _percent_like(norm: str, keep) -> None:
    pats = _patterns()
    hundred = Decimal(100)
    for m in (pats["percent_cn"].finditer(norm) if _PERCENT in norm else ()):
        v = parse_number(m.group("n"))
        if v is not None:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), v, "%", "ratio")))
    for m in (pats["fraction_cn"].finditer(norm) if _FRACTION in norm else ()):
        d, n = parse_number(m.group("d")), parse_number(m.group("n"))
        if d and n is not None and n <= d:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), n / d * hundred, "%", "ratio")))
    for m in (pats["fraction_ar"].finditer(norm) if "/" in norm else ()):
        if m.start() and norm[m.start() - 1] in _NOT_BEFORE_FRACTION:
            continue  # 2023/12, v1.2/3: part of a date, a version or a path
        n, d = int(m.group("n")), int(m.group("d"))
        if 0 < n < d:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), Decimal(n) / Decimal(d) * hundred, "%", "ratio")))
    for m in (pats["cheng"].finditer(norm) if _TENTH in norm else ()):
        v = parse_number(m.group("n"))
        if v:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), v * 10, "%", "ratio")))
    for m in (pats["half"].finditer(norm) if _HALF_CHAR in norm else ()):
        q = _with_qualifiers(norm, Mention(m.start(), m.end(), Decimal(50), "%", "ratio"))
        if m.group() == _OVER_HALF:
            q.qualifier = "more_than"
        keep(q)
    for m in (pats["double"].finditer(norm) if _DOUBLE_CLOSE in norm else ()):
        n = parse_number(m.group("n")) if m.group("n") else Decimal(1)
        if n:
            # 六个翻番: each of six figures doubled is one doubling; the count belongs to its span.
            k = pats["doubled_count"].search(norm, max(0, m.start() - 4), m.start())
            keep(Mention(k.start() if k else m.start(), m.end(), Decimal(2) ** int(n), _DOUBLING_UNIT.unit, _DOUBLING_UNIT.dimension))


_NUMBER_CELL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_CELL_SPLIT = re.compile(r"\t+| {2,}")
# A column's unit in its header: 产量(万吨), 同比增长(%); a column headed by a growth is in percent.
_HEADER_UNIT = re.compile(r"[((]([^()]{1,6})[))]$")
_GROWTH_HEADER = regex("table_cues", "growth_header")
_TABLE_CELL_MAX = 24


def _cell_unit(cell: str) -> tuple[Decimal, Unit] | None:
    """The multiplier and unit a table cell names: 万吨, 亿千瓦时, 吨, %."""
    units = load_units()
    cell = cell.strip()
    if cell in units:
        return Decimal(1), units[cell]
    i = 0
    while i < len(cell) and cell[i] in MULTIPLIER_CHARS:
        i += 1
    mult = multiplier_value(cell[:i])
    if i and mult and cell[i:] in units:
        return Decimal(mult), units[cell[i:]]
    return None


def _column_unit(header: str) -> tuple[Decimal, Unit] | None:
    m = _HEADER_UNIT.search(header.strip())
    if m:
        return _cell_unit(m.group(1))
    return (Decimal(1), load_units()["%"]) if _GROWTH_HEADER.search(header) else None


def _table_figures(norm: str, keep) -> None:
    """原煤  万吨  2863.4  -3.1 under 产品  单位  产量  比上年增长(%); or one cell a line under headers such as
    装机(万千瓦) and 同比增长(%) (an HTML table as the loader reads it): a number alone in a cell takes its unit
    from a unit cell of its row or from its column's header."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", norm)]
    _row_tables(lines, keep)
    _cell_line_tables(lines, keep)


def _cells(start: int, line: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in _CELL_SPLIT.split(line):
        i = line.index(part, pos) if part else pos
        if part.strip():
            lead = len(part) - len(part.lstrip())
            out.append((start + i + lead, part.strip()))
        pos = i + len(part)
    return out


def _row_tables(lines: list[tuple[int, str]], keep) -> None:
    header: list[str] = []
    for start, line in lines:
        if "\t" not in line and "  " not in line:
            header = []
            continue
        cells = _cells(start, line)
        if len(cells) < 3 or any(len(c) > _TABLE_CELL_MAX for _, c in cells):
            header = []
            continue
        numeric = [_NUMBER_CELL.fullmatch(c) is not None for _, c in cells]
        if not any(numeric):
            header = [c for _, c in cells]
            continue
        row_unit = next((u for (_, c), n in zip(cells, numeric, strict=True) if not n and (u := _cell_unit(c))), None)
        for j, ((a, c), n) in enumerate(zip(cells, numeric, strict=True)):
            if not n:
                continue
            col = _column_unit(header[j]) if len(header) == len(cells) else None
            unit = col or row_unit
            if unit is not None:
                _keep_cell(a, c, unit, keep)


def _cell_line_tables(lines: list[tuple[int, str]], keep) -> None:
    """Cells one a line: header lines (at least one with a unit), then rows of as many lines, each a label and
    numbers. The header is the widest run of short lines before the first row that its rows fit."""
    i, n = 0, len(lines)
    while i < n:
        j = i
        while j < n and len(lines[j][1].strip()) <= _TABLE_CELL_MAX and not _is_number_line(lines[j][1]):
            j += 1
        first_row = j - 1  # the first row's label stands just before the first number
        for width in range(min(first_row - i, 8), 1, -1):
            units = [_column_unit(ln) for _, ln in lines[first_row - width : first_row]]
            if any(units[1:]) and _is_row(lines[first_row : first_row + width]):
                k = first_row
                while k + width <= n and _is_row(lines[k : k + width]):
                    for (a, ln), unit in zip(lines[k + 1 : k + width], units[1:], strict=True):
                        if unit is not None:
                            c = ln.strip()
                            _keep_cell(a + ln.index(c), c, unit, keep)
                    k += width
                j = k
                break
        i = max(j, i + 1)


def _is_number_line(line: str) -> bool:
    return _NUMBER_CELL.fullmatch(line.strip()) is not None


def _is_row(row: list[tuple[int, str]]) -> bool:
    return len(row) > 1 and not _is_number_line(row[0][1]) and all(_is_number_line(ln) for _, ln in row[1:])


def _keep_cell(start: int, cell: str, unit: tuple[Decimal, Unit], keep) -> None:
    mult, u = unit
    value = parse_arabic(cell)
    if value is not None:
        keep(Mention(start, start + len(cell), value * mult * u.scale, u.unit, u.dimension))


def _ranks(norm: str, keep) -> None:
    pats = _patterns()
    last_end = -1
    for m in pats["rank"].finditer(norm):
        start, end = m.span()
        # 分别居全国第二、第七、第九: the items after the first share its cue; so does the rank a move
        # reaches (由全国第15位跃升至第8位).
        gap = norm[last_end:start] if 0 <= last_end < start else "\n"
        in_list = gap.strip(" ") in tuple(LIST_SEPARATORS) or RANK_MOVE_TO.fullmatch(gap) is not None
        if not in_list and not RANK_CUE.search(norm, max(0, start - 10), start) and not (
            m.group("suffix") in POSITION_SUFFIXES and RANK_CUE_FAR.search(norm, max(0, start - 20), start)
        ):
            continue
        if m.group() in FIRST_PLACE:
            value = Decimal(1)
        else:
            n = m.group("n")
            value = parse_arabic(n) if n[0].isdigit() else parse_chinese_decimal(n)
            if value is None or value <= 0 or value != value.to_integral_value():
                continue
            nxt = norm[end : end + 1]
            listed = nxt in LIST_SEPARATORS and norm[end + 1 : end + 2] == ORDINAL  # 第二和第五位
            if m.group("suffix") is None and not listed and (
                nxt in ORDINAL_NOUN or (nxt and nxt.isalnum() and nxt != MODIFIER)
            ):
                continue  # 第一方阵, 第23届, 第一时间
        keep(Mention(start, end, value, "rank", "rank", hint="rank"))
        last_end = end
    for m in (pats["top"].finditer(norm) if TOP in norm else ()):
        start, end = m.span()
        nxt = norm[end : end + 1]
        if m.group("suffix") is None and nxt and (nxt.isalnum() or nxt in "%‰"):
            continue  # 前三季度, 前10个月, 前1%: a span of time or a share, not a top-N
        if not RANK_CUE.search(norm, max(0, start - 10), start):
            continue
        n = m.group("n")
        value = parse_arabic(n) if n[0].isdigit() else parse_chinese_decimal(n)
        if value:  # 进入全国前8位: a rank of at most 8
            keep(Mention(start, end, value, "rank", "rank", qualifier="less_than", hint="rank"))


def _with_qualifiers(norm: str, q: Mention) -> Mention:
    pre = _pre_qualifier(norm, q.start)
    post = _post_qualifier(norm, q.end)
    q.qualifier = pre or post or q.qualifier
    return q


def _share_list_units(norm, result, bare, protected, starts) -> None:
    """Give a bare number the unit of the list it stands in: 13.1、8.6个百分点; 1409万、1305万人次."""
    if not result:
        return
    by_start = {q.start: q for q in result}
    candidates = sorted(bare + [q for q in result if q.default_unit], key=lambda q: -q.start)
    for b in candidates:
        if _inside(protected, starts, b.start, b.end):
            continue
        j = b.end
        while j < len(norm) and norm[j] == " ":
            j += 1
        if j >= len(norm) or norm[j] not in LIST_SEPARATORS:
            continue
        j += 1
        while j < len(norm) and norm[j] == " ":
            j += 1
        nxt = by_start.get(j)
        if nxt is None or nxt.default_unit or nxt.dimension in ("rank", "duration"):
            continue
        if b.default_unit:
            b.unit, b.dimension, b.default_unit = nxt.unit, nxt.dimension, False
            continue
        if nxt.unit in _SCALED_UNITS:
            continue  # its scale lives in the surface unit or a 万/亿 (units.csv): too risky to guess
        b.unit, b.dimension = nxt.unit, nxt.dimension
        if b.start not in by_start:
            result.append(b)
            by_start[b.start] = b
    result.sort(key=lambda q: q.start)
