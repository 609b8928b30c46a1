"""Attribute each quantity: kind, sign, region, period and metric, from the words around it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import NamedTuple

import regex

from . import vocab
from .context import DocumentContext, Section, since
from .layout import EXCERPT_REACH, Boundaries, SpanSet
from .metrics import MetricCatalog, metric_catalog
from .numerals import to_json_number
from .periods import Period, find_periods, is_comparison, parts_of_year, relative_years
from .quantities import Mention
from .regions import NATIONAL_REF, Gazetteer, Region, RegionIndex, RegionMention, gazetteer
from .vocab import alternation, words

# Words are read from the concept files under data/ (growth_cues, comparison_cues, plan_cues, period_cues,
# label_words, place_roles .toml); the code keeps the reaches and the order the cues are read in.


def _words_in(source: str) -> list[str]:
    """The words of a composed pattern (its runs of word characters): what its alternatives end with and
    how long they are."""
    return re.findall(r"\w+", source)


# --- kind -----------------------------------------------------------------------------------
GROWTH_RE = vocab.regex("growth_cues", "growth")
GROWTH_FALL_RE = vocab.regex("growth_cues", "growth_fall")
RATE_UNITS = frozenset(vocab.terms("growth_cues", "rate_units"))
DIFF_SIGN_RE = vocab.regex("growth_cues", "difference_sign")
DIFF_FALL_RE = vocab.regex("growth_cues", "difference_fall")
COUNT_FALL_RE = vocab.regex("growth_cues", "count_fall")
COUNT_RISE_RE = vocab.regex("growth_cues", "count_rise")
COMPARISON_TAIL_RE = vocab.regex("comparison_cues", "tail")
TARGET_RE = vocab.regex("plan_cues", "target")
CHANGE_TO_RE = vocab.regex("growth_cues", "change_to")
FROM_RE = vocab.regex("period_cues", "from_end")
AVERAGE_RE = vocab.regex("period_cues", "average")
FROM_YEAR_RE = vocab.regex("period_cues", "from_year")
PERIOD_TAIL_RE = vocab.regex("period_cues", "tail")
TARGET_LEAD_RE = vocab.regex("plan_cues", "target_lead")
BASE_GAP_RE = vocab.regex("period_cues", "base_gap")
PAST_RE = vocab.regex("plan_cues", "done")
PART_OF_YEAR_MARKS = vocab.terms("period_cues", "part_of_year_marks")
CUE_WINDOW = 60
WHOLE_REGION_RE = vocab.regex("label_words", "whole_region")
REGION_REACH = 400  # a statement's subject is named within this many characters before its figure
LEAD_REACH = 24  # lead words before a clause's subject (其中, 在, 截至目前) are short
FRAME_WINDOW = 80  # 在…的情况下 spans a few dozen characters
RUNNING_TOTAL_RE = vocab.regex("plan_cues", "running_total")
BOOK_ONLY_RE = re.compile(r"《[^》\n]{0,80}》")
BOOK_TITLE_RE = re.compile(r"《[^》\n]{0,60}》|“[^”\n]{0,30}”")

# --- metric label ---------------------------------------------------------------------------
TRAIL_RE = vocab.regex("label_words", "trailing")
# The characters a trailing word can end with: a text ending in anything else has nothing to strip.
_TRAIL_LAST = frozenset(w[-1] for w in _words_in(TRAIL_RE.pattern))
LEAD_RE = vocab.regex("label_words", "lead")
# A quantity after one of these verbs counts what follows it (培育了35家服务商): the noun after is the metric.
VERB_BEFORE_RE = vocab.regex("label_words", "verb_before")
# How far from the end of a text a match of an end-anchored pattern can start: a search from there
# finds the same match (from the start, the alternation would be tried at every position).
_GROWTH_REACH = max(map(len, _words_in(vocab.pattern("growth_cues", "growth_verb")))) + 8 + 1
_VERB_REACH = max(map(len, vocab.terms("label_words", "verbs_before"))) + 1
TAIL_LEVEL_RE = vocab.regex("growth_cues", "growth_to_level")
LIST_SEP_RE = vocab.regex("label_words", "place_list_separator")
LIST_ITEM_SEPARATORS = frozenset((*vocab.terms("label_words", "joiners"), *vocab.terms("label_words", "conjunctions")))
RANK_SUBJECT_RE = vocab.regex("label_words", "rank_subject")
NOUN_AFTER_RE = vocab.regex("label_words", "noun_after")
AFTER_LEAD_RE = vocab.regex("label_words", "after_figure")
SCOPE_SHARE_RE = vocab.regex("label_words", "scope_share")
IN_SCOPE_END_RE = vocab.regex("label_words", "in_scope_end")
SHARE_WORD_RE = vocab.regex("label_words", "share_word")
QUALIFYING_LABEL_RE = vocab.regex("label_words", "qualifying_label")
COMPARE_RE = vocab.regex("comparison_cues", "compares")
SUBJECT_CUT_RE = vocab.regex("label_words", "subject_cut")
SUBJECT_SUFFIX_RE = vocab.regex("label_words", "subject_suffix")
GENERIC_RE = vocab.regex("label_words", "generic")
MAX_LABEL = 20
METRIC_HEADS = tuple(sorted(words("metric_heads.txt"), key=len, reverse=True))  # the longest head first
RESPECTIVE = vocab.word("label_words", "respective")
MEMBERS = vocab.word("label_words", "members")
AT = vocab.word("label_words", "at")
SHARE_VERB = vocab.word("label_words", "share_verb")
SHARE_OF_WHOLE = vocab.word("label_words", "share_of_whole")
GROWTH_SUFFIX = vocab.word("label_words", "growth_suffix")
GROWTH_ENDINGS = (GROWTH_SUFFIX, *vocab.terms("label_words", "rate_words"), *vocab.terms("growth_cues", "grew"))
SHARE_SUFFIX = vocab.word("label_words", "share_suffix")
RANK_SUFFIX = vocab.word("label_words", "rank_suffix")
DIFFERENCE_SUFFIX = vocab.word("label_words", "difference_suffix")
RANK_RISE = vocab.word("label_words", "rank_rise")
RANK_FALL = vocab.word("label_words", "rank_fall")
FRAME_RE = vocab.regex("label_words", "frame")
INDUCED_RE = vocab.regex("label_words", "induced")  # 带动某地进出口: the verb up to MAX_LABEL characters before
MILESTONE_RE = vocab.regex("label_words", "milestone")

# --- region ---------------------------------------------------------------------------------
BEFORE_BASE_RE = vocab.regex("comparison_cues", "before_base")
SCOPE_BEFORE_RE = vocab.regex("place_roles", "scope_before")
ORDINAL_AFTER = frozenset(vocab.terms("place_roles", "ordinal_after"))
PEOPLE_AFTER_RE = vocab.regex("place_roles", "people_after")
ORDINAL_BEFORE_RE = vocab.regex("place_roles", "ordinal_before")


@dataclass(slots=True)
class Fact:
    doc: str
    start: int
    end: int
    text: str
    value: float | int
    unit: str
    qualifier: str
    kind: str
    metric: str
    metric_id: str | None
    region: str | None
    region_code: str | None
    period: str | None
    sentence: str
    value_high: float | int | None = None
    # Why the fact has its region and period: clause or sentence (stated next to the figure), paragraph
    # (an opener such as 过去一年), heading, document (its header or date), none (unknown).
    region_source: str = "none"
    period_source: str = "none"

    def as_json(self) -> dict[str, object]:
        d: dict[str, object] = {
            "doc": self.doc, "start": self.start, "end": self.end, "text": self.text,
            "value": self.value, "unit": self.unit, "qualifier": self.qualifier, "kind": self.kind,
            "metric": self.metric, "region": self.region, "period": self.period,
        }  # fmt: skip
        if self.value_high is not None:
            d["value_high"] = self.value_high
        d["metric_id"] = self.metric_id
        d["region_code"] = self.region_code
        d["region_source"] = self.region_source
        d["period_source"] = self.period_source
        return d


class DocContext:
    """Everything attribution needs to know about one document, computed once."""

    def __init__(self, doc_id: str, text: str, norm: str, bounds: Boundaries, gaz: Gazetteer,
                 doc: DocumentContext, mentions: list[RegionMention] | None = None,
                 periods: list[Period] | None = None) -> None:  # fmt: skip
        self.doc_id, self.text, self.norm, self.bounds, self.gaz = doc_id, text, norm, bounds, gaz
        self.doc = doc
        self.region = doc.region
        self.doc_year = doc.reference_year
        self.regions = RegionIndex(gaz.mentions(norm) if mentions is None else mentions)
        quoted = [(q.start(), q.end()) for q in BOOK_TITLE_RE.finditer(norm)] if "“" in norm or "《" in norm else []
        self.quoted = SpanSet(quoted)
        titles = [(t.start(), t.end()) for t in BOOK_ONLY_RE.finditer(norm)] if "《" in norm else []
        title_starts = [a for a, _ in titles]
        periods = find_periods(norm) if periods is None else periods
        self.periods = [p for p in periods if not is_comparison(norm, p)
                        and not _in_title(p.start, titles, title_starts)]  # fmt: skip
        self.period_starts = [p.start for p in self.periods]
        self.all_periods = sorted(periods, key=lambda p: p.end)
        self.all_period_ends = [p.end for p in self.all_periods]
        self.relative = relative_years(norm) if self.doc_year else []
        self.relative_starts = [r[0] for r in self.relative]
        self.parts = parts_of_year(norm) if any(w in norm for w in PART_OF_YEAR_MARKS) else []
        self.part_starts = [p[0] for p in self.parts]

    def sentence(self, pos: int) -> tuple[int, int]:
        return self.bounds.sentence(pos)

    def section_at(self, pos: int) -> Section | None:
        return self.doc.section_at(pos)


def _in_title(pos: int, titles: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether ``pos`` lies inside one of the (non-overlapping, sorted) book titles."""
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and pos < titles[i][1]


def _rstrip_words(s: str, window: int = 16) -> str:
    """TRAIL_RE.sub("", s), on a window at the end: an end-anchored pattern would otherwise be tried at
    every position of a long clause."""
    while s:
        if s[-1] not in _TRAIL_LAST and not s[-1].isspace():
            return s
        head, tail = s[:-window], s[-window:]
        stripped = TRAIL_RE.sub("", tail)
        if stripped or not head:
            return head + stripped
        s = head  # the whole window was function words: go on into the head
    return s


def _verb_before(s: str) -> bool:
    return VERB_BEFORE_RE.search(s, max(0, len(s) - _VERB_REACH)) is not None


def _strip_titles(s: str) -> str:
    if "《" not in s and "“" not in s:
        return s
    return BOOK_TITLE_RE.sub("", s)


def kind_and_sign(m: Mention, clause_before: str, sentence_before: str, ctx: DocContext) -> tuple[str, bool]:
    """The kind of a figure and whether its value is a fall (negative)."""
    if m.hint == "rank":
        return "rank", False
    if m.hint == "rank_move":
        return "difference", m.negative
    if m.unit == "pp":
        signs = DIFF_SIGN_RE.findall(clause_before) or DIFF_SIGN_RE.findall(sentence_before[-30:])
        return "difference", bool(signs) and DIFF_FALL_RE.fullmatch(signs[-1]) is not None
    g = GROWTH_RE.search(clause_before, max(0, len(clause_before) - _GROWTH_REACH))
    clause_before = clause_before[-CUE_WINDOW:]  # the cues that matter are near the figure (a line may be 200 KB)
    # A planned value (力争, 到2025年, 主要预期目标是:, a 下一步 section) is a target: a level, a share or a
    # planned growth rate alike.
    plain = _strip_titles(sentence_before[-120:])  # a window: the cues that matter are near the figure
    section = ctx.section_at(m.start)
    base = "level"
    if m.unit in RATE_UNITS:
        if g and not TAIL_LEVEL_RE.search(g.group("tail")):
            # a growth is planned only by a cue in its own clause, a 目标是: lead or a plan section
            if _planned(clause_before, clause_before, section) or TARGET_LEAD_RE.search(plain):
                return "target", False
            return "growth", GROWTH_FALL_RE.fullmatch(g.group("verb")) is not None
        base = "share" if m.unit == "%" else "level"
    elif COUNT_FALL_RE.search(clause_before, max(0, len(clause_before) - 3)):  # end-anchored, words of 2
        return "difference", True
    elif m.dimension != "duration" and COUNT_RISE_RE.search(clause_before[-24:]):
        return "difference", False
    # the cue must stand in the figure's own statement: a ;-part speaks of its own thing (有望翻一番…;比重提高到)
    reach = min(40, m.start - ctx.bounds.statement(m.start)[0])
    own = plain[-reach:] if reach > 0 else ""
    return ("target" if _planned(clause_before, own, section) else base), False


def _planned(clause_before: str, window: str, section: Section | None) -> bool:
    """A target cue in the window before the figure, or a section that plans, and no sign of a result."""
    if PAST_RE.search(clause_before):
        return False
    if TARGET_RE.search(window):
        return True
    return section is not None and section.future and not PAST_RE.search(window)


def list_item_kind(m: Mention, prev: Mention | None, prev_kind: tuple[str, bool], ctx: DocContext
                   ) -> tuple[str, bool] | None:  # fmt: skip
    """分别下降65.3%、58.3%; 分别增长4.2%、5.0%、6.7%: a figure that follows another of its unit across a list
    separator alone has no cue of its own; it shares the kind and sign of the one before."""
    if prev is None or prev.unit != m.unit or m.hint:
        return None
    gap = ctx.norm[prev.end : m.start].strip(" ")
    if gap and (len(gap) > 1 or gap not in LIST_ITEM_SEPARATORS):
        return None
    return prev_kind


def period_of(m: Mention, kind: str, sent_start: int, ctx: DocContext) -> tuple[str | None, str]:
    """The period of a figure and where it came from. A half or quarter named in the sentence without a
    year (上半年, 一季度) narrows the year found (2022H1). A level, share or rank under a span (十四五时期,
    过去五年) is where it stands at the span's end; a growth or a running total is of the whole span."""
    base = _base_period(m, ctx)
    if base is not None:
        return base, "clause"
    year, source = _year_of(m, sent_start, ctx)
    if year is None:
        return None, "none"
    clause = ctx.norm[max(ctx.bounds.clause(m.start)[0], m.start - CUE_WINDOW) : m.start]
    if len(year) != 9 and AVERAGE_RE.search(clause):
        section = ctx.section_at(m.start)
        if section is not None and section.span and section.span.endswith(year):
            return section.span, source  # 年均增长5.9% under “十四五”时期: an average over the span
    starts_from = FROM_RE.search(_rstrip_words(clause) + clause[-1:]) is not None
    if starts_from and source == "sentence":
        # 从2020年的A增长到2025年的B, 收入从C增长到D: C is of the year the sentence's first 从 names
        pair = FROM_YEAR_RE.findall(ctx.norm, max(sent_start, m.start - REGION_REACH), m.start)
        if pair:
            return pair[-1], source
    if len(year) == 9 and source != "sentence" and starts_from:
        return str(int(year[:4]) - 1), source  # 从A增长到B under 十四五: A is where the span began
    k = bisect.bisect_left(ctx.part_starts, m.start) - 1
    if len(year) == 4 and k >= 0 and ctx.parts[k][0] >= sent_start:
        i = bisect.bisect_left(ctx.period_starts, m.start) - 1
        if i < 0 or ctx.periods[i].start < ctx.parts[k][0]:  # no year named after the half or quarter
            return year + ctx.parts[k][1], "sentence"
    point_in_time = kind in ("level", "share", "rank") and not RUNNING_TOTAL_RE.search(clause)
    if len(year) == 9 and point_in_time and source != "sentence":
        return year[5:], source
    return year, source


def _after_reference_year(period: str | None, ctx: DocContext) -> bool:
    return bool(period) and ctx.doc_year is not None and int(period[:4]) > ctx.doc_year  # type: ignore[index]


def _base_period(m: Mention, ctx: DocContext) -> str | None:
    """较“十三五”末的2100.5亿元, 从2020年的1.25万亿元: a figure right after a period and 的 is of that period,
    even where the period is a comparison base for the figures after it."""
    i = bisect.bisect_right(ctx.all_period_ends, m.start) - 1
    if i < 0:
        return None
    p = ctx.all_periods[i]
    between = ctx.norm[p.end : m.start]
    return p.label if BASE_GAP_RE.fullmatch(between) else None


def _year_of(m: Mention, sent_start: int, ctx: DocContext) -> tuple[str | None, str]:
    i = bisect.bisect_left(ctx.period_starts, m.start) - 1
    best: Period | None = None
    if i >= 0 and ctx.periods[i].start >= sent_start and ctx.periods[i].end <= m.start:
        best = ctx.periods[i]
    j = bisect.bisect_left(ctx.relative_starts, m.start) - 1
    if (j >= 0 and ctx.relative[j][0] >= sent_start and ctx.doc_year
            and (best is None or ctx.relative[j][0] > best.start)):  # fmt: skip
        return str(ctx.doc_year + ctx.relative[j][2]), "sentence"
    if best is not None:
        return since(best, ctx.norm, ctx.doc.genre, ctx.doc_year)[0], "sentence"
    h = ctx.section_at(m.start)
    if h is not None and h.period is not None:
        return h.period, h.source
    if ctx.doc_year:
        return str(ctx.doc_year), "document"
    if ctx.doc.inferred_year:
        return str(ctx.doc.inferred_year), "inferred"
    return None, "none"


def _opens_clause(rm: RegionMention, ctx: DocContext) -> bool:
    """Whether a place stands at the start of its clause (after lead words such as 其中, 在), as a subject."""
    a = ctx.bounds.clause(rm.start)[0]
    return rm.start - a <= LEAD_REACH and not _strip_regions(_strip_leads(ctx.norm[a : rm.start]), ctx)


@cache
def _address_re() -> re.Pattern[str]:
    names = [*words("address_suffixes.txt"), *words("organisation_suffixes.txt")]
    return regex.compile(rf"[\p{{Han}}]{{1,4}}?(?:{alternation(names)})")  # a name between: 某省农业大学, not 某市医院


def _names_a_unit(rm: RegionMention, ctx: DocContext) -> bool:
    """某市某区某街道, 某省农业大学: the place begins a smaller unit's or an organisation's name; not where a
    metric follows it (某市医院床位数 is the city's)."""
    if not _address_re().match(ctx.norm, rm.end):
        return False
    names = metric_catalog().by_prefix.get(ctx.norm[rm.end : rm.end + 2], ())
    return not any(ctx.norm.startswith(n, rm.end) for n in names)


def _qualifies_a_title(rm: RegionMention, ctx: DocContext) -> bool:
    """全国 after a verb of winning or making (新增, 创建, 入选 …) or an ordinal (第四次) names a national title,
    list or survey that the figure's region has a part in, not the whole country."""
    a = max(ctx.bounds.clause(rm.start)[0], rm.start - _VERB_REACH)
    before = ctx.norm[a : rm.start]
    return _verb_before(before) or ORDINAL_BEFORE_RE.search(before) is not None


def _carries(rm: RegionMention, ctx: DocContext) -> bool:
    """Whether a place in an earlier clause of the statement is the subject of the clauses after it: it
    opens its clause, and 全国 only where its clause names no other place (全国软件业务收入…,增长10%)."""
    if not _opens_clause(rm, ctx):
        return False
    if rm.self_ref != NATIONAL_REF:
        return True
    a, b = ctx.bounds.clause(rm.start)
    return not any(o is not rm and o.region is not None for o in ctx.regions.before(a, b))


def _resolve(rm: RegionMention, ctx: DocContext) -> Region | None:
    """The region a mention names: itself, or for 全省/我市 and shared county names, what the
    document's own region makes of it (None where it cannot say)."""
    if rm.region is not None:
        return rm.region
    if rm.candidates:
        return ctx.gaz.resolve_shared(rm, ctx.region)
    return ctx.gaz.own_unit(ctx.region, rm.self_ref)


def region_of(m: Mention, kind: str, sent_start: int, ctx: DocContext,
              respective: Region | None) -> tuple[Region | None, str]:  # fmt: skip
    """The region a figure is of and where it came from: a place named before it in its statement (not a
    comparison base, a scope or a list of members), else the document's own region, else unknown."""
    if respective is not None:
        return respective, "clause"
    clause_start = ctx.bounds.clause(m.start)[0]
    for rm in ctx.regions.before(max(sent_start, m.start - REGION_REACH), m.start):
        if ctx.doc.datelines.covers(rm.start, rm.end) or ctx.quoted.covers(rm.start, rm.end):
            continue  # 新华社某地3月5日电: where the reporter filed; “甲—乙”航线: part of a name
        if rm.start < clause_start and not _carries(rm, ctx):
            # 连通某市,5G基站达到…: a place inside an earlier clause is not the subject of this one; nor is 全国
            # that qualifies a noun in a clause naming another place (全国高校…中心落户某省,创建3个基地)
            continue
        prev = ctx.norm[max(0, rm.start - 2) : rm.start]
        nxt = ctx.norm[rm.end : rm.end + 1]
        between = ctx.norm[rm.end : m.start]
        if MEMBERS in between or (prev.endswith("(") and nxt == ")"):
            continue  # 广州南沙、深圳湾等8个园区; 大数据(河南)综合试验区: members or names, not the subject
        if LIST_SEP_RE.search(ctx.norm[rm.start - 1 : rm.start] + nxt):
            if len(between) <= 3:
                break  # 广州、深圳、惠州、中山4个园区: a list of members; the figure is the document region's
            continue  # 在甲区、乙区和丙区形成集聚: places where something is, not whose figure it is
        if _names_a_unit(rm, ctx):
            continue  # 某市某区某街道某社区, 某省农业大学: an address, a smaller unit's or an organisation's name
        if BEFORE_BASE_RE.search(prev):
            continue  # a comparison base
        if rm.self_ref == "national" and PEOPLE_AFTER_RE.match(ctx.norm, rm.end):
            continue  # 全国人民: the people, not the place of the figure
        if rm.self_ref == NATIONAL_REF and _qualifies_a_title(rm, ctx):
            continue  # 新创建全国文明城市5个, 第四次全国文物普查: a national title or survey, won or run here
        scope = SCOPE_BEFORE_RE.search(prev) is not None or nxt in ORDINAL_AFTER
        if scope and rm.self_ref:
            continue  # 占全国9成, 居全省第一: a scope, whatever the kind
        if rm.self_ref and kind in ("rank", "share", "difference"):
            continue  # 居全国第一, 占全省32%: the scope, not the subject
        if scope and kind in ("rank", "share", "difference"):
            continue
        if scope and nxt in ORDINAL_AFTER:
            continue
        return _resolve(rm, ctx), ("clause" if rm.start >= clause_start else "sentence")
    place = ctx.doc.place_at(m.start)
    if place is not None:
        return place, "paragraph"  # 某市方面,…: the paragraph speaks of that place
    return ctx.region, ("document" if ctx.region is not None else "none")


RESPECTIVE_REACH = 120  # 分别 stands within this many characters before the first figure it distributes
LIST_REACH = 60  # the list of items before 分别 is short
LIST_ITEM_SPLIT_RE = vocab.regex("label_words", "list_separator")
LIST_GAP_RE = vocab.regex("label_words", "list_gap")
SEGMENT_START_RE = re.compile(r"[,;:。!?\n]")


class RespectiveRun(NamedTuple):
    """甲、乙分别增长a、b: the list before 分别 and the figures it distributes, the n-th to the n-th item."""

    list_start: int  # where the list of items (or places) before 分别 starts
    word: int  # the offset of 分别
    figures: list[Mention]  # the figures after it that follow each other across list separators


def _respective_runs(mentions: list[Mention], ctx: DocContext) -> list[RespectiveRun]:
    """Each 分别 that distributes figures, with its list and its run of figures. Every search is bounded,
    so a long line without punctuation stays linear."""
    if RESPECTIVE not in ctx.norm:
        return []
    runs: list[RespectiveRun] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        s, e = ctx.sentence(m.start)
        lo = max(s, m.start - RESPECTIVE_REACH, mentions[i - 1].end if i else 0)
        j = ctx.norm.rfind(RESPECTIVE, lo, m.start)
        if j == -1:
            i += 1
            continue
        figures = _list_run(mentions, i, e, ctx)
        runs.append(RespectiveRun(_segment_start(ctx.norm, max(s, j - LIST_REACH), j), j, figures))
        i += len(figures)
    return runs


def _list_run(mentions: list[Mention], i: int, sentence_end: int, ctx: DocContext) -> list[Mention]:
    """mentions[i] and the figures after it in its sentence with only a list separator between (a、b和c)."""
    run = [mentions[i]]
    for q in mentions[i + 1 :]:
        if q.start >= sentence_end or not LIST_GAP_RE.fullmatch(ctx.norm[run[-1].end : q.start]):
            break
        run.append(q)
    return run


def _respective(runs: list[RespectiveRun], ctx: DocContext) -> dict[int, Region]:
    """广州、深圳地铁客运量分别达1409万、1305万人次: the n-th region goes with the n-th figure."""
    out: dict[int, Region] = {}
    for run in runs:
        places = ctx.regions.before(run.list_start, run.word)
        regions = [rm for rm in reversed(list(places)) if rm.region is not None and not rm.self_ref]
        if len(regions) >= 2 and len(run.figures) == len(regions):
            for q, rm in zip(run.figures, regions, strict=True):
                r = _resolve(rm, ctx)
                if r is not None:
                    out[q.start] = r
    return out


def _respective_labels(runs: list[RespectiveRun], ctx: DocContext) -> dict[int, str]:
    """集成电路、光伏组件、工业机器人产量分别增长a、b、c: the n-th item (with the head noun the items share)
    labels the n-th figure of the run after 分别."""
    out: dict[int, str] = {}
    for run in runs:
        items = _list_items(ctx.norm[run.list_start : run.word], ctx)
        if len(items) >= 2 and len(run.figures) == len(items):
            out.update(zip((q.start for q in run.figures), items, strict=True))
    return out


def _segment_start(norm: str, s: int, j: int) -> int:
    """Where the list before 分别 at ``j`` starts: after the last punctuation mark from ``s`` on."""
    last = -1
    for c in SEGMENT_START_RE.finditer(norm, s, j):
        last = c.end()
    return last if last >= 0 else s


def _list_items(segment: str, ctx: DocContext) -> list[str]:
    """The items of a list (集成电路、光伏组件、工业机器人产量), each with the head noun the last one names
    for all (产量); none where the segment is no list of measures."""
    items = [_strip_regions(_strip_leads(p.strip()), ctx) for p in LIST_ITEM_SPLIT_RE.split(segment)]
    if len(items) < 2 or any(len(it) < 2 or len(it) > MAX_LABEL for it in items):
        return []  # 一、二、三产业: ordinals, not items; or no list at all
    if all(ctx.gaz.name_at(it) for it in items):
        return []  # a list of places: _respective gives them as regions
    head = _shared_head(items[-1])
    return [it if not head or it.endswith(head) else it + head for it in items]


def _shared_head(last_item: str) -> str:
    """The head noun the last item of a list ends with, longer than the head alone (工业机器人产量: 产量)."""
    return next((h for h in METRIC_HEADS if last_item.endswith(h) and len(last_item) > len(h)), "")


@dataclass(slots=True)
class Reading:
    """What the figures read so far in a sentence leave to the next one."""

    sentence_start: int = -1
    sentence: str = ""  # the stored sentence (the text's, not the normalised one)
    subject: str = ""  # the noun the last level, target or growth rests on (营业收入 of 营业收入增速)
    label: str = ""  # the label of the last figure that was not a difference
    end: int = -1  # where the figure before ended
    item: tuple[Mention | None, tuple[str, bool]] = (None, ("", False))  # the figure before, its kind and sign


@dataclass(frozen=True, slots=True)
class Site:
    """Where a figure stands: its clause, its sentence, the clause's text before it, the next figure."""

    clause: tuple[int, int]
    sentence: tuple[int, int]
    before: str  # the clause before the figure
    next_start: int  # the noun after the figure ends where the next figure starts


def metric_label(m: Mention, kind: str, site: Site, run: Reading, ctx: DocContext) -> tuple[str, str]:
    """A short label of what is measured and the subject noun it rests on."""
    before_raw = _text_before(m, site, run, ctx)
    if run.label and run.end > site.clause[0] and CHANGE_TO_RE.match(before_raw.strip()):
        return run.label, run.subject  # 从A增长到B: B is the same measure as A
    before_raw = PERIOD_TAIL_RE.sub("", before_raw)  # 生产总值从2020年的1.25万亿元: the period is not the measure
    if kind == "rank":
        before_raw = _rank_subject(before_raw, m, site.clause[0], ctx)
    label = _of_figure_before(_own_label(m, kind, before_raw, site, run, ctx), m, kind, before_raw, run)
    if _generic(label) or (len(label) <= 2 and run.subject and label not in METRIC_HEADS):
        label = run.subject if label in run.subject else run.subject + label
    elif run.subject and QUALIFYING_LABEL_RE.fullmatch(label):
        # 其中国家级3个、省级15个: a part of the figure before; the subject stays the same.
        return (run.subject + label)[-MAX_LABEL:], run.subject
    label = _named_by_kind(label, m, kind, site.clause[0], run, ctx)[-MAX_LABEL:]
    return label, SUBJECT_SUFFIX_RE.sub("", label)


def _text_before(m: Mention, site: Site, run: Reading, ctx: DocContext) -> str:
    """The clause before a figure from the figure before it, without titles or a circumstance frame."""
    norm, a = ctx.norm, site.clause[0]
    framed = _strip_titles(norm[max(a, m.start - FRAME_WINDOW) : m.start])
    return _outside_frame(_strip_titles(norm[max(a, run.end) : m.start]), framed, norm, m.end)


def _rank_subject(before_raw: str, m: Mention, clause_start: int, ctx: DocContext) -> str:
    """综合指标在全国100个城市APP中排名第七: the subject of a rank stands before 在/居/排名."""
    head = _strip_titles(ctx.norm[clause_start : m.start])
    cut = RANK_SUBJECT_RE.search(head)
    if not cut or not cut.group(1):
        return before_raw
    if not _strip_regions(_strip_leads(_rstrip_words(cut.group(1))), ctx):
        # 我市在全国数字城市排名中位居第8位: only a place before 在; the ranking after it says what is ranked.
        return head[cut.end() :]
    return cut.group(1)


def _own_label(m: Mention, kind: str, before_raw: str, site: Site, run: Reading, ctx: DocContext) -> str:
    """What the figure's own clause names: the noun phrase before it, or the noun after it where the
    figure counts that noun (培育了35家服务商, 等8个园区, 对21个部门24个机构)."""
    stripped = _rstrip_words(before_raw)
    raw_end = before_raw.rstrip()
    before = _strip_regions(_strip_leads(stripped), ctx)
    label = _before_milestone(_rstrip_words(COMPARISON_TAIL_RE.sub("", _rstrip_words(before))))
    if kind == "rank":
        return label
    after = ctx.norm[m.end : min(site.clause[1], site.next_start)]
    noun_after = NOUN_AFTER_RE.match(AFTER_LEAD_RE.sub("", after))
    after_text = _rstrip_words(noun_after.group()) if noun_after else ""
    counts_after = (
        not label
        or len(label) < 2
        or _verb_before(raw_end)
        or _verb_before(stripped if raw_end == before_raw else _rstrip_words(raw_end))
        or MEMBERS in before_raw[-4:]
        or IN_SCOPE_END_RE.search(raw_end) is not None
        or (run.end > site.clause[0] and m.start - run.end <= 5)
    )
    return after_text if counts_after and after_text else label


def _of_figure_before(label: str, m: Mention, kind: str, before_raw: str, run: Reading) -> str:
    """A label that speaks of the figure just reported: its change, or a share of its subject."""
    if kind == "difference" and m.unit == "pp" and run.label and (
        _generic(label) or len(label) <= 2 or COMPARE_RE.search(before_raw)
    ):
        return run.label + DIFFERENCE_SUFFIX  # 较上年提高0.8个百分点: the change of the figure just reported
    if label.startswith(SHARE_VERB) and run.subject:
        return run.subject + label  # 占GDP比重: whose share
    return label


def _named_by_kind(label: str, m: Mention, kind: str, clause_start: int, run: Reading, ctx: DocContext) -> str:
    """The label named as its kind names a figure (its growth, its share of a scope, its rank)."""
    suffix = _kind_suffix(label, kind)
    if suffix == SHARE_SUFFIX:
        scope = SCOPE_SHARE_RE.search(ctx.norm, clause_start, m.start)
        suffix = SHARE_VERB + scope.group(1) + SHARE_OF_WHOLE if scope else suffix  # 占全国比重: of that scope
    return (label or run.subject) + suffix if suffix else label


def _previous_clause_subject(ctx: DocContext, clause_start: int, sent_start: int) -> str:
    """营业收入增速快于全省、首次超过800亿元: a figure with nothing before it in its clause measures the subject
    the clause before it opened with (the noun phrase up to its first cue word)."""
    if clause_start - 1 <= sent_start:
        return ""
    a, _ = ctx.bounds.clause(clause_start - 2)
    cut = SUBJECT_CUT_RE.split(ctx.norm[max(a, sent_start) : clause_start - 1], maxsplit=1)[0]
    subject = _strip_regions(_strip_leads(_strip_titles(cut)), ctx)
    return subject if 2 <= len(subject) <= MAX_LABEL else ""


def _induced(clause_before: str) -> bool:
    """带动某地进出口120亿元: an amount a project brought about; but 带动全市规上企业超过8000家 states the whole
    region's total (全市, 全省: a total), and in 带动1000家企业上云 the figure counts the metric's own things."""
    m = INDUCED_RE.search(clause_before)
    return m is not None and not WHOLE_REGION_RE.search(m.group())


def _outside_frame(before: str, clause: str, norm: str, end: int) -> str:
    """The text before a figure without a circumstance frame (在…的情况下); inside one, what follows 在."""
    if AT not in clause:
        return before
    framed = FRAME_RE.sub("", clause)
    if framed != clause:
        return framed  # 工业投资在房地产投资下降14%的情况下增长9.2%: 工业投资增长
    i = before.rfind(AT)
    if FRAME_RE.match(before[i:] + norm[end : end + 12]):
        return before[i + len(AT) :]  # the 14% inside the frame: 房地产投资下降
    return before


def _before_milestone(label: str) -> str:
    """经济总量跨过大关 -> 经济总量: the measure stands before a verb of passing a milestone."""
    m = MILESTONE_RE.search(label)
    return label[: m.start()] if m and m.start() >= 2 else label


def _kind_suffix(label: str, kind: str) -> str:
    """What names a label as its kind names a figure (its growth, its share, its rank), where the label
    does not say so already; else ""."""
    if kind == "growth" and not label.endswith(GROWTH_ENDINGS):
        return GROWTH_SUFFIX
    if kind == "share" and not SHARE_WORD_RE.search(label):
        return SHARE_SUFFIX
    if kind == "rank" and RANK_SUFFIX not in label:
        return RANK_SUFFIX
    return ""


def _with_kind(label: str, kind: str) -> str:
    """A list item's label named as its kind names a figure (its growth, its share, its rank)."""
    return label + _kind_suffix(label, kind)


def _generic(label: str) -> bool:
    """A label too general to name a measure (规模, 数量, or none)."""
    return not label or GENERIC_RE.fullmatch(label) is not None


def _strip_leads(s: str) -> str:
    """LEAD_RE.sub("", s), except that a metric's name is never eaten by a one-character lead word (经济总量
    is not 经 + 济总量, 对外贸易 not 对 + 外贸易)."""
    m = LEAD_RE.match(s)
    if not m:
        return s
    end = m.end()
    if s[end : end + 1] in gazetteer().not_before and s[max(0, end - 2) : end] in gazetteer().self_refs:
        end -= 2  # 全市场 is a word, not 全市 + 场
    names = metric_catalog().by_prefix
    for k in range(end):
        if any(s.startswith(n, k) for n in names.get(s[k : k + 2], ())):
            return s[k:]
    return s[end:]


def _strip_regions(s: str, ctx: DocContext) -> str:
    for _ in range(3):
        name = ctx.gaz.name_at(s)
        if not name:
            break
        s = _strip_leads(s[len(name) :])
    return s


def attribute(mentions: list[Mention], ctx: DocContext, catalog: MetricCatalog | None = None) -> list[Fact]:
    """The facts of a document's figures, read in order: a figure may take its subject, label or kind
    from the one before it in its sentence."""
    reader = _Reader(mentions, ctx, catalog or metric_catalog())
    facts: list[Fact] = []
    for k, m in enumerate(mentions):
        if ctx.regions.inside(m.start, m.end) or ctx.doc.furniture.covers(m.start, m.end):
            continue  # 五家渠市, 七台河: part of a place name; a page's counters and time stamps
        next_start = mentions[k + 1].start if k + 1 < len(mentions) else len(ctx.norm)
        facts.append(reader.fact(m, next_start))
    return facts


class _Reader:
    """Reads one document's figures in order, keeping what each leaves to the next (``run``)."""

    def __init__(self, mentions: list[Mention], ctx: DocContext, catalog: MetricCatalog) -> None:
        self.ctx, self.catalog = ctx, catalog
        runs = _respective_runs(mentions, ctx)  # read once for places and items alike
        self.respective = _respective(runs, ctx)
        self.item_labels = _respective_labels(runs, ctx)
        self.run = Reading()

    def fact(self, m: Mention, next_start: int) -> Fact:
        ctx = self.ctx
        site = self._site(m, next_start)
        s_start = site.sentence[0]
        kind, negative = self._kind(m, site)
        region, region_source = region_of(m, kind, max(s_start, ctx.bounds.statement(m.start)[0]), ctx,
                                          self.respective.get(m.start))  # fmt: skip
        period, period_source = period_of(m, kind, s_start, ctx)
        if kind in ("level", "share") and _after_reference_year(period, ctx) and not self._done(site):
            kind = "target"  # 明年新增4000万千瓦: a figure of a year still to come is planned
        label, subject = self._label(m, kind, negative, site)
        induced = _induced(site.before[-CUE_WINDOW:])
        self._remember(m, kind, label, subject)
        return Fact(
            doc=ctx.doc_id, start=m.start, end=m.end, text=ctx.text[m.start : m.end],
            value=_num(-m.value if negative else m.value), unit=m.unit, qualifier=m.qualifier, kind=kind,
            metric=label, metric_id=None if induced else self.catalog.fits(self.catalog.match(label), m.dimension),
            region=region.name if region else None, region_code=region.code if region else None, period=period,
            sentence=self.run.sentence if site.sentence[1] - s_start <= 2 * EXCERPT_REACH else _excerpt(m, ctx),
            value_high=None if m.value_high is None else _num(-m.value_high if negative else m.value_high),
            region_source=region_source if region else "none", period_source=period_source,
        )  # fmt: skip

    @staticmethod
    def _done(site: Site) -> bool:
        """A sign of a result (已, 累计) near the figure in its clause."""
        return PAST_RE.search(site.before[-CUE_WINDOW:]) is not None

    def _site(self, m: Mention, next_start: int) -> Site:
        """Where ``m`` stands; a new sentence starts with nothing left by the figures before."""
        ctx, run = self.ctx, self.run
        s_start, s_end = ctx.sentence(m.start)
        if s_start != run.sentence_start:
            run.subject, run.label, run.sentence_start = "", "", s_start
            run.sentence = ctx.text[s_start:s_end].strip()
        clause = ctx.bounds.clause(m.start)
        return Site(clause, (s_start, s_end), ctx.norm[clause[0] : m.start], next_start)

    def _kind(self, m: Mention, site: Site) -> tuple[str, bool]:
        """The kind and sign of ``m``: those of the figure before where ``m`` continues its list."""
        ctx = self.ctx
        sentence_before = ctx.norm[site.sentence[0] : m.start]
        kind_sign = list_item_kind(m, *self.run.item, ctx) or kind_and_sign(m, site.before, sentence_before, ctx)
        self.run.item = (m, kind_sign)
        return kind_sign

    def _label(self, m: Mention, kind: str, negative: bool, site: Site) -> tuple[str, str]:
        """The label and subject of ``m``: its own, an item of a list it is distributed over, the ranking it
        moves in, or what the clause before it said."""
        ctx, run = self.ctx, self.run
        label, subject = metric_label(m, kind, site, run, ctx)
        if m.start in self.item_labels:
            label, subject = _with_kind(self.item_labels[m.start], kind), self.item_labels[m.start]
        if m.hint == "rank_move" and _generic(label):
            # 较上年提升3位: a move in the ranking just reported.
            ranking = run.label if run.label.endswith(RANK_SUFFIX) else RANK_SUFFIX
            label = ranking + (RANK_FALL if negative else RANK_RISE)
        if not label:
            # 旅游收入创历史新高,达到860亿元: the clause before, if it has no figure, says what is measured
            a = site.clause[0]
            figure_before = a < 2 or run.end >= ctx.bounds.clause(a - 2)[0]
            before_subject = _previous_clause_subject(ctx, a, site.sentence[0])
            label = ("" if figure_before else before_subject) or run.subject or before_subject or m.unit
        return label, subject

    def _remember(self, m: Mention, kind: str, label: str, subject: str) -> None:
        """What ``m`` leaves to the figures after it in its sentence."""
        run = self.run
        if subject and kind in ("level", "target", "growth") and (m.dimension != "duration" or not run.subject):
            run.subject = subject
        if kind != "difference" and m.dimension != "duration":
            run.label = label
        run.end = m.end


def _excerpt(m: Mention, ctx: DocContext) -> str:
    """The stored sentence of a figure on a long line: a window of whole clauses around it."""
    a, b = ctx.bounds.excerpt(m.start, m.end)
    return ctx.text[a:b].strip()


def _num(v: Decimal) -> int | float:
    return to_json_number(v)
