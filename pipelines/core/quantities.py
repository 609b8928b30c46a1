"""Find every quantity in a text and normalise it to a value in its canonical unit.

All patterns run on the length-preserving normalised copy of the text (``text.normalise``), so
spans are offsets into the original. The result is a list of ``Mention``: span, exact value,
canonical unit, qualifier, plus hints (sign words, rank) that attribution turns into a kind.
"""

from __future__ import annotations

import bisect
import re
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

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
from .units import Unit, load_units, rate_denominators, unit_alternation

AR = r"\d+(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?"
CN = rf"[{CN_NUMERAL_CHARS}]+(?:点[{CN_DIGIT_CHARS}]+)?"
# A multiplier run: 万, 亿, 万亿, 千万, 百亿... (never 亿千: in 1000亿千瓦时 the 千 belongs to the unit).
MULT = "(?:[十百千]?(?:万亿|亿|万)|[十百千])"

# Qualifier words, longest first. Words before the number are outside the span (as in the gold).
PRE_QUALIFIERS: list[tuple[str, str]] = sorted(
    [
        ("超过", "more_than"), ("超出", "more_than"), ("逾", "more_than"), ("突破", "more_than"),
        ("超", "more_than"), ("多于", "more_than"), ("不低于", "more_than"), ("不少于", "more_than"),
        ("至少", "more_than"), ("大于", "more_than"),
        ("约", "approx"), ("大约", "approx"), ("近", "approx"), ("将近", "approx"), ("接近", "approx"),
        ("约为", "approx"), ("大概", "approx"), ("近乎", "approx"),
        ("不到", "less_than"), ("不足", "less_than"), ("低于", "less_than"), ("少于", "less_than"),
        ("不超过", "less_than"), ("小于", "less_than"), ("未满", "less_than"),
    ],
    key=lambda kv: -len(kv[0]),
)  # fmt: skip
_PRE_QUALIFIER_OF = dict(PRE_QUALIFIERS)
_PRE_QUALIFIER_LENGTHS = sorted({len(w) for w, _ in PRE_QUALIFIERS}, reverse=True)
POST_QUALIFIERS: list[tuple[str, str]] = [
    ("以上", "more_than"), ("之多", "more_than"), ("有余", "more_than"),
    ("左右", "approx"), ("上下", "approx"),
    ("以下", "less_than"), ("以内", "less_than"), ("之内", "less_than"),
]  # fmt: skip

_POST_QUALIFIER_OF = dict(POST_QUALIFIERS)
assert {len(w) for w in _POST_QUALIFIER_OF} == {2}, "_post_qualifier looks up two characters"
# Words after 次/届 that make the number an ordinal of a meeting, not a count (十四届五次会议).
MEETING_AFTER = re.compile(
    r"(?:[" + CN_NUMERAL_CHARS + r"\d]+[次中])?(?:会议|全会|全体会议|代表大会|常委会|党代会|会上|人大|政协|人民|全国|中央|委员)"
)
# 约/近 end these words, where they are not qualifiers (签约34个, 最近3年).
NOT_QUALIFIER_WORDS = ("签约", "节约", "制约", "合约", "预约", "公约", "条约", "契约", "履约", "违约", "特约",
                       "集约", "简约", "相约", "邀约", "最近", "附近", "临近", "就近", "邻近", "亲近", "靠近")
# N年 followed by these names a plan (三年行动计划), not a duration.
PLAN_AFTER = re.compile(r"(?:行动|计划|规划|攻坚|专项|工程|倍增)")
# Cues for a rank: 居全国第一, 排名第七, 位列全省第一, 全国第10.
RANK_CUE = re.compile(r"(?:居|排名?|列|跻身|全国|全省|全市|全区|全球|世界|国内|中部|西部|东北|省内|榜)[^,;。!?、]{0,6}$")
# Words before N位/N名 that make it a change in rank (晋级12位).
RANK_MOVE = re.compile(r"(?:晋级|晋升|提升|上升|前进|跃升|提高|下降|下滑|后退|退后|跌落)$")
RANK_DOWN = ("下降", "下滑", "后退", "退后", "跌落")
# After an ordinal these make it a sequence number, not a rank.
ORDINAL_NOUN = set("届期批号条款章节代轮季次版")
LIST_SEPARATORS = "、和与及或"
_RANGE_SEPARATORS = frozenset("-~至到—―")
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


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    units = unit_alternation()
    first = re.escape("".join(sorted({s[0] for s in load_units()})))
    per = "|".join(re.escape(s) for s in sorted(rate_denominators(), key=len, reverse=True))
    generic = (
        r"(?P<up>上)?"
        # A Chinese numeral is worth a look only when a unit, 多/余/几, or 万/亿 follows or ends it:
        # the lookahead drops the thousands of 一是, 统一, 之一 before any Python runs.
        rf"(?:(?P<ar>{AR})(?P<ap1>多|余)?(?P<mult>{MULT})?|(?P<cn>{CN})(?:(?<=[万亿])|(?=[多余几 {first}])))"
        r"(?P<ap2>多|余|几)?"
        rf"(?:[ ]?(?P<unit>{units})(?:/(?P<per>{per}))?)?"
        # 辆（艘、架、列）次: classifiers listed in brackets before a trailing 次.
        r"(?P<alt>\((?:[^()\n]{1,3}、){1,4}[^()\n]{1,3}\)次)?"
    )
    return {
        "generic": re.compile(generic),
        # Every generic match starts with 上 or a numeral (see ``finditer_at``), never at a digit after a
        # digit: a match that takes a digit takes the digits around it.
        "generic_start": re.compile(rf"[上\d{CN_NUMERAL_CHARS}](?<!\d\d)"),
        "percent_cn": re.compile(rf"百分之(?P<n>{CN}|{AR})"),
        "fraction_cn": re.compile(rf"(?P<d>[{CN_NUMERAL_CHARS}]+|\d+)分之(?P<n>[{CN_NUMERAL_CHARS}]+|\d+)"),
        # These two begin with a class so that re can skip ahead to it; what may stand before the
        # number is checked after it (a lookbehind first would be tried at every position).
        "fraction_ar": re.compile(r"(?P<n>\d\d?\d?)/(?P<d>\d{1,3})(?![A-Za-z0-9/.\-])"),
        "cheng": re.compile(rf"(?P<n>[1-9{CN_DIGIT_CHARS}])(?<![\d{CN_NUMERAL_CHARS}].)成(?!不变|本|员|果|立|为|功|交|都|绩)"),
        "half": re.compile(r"一半|过半|半数"),
        "double": re.compile(rf"翻(?P<n>[{CN_DIGIT_CHARS}]|\d)?番"),
        "rank": re.compile(rf"第(?P<n>{AR}|[{CN_NUMERAL_CHARS}]+)(?P<suffix>位|名|个)?|首位|榜首"),
        "range_left": re.compile(
            rf"(?:(?P<ar>{AR})(?P<mult>{MULT})?|(?P<cn>[{CN_NUMERAL_CHARS}]+))[ ]?(?:-|~|至|到|—|―)[ ]?$"
        ),
        "quote_open": re.compile(r"[“《「『\"]"),
        "fixed": _fixed_expressions(),
    }


def _fixed_expressions() -> re.Pattern[str]:
    """Idioms and slogans that contain a numeral and a classifier but state no quantity."""
    text = resources.files("pipelines.core").joinpath("data/fixed_expressions.txt").read_text(encoding="utf-8")
    words = [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


CLAUSE_END_RE = re.compile(r"[。!?;\n,、:]")
_SENTENCE_END_CHARS = frozenset("。!?\n")
_STATEMENT_END_CHARS = frozenset("。!?;\n")


class Boundaries:
    """Clause, statement and sentence boundaries of one normalised text, for cheap look-ups by offset.

    A clause ends at any punctuation; a statement at ; as well as at the end of a sentence (the parts of
    a ;-list speak of different things); a sentence only at 。!? or a line break (a year stated at its
    start holds across its ;-parts)."""

    def __init__(self, norm: str) -> None:
        # One scan: sentence and statement ends are clause ends of a narrower kind.
        self.clause_ends = [m.start() for m in CLAUSE_END_RE.finditer(norm)]
        self.sentence_ends = [i for i in self.clause_ends if norm[i] in _SENTENCE_END_CHARS]
        self.statement_ends = (
            [i for i in self.clause_ends if norm[i] in _STATEMENT_END_CHARS] if ";" in norm else self.sentence_ends
        )
        self.n = len(norm)
        # The text's end closes the last span of each kind.
        for ends in (self.clause_ends, self.sentence_ends, self.statement_ends):
            if not ends or ends[-1] != self.n:
                ends.append(self.n)

    # Each look-up is called several times per figure: one bisect, no helper call.
    def clause(self, pos: int) -> tuple[int, int]:
        ends = self.clause_ends
        i = bisect_left(ends, pos)
        return (ends[i - 1] + 1 if i else 0), ends[i]

    def statement(self, pos: int) -> tuple[int, int]:
        ends = self.statement_ends
        i = bisect_left(ends, pos)
        return (ends[i - 1] + 1 if i else 0), ends[i]

    def sentence(self, pos: int) -> tuple[int, int]:
        ends = self.sentence_ends
        i = bisect_left(ends, pos)
        return (ends[i - 1] + 1 if i else 0), ends[i]


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


SCOPE_WORDS = ("全球", "全国", "全省", "全市", "世界")
_PRE_QUALIFIER_LAST = frozenset(w[-1] for w in (*_PRE_QUALIFIER_OF, *SCOPE_WORDS))


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
    """A four-digit year, a Chinese-numeral year (二〇二二年) or 2021年度/年底."""
    if unit is None or unit.unit != "年":
        return False
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return True
    return len(raw) == 4 and all(ch in CN_DIGITS for ch in raw)


def _cue_ok(unit: Unit, norm: str, bounds: Boundaries, start: int, end: int) -> bool:
    if unit.cue is None:
        return True
    # A bare letter must end the token: 1620G, but not 5G网络.
    nxt = norm[end : end + 1]
    if nxt and nxt.isalnum() and nxt not in "的以左带出":
        return False
    s, e = bounds.statement(start)
    return bool(unit.cue.search(norm, s, e))


def find_quantities(text: str, norm: str | None = None, bounds: Boundaries | None = None) -> list[Mention]:
    """Every quantity in ``text``, sorted by start, without overlaps."""
    norm = normalise(text) if norm is None else norm
    bounds = bounds or Boundaries(norm)
    pats = _patterns()
    units = load_units()
    protected = _protected_spans(norm)
    starts = [s for s, _ in protected]
    found: list[Mention] = []
    bare: list[Mention] = []

    def keep(m: Mention) -> None:
        if not _inside(protected, starts, m.start, m.end):
            found.append(m)

    for m in finditer_at(pats["generic"], pats["generic_start"], norm):
        _generic(m, norm, bounds, units, keep, bare)
    _percent_like(norm, keep)
    _ranks(norm, keep)

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
    return result


def _generic(m, norm, bounds, units, keep, bare) -> None:  # noqa: C901 - one grammar, many cases
    ar, cn, unit_s = m.group("ar", "cn", "unit")
    if unit_s is None:
        # Most matches are numerals with no unit (一是, 统一, 2019-): leave them early. What stays:
        # 万/亿 counts (20万在线用户) and numbers that a list may give a unit (13.1、8.6个百分点).
        if cn is not None and "万" not in cn and "亿" not in cn:
            return
        if ar is not None and m.group("mult") is None and norm[m.end() : m.end() + 2].lstrip(" ")[:1] not in LIST_SEPARATORS:
            return
    start, end = m.span()
    mult_s = m.group("mult") or ""
    up = m.group("up")
    approx = m.group("ap1") or m.group("ap2")
    prev = norm[start - 1 : start]
    if up and not (cn and all(ch in "十百千万亿" for ch in cn)):
        # 上 only counts before a bare multiplier: 上亿次, 上千万; elsewhere it is the verb or noun.
        start += 1
        up = None
        prev = "上"
    if ar:
        if prev and ((prev.isascii() and prev.isalpha()) or prev in "./_#" or (prev == "-" and not unit_s)):
            return  # PM2.5, C919, MB1532375/2023-00025 (but 3-5万元 is a range)
        if prev == "第":
            return
        value = parse_arabic(ar)
        mult = multiplier_value(mult_s)
        if value is None or mult is None:
            return
        value *= mult
        raw = ar
    else:
        if prev and (prev == "第" or prev in CN_NUMERAL_CHARS):
            return
        if approx == "几" and cn and cn[-1] not in "十百千万亿":
            return  # 几 after a digit (三几) is not a numeral
        value = parse_chinese_decimal(cn)
        if value is None:
            return
        raw = cn
        mult_s = "".join(ch for ch in cn if ch in "万亿")
    unit = units.get(unit_s) if unit_s else None
    if unit is not None and unit_s[-1].isascii() and unit_s[-1].isalpha() and norm[end : end + 1].isascii() \
            and norm[end : end + 1].isalnum():
        unit = None  # 11410100MB1234567X: letters inside a code, not a unit (a unit ends the token)
    alt = m.group("alt")
    per = m.group("per")
    if unit is not None and per and not unit.dimension.startswith("money"):
        end = m.start("per") - 1  # 5人/户 is not a rate we know: keep the count
        per = None
    if unit is not None and unit.dimension == "money_rate_only" and not per:
        return  # 5分 is a score, not money
    if unit is not None and not alt and unit.not_before and norm[end : end + 1] and norm[end : end + 1] in unit.not_before:
        unit = None  # 上千万家庭, 四部门: the classifier starts a noun
    if unit is not None and not _cue_ok(unit, norm, bounds, start, end):
        unit = None
    if unit is None and unit_s:
        end = m.start("unit")
        while norm[end - 1] == " ":
            end -= 1
        unit_s, alt = None, None
    if unit is None:
        if alt:
            return
        if ar and not mult_s:
            # A bare number: only a list can give it a unit (13.1、8.6个百分点).
            bare.append(Mention(start, end, value, "", "", qualifier="more_than" if approx else "exact"))
            return
        if cn and not (mult_s and (up or approx or _pre_qualifier(norm, start))):
            if cn and mult_s and not up:
                bare.append(Mention(start, end, value, "", "", qualifier="more_than" if approx else "exact"))
            return
        if not mult_s:
            return
        # 20万在线用户, 日活用户逾226万: a count with no classifier is a count of 个.
        unit = units["个"]
        q = Mention(start, end, value, "个", "count", default_unit=True, has_multiplier=True)
    else:
        if _is_year(unit, raw):
            return
        if unit.is_count or unit.dimension == "duration":
            after = norm[end : end + 8]
            if unit.unit in ("次", "届") and MEETING_AFTER.match(after):
                return
            if unit.unit == "届" and prev == "第":
                return
            if unit.dimension == "duration" and PLAN_AFTER.match(after):
                return
            if cn and parse_chinese_decimal(cn) == 1 and len(cn) == 1:
                return  # 一个窗口, 一次采集: 一 is an article here, not a count
            if cn and len(cn) == 1 and cn in "十百千万亿" and not (up or approx or _pre_qualifier(norm, start)):
                return  # 千家万户, 百场: a bare multiplier is a figure only with 近/超/上/余
            if unit.dimension == "duration" and unit.unit == "年" and mult_s:
                return
        if (unit.dimension == "money" and cn and len(cn) == 1 and cn in "十百千万亿"
                and not (up or approx or _pre_qualifier(norm, start))):  # fmt: skip
            return
        value = value * unit.scale
        unit_name = unit.unit
        if alt and unit.unit + "次" in load_units():
            unit_name = unit.unit + "次"
        if per:
            unit_name = f"{unit.unit}/{rate_denominators()[per]}"
        dimension = "rate" if per else unit.dimension
        q = Mention(start, end, value, unit_name, dimension, has_multiplier=bool(mult_s))
    if approx or up:
        q.qualifier = "more_than"
    # Ranges: 3-5家, 3至5家, 3~5万元.
    # A range's separator stands just before the figure (3-5家, 3至 5家): only then is range_left tried.
    rl = None
    if not _RANGE_SEPARATORS.isdisjoint(norm[start - 2 : start]):
        rl = _patterns()["range_left"].search(norm, max(0, start - 16), start)
    if rl and rl.end() == start and q.dimension not in ("duration",):
        low = parse_number((rl.group("ar") or rl.group("cn") or "") + (rl.group("mult") or ""))
        if low is not None and rl.group("cn") and parse_chinese_decimal(rl.group("cn")) is None:
            low = None
        if low is not None and norm[rl.start() - 1 : rl.start()] != "第":
            if not rl.group("mult") and q.has_multiplier:
                low *= multiplier_value(mult_s) or 1
            low *= units[unit_s].scale if unit_s else 1
            if low < q.value:
                q.value_high, q.value = q.value, low
                q.start = rl.start()
                q.qualifier = "range"
    if q.qualifier != "range":
        pre = _pre_qualifier(norm, q.start)
        post = _post_qualifier(norm, q.end)
        if pre and not (pre == "approx" and q.dimension == "duration"):
            q.qualifier = pre
        elif post:
            q.qualifier = post
    if norm[q.end : q.end + 1] == "级":
        return  # 百亿级产业集群, 10万吨级码头: a size class in a name, not a figure
    if q.unit == "位" and RANK_MOVE.search(norm, max(0, q.start - 4), q.start):
        before = norm[max(0, q.start - 4) : q.start]
        q.unit, q.dimension, q.hint = "rank", "rank", "rank_move"
        q.negative = before.endswith(RANK_DOWN)
    keep(q)


def _percent_like(norm: str, keep) -> None:
    pats = _patterns()
    hundred = Decimal(100)
    for m in (pats["percent_cn"].finditer(norm) if "百分之" in norm else ()):
        v = parse_number(m.group("n"))
        if v is not None:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), v, "%", "ratio")))
    for m in (pats["fraction_cn"].finditer(norm) if "分之" in norm else ()):
        d, n = parse_number(m.group("d")), parse_number(m.group("n"))
        if d and n is not None and n <= d:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), n / d * hundred, "%", "ratio")))
    for m in (pats["fraction_ar"].finditer(norm) if "/" in norm else ()):
        if m.start() and norm[m.start() - 1] in _NOT_BEFORE_FRACTION:
            continue  # 2023/12, v1.2/3: part of a date, a version or a path
        n, d = int(m.group("n")), int(m.group("d"))
        if 0 < n < d:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), Decimal(n) / Decimal(d) * hundred, "%", "ratio")))
    for m in (pats["cheng"].finditer(norm) if "成" in norm else ()):
        v = parse_number(m.group("n"))
        if v:
            keep(_with_qualifiers(norm, Mention(m.start(), m.end(), v * 10, "%", "ratio")))
    for m in (pats["half"].finditer(norm) if "半" in norm else ()):
        q = _with_qualifiers(norm, Mention(m.start(), m.end(), Decimal(50), "%", "ratio"))
        if m.group() == "过半":
            q.qualifier = "more_than"
        keep(q)
    for m in (pats["double"].finditer(norm) if "番" in norm else ()):
        n = parse_number(m.group("n")) if m.group("n") else Decimal(1)
        if n:
            keep(Mention(m.start(), m.end(), Decimal(2) ** int(n), "倍", "multiple"))


def _ranks(norm: str, keep) -> None:
    for m in _patterns()["rank"].finditer(norm):
        start, end = m.span()
        if not RANK_CUE.search(norm, max(0, start - 10), start):
            continue
        if m.group() in ("首位", "榜首"):
            value = Decimal(1)
        else:
            n = m.group("n")
            value = parse_arabic(n) if n[0].isdigit() else parse_chinese_decimal(n)
            if value is None or value <= 0 or value != value.to_integral_value():
                continue
            nxt = norm[end : end + 1]
            if m.group("suffix") is None and (nxt in ORDINAL_NOUN or (nxt and nxt.isalnum() and nxt != "的")):
                continue  # 第一方阵, 第23届, 第一时间
        keep(Mention(start, end, value, "rank", "rank", hint="rank"))


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
        scale = Decimal(1)
        if nxt.unit in ("CNY", "USD", "EUR", "HKD", "t", "m", "m2", "byte", "W", "Wh", "bit/s", "flops"):
            continue  # their scale lives in the surface unit; too risky to guess
        b.unit, b.dimension = nxt.unit, nxt.dimension
        b.value *= scale
        if b.start not in by_start:
            result.append(b)
            by_start[b.start] = b
    result.sort(key=lambda q: q.start)
