"""What a document says about itself, computed once: genre, region, reference date, and the period and
outlook that each section or paragraph opener sets for the figures under it.

Attribution reads this instead of guessing from the first place name or the latest year in the text:
a figure with no region or period of its own takes the document's, and where the document does not
say, the answer is unknown (None), never a plausible default.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache

from .layout import (
    DATE,
    HEADING,
    NUMBERED_RE,
    PARAGRAPH,
    TOP_HEADING_RE,
    Layout,
    Line,
    SpanSet,
    dateline_re,
    genre_of_title,
)
from .metadata import DocRecord, date_of
from .periods import COMPARISON_BEFORE, QUARTER_NUMBERS, Period, find_periods
from .regions import Region, gazetteer
from .vocab import alternation, regex, rows, table, terms, word, words

WORK_REPORT = "work_report"
COMMUNIQUE = "communique"

# A paragraph opens with a period when one stands in its first characters, before the first comma
# (2025年,… / “十四五”时期,… / 上半年,…); 到2030年 opens a target, not a review.
_OPENER_WINDOW = 16
_OPENER_START = 6  # the period stands within the first characters (刚刚过去的2025年)
_CLAUSE_WINDOW = 60
_PART_OPENER_RE = regex("section_periods", "part_opener")
FIRST_HALF = terms("section_periods", "halves")[0]  # 上半年
# 与2019年相比, 与上年同期: the words after a comparison's base (before it: periods.py's COMPARISON_BEFORE)
COMPARED_AFTER = tuple(w for name in ("compared", "same_period_compared", "same_period") for w in terms("comparison_cues", name))
YEAR = word("periods", "year_unit")  # 年
RANGE_TO = terms("section_periods", "range_to")
TARGET_TO = (*terms("section_periods", "target_to"), *RANGE_TO)
RESULT_UNTIL = terms("section_periods", "result_until")
PLAN_MARK = terms("section_periods", "plan_mark")
# a cheap test before find_periods: a heading names a period only with one of these, a span only with these
_HEADING_PERIOD_MARK_RE = re.compile(alternation((YEAR, *PLAN_MARK)))
_SPAN_MARK_RE = re.compile(alternation((*PLAN_MARK, "-", *RANGE_TO)))
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[。!?])")
_INTERJECTION_RE = re.compile(r"^[^,。!?]{1,6}!")  # 各位代表!
_STAT_YEAR_RE = regex("genres", "communique_year")


@cache
def _heading_cues() -> dict[str, str]:
    return {r["word"]: r["direction"] for r in rows("heading_cues.csv")}


@cache
def _heading_cue_re() -> re.Pattern[str]:
    return re.compile(alternation(list(_heading_cues())))


@cache
def _relative_openers() -> tuple[re.Pattern[str], dict[str, tuple[int, int]]]:
    table = {r["phrase"]: (int(r["first"]), int(r["last"])) for r in rows("period_openers.csv")}
    return re.compile(rf"^(?:{alternation(list(table))})"), table


@dataclass(frozen=True)
class Section:
    """From ``start`` on (until the next section), undated figures are of ``period`` (None: not said);
    ``future`` says the section plans rather than reviews (its figures are targets)."""

    start: int
    period: str | None
    last_year: int | None
    source: str  # heading, paragraph
    future: bool
    top: bool
    span: str | None = None  # the span in force (十四五 of the heading above): what 年均 figures average over


@dataclass
class DocumentContext:
    record: DocRecord
    layout: Layout
    region: Region | None
    genre: str | None
    reference_year: int | None  # the year 今年 and 目前 speak of; None where the document has no date
    # Without a date, the latest year the text names stands in for the year of its undated figures
    # (a news item that reports 截至2021年底… writes of 2021); such periods say so (source "inferred").
    inferred_year: int | None = None
    sections: list[Section] = field(default_factory=list)
    # paragraphs that open with a place (某市方面,…): (start, end, region)
    place_paragraphs: list[tuple[int, int, Region]] = field(default_factory=list)
    furniture: SpanSet = field(default_factory=lambda: SpanSet([]))
    datelines: SpanSet = field(default_factory=lambda: SpanSet([]))

    def __post_init__(self) -> None:
        self._starts = [s.start for s in self.sections]
        self._place_starts = [p[0] for p in self.place_paragraphs]

    def place_at(self, pos: int) -> Region | None:
        """The place the paragraph around ``pos`` opens with, if it opens with one (某市方面,…)."""
        i = bisect.bisect_right(self._place_starts, pos) - 1
        if i >= 0 and pos < self.place_paragraphs[i][1]:
            return self.place_paragraphs[i][2]
        return None

    def section_at(self, pos: int) -> Section | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        return self.sections[i] if i >= 0 else None


# What each layout cue of genres.toml looks for.
_LAYOUT_CUES: dict[str, Callable[[Layout, DocRecord], bool]] = {
    "session": lambda layout, record: layout.session is not None,
    "addressee": lambda layout, record: bool(record.addressee),
    "proposal_no": lambda layout, record: bool(record.proposal_no),
    "dateline": lambda layout, record: any(dateline_re().match(ln.text) for ln in layout.body_lines()[:3]),
}
_GENRE_OF_CUE = table("genres", "layout_cues")
if unknown := set(_GENRE_OF_CUE) - set(_LAYOUT_CUES):
    raise ValueError(f"genres.toml: layout cues {sorted(unknown)} are none of {sorted(_LAYOUT_CUES)}")


def genre_of(layout: Layout, record: DocRecord) -> str | None:
    """From the title's ending; else from what the layout shows (genres.toml: a session line makes a work
    report, a salutation to a member a reply, a dateline a news item)."""
    g = genre_of_title(record.title)
    if g and g != "other":
        return g
    return next((genre for cue, genre in _GENRE_OF_CUE.items() if _LAYOUT_CUES[cue](layout, record)), g)


def _date_under_title(layout: Layout) -> str | None:
    """A communiqué is dated by the line under its title and issuers ((2024年3月20日)): its reply date."""
    for ln in layout.header_lines():
        if ln.role == DATE and YEAR in ln.text:
            return date_of(ln.text)
    return None


def _target_date(norm: str, start: int) -> bool:
    """到2030年, 至2027年 date a target; 截至2024年底 dates a result."""
    before = norm[max(0, start - 2) : start]
    return before.endswith(TARGET_TO) and not before.startswith(RESULT_UNTIL)


def _early_report(record: DocRecord, genre: str | None) -> bool:
    """A work report given in the first quarter plans the year it is given in (2026年重点工作 in January)."""
    date = record.reply_date or record.publish_date
    return genre == WORK_REPORT and date is not None and int(date[5:7]) <= 3


def reference_year(record: DocRecord, genre: str | None) -> int | None:
    """The year a document is written in, which 今年/目前 speak of; a communiqué's is its statistical year."""
    if genre == COMMUNIQUE and record.title:
        m = _STAT_YEAR_RE.search(record.title)
        if m:
            return int(m.group(1))
    date = record.reply_date or record.publish_date
    return int(date[:4]) if date else None


def build_context(norm: str, layout: Layout, record: DocRecord, region: Region | None,
                  periods: list[Period]) -> DocumentContext:  # fmt: skip
    genre = genre_of(layout, record)
    record.genre = genre
    if genre == COMMUNIQUE and record.reply_date is None:
        record.reply_date = _date_under_title(layout)
    year = reference_year(record, genre)
    # the latest year a dateless text reports on: not a target date (到2030年) nor a plan's span
    reported = [p.last_year for p in periods if "-" not in p.label and p.last_year <= 2100
                and not _target_date(norm, p.start)]  # fmt: skip
    inferred = None if year else max(reported, default=None)
    datelines = layout.datelines
    return DocumentContext(
        record, layout, region, genre, year, inferred, sections=sections(norm, layout, genre, year, _early_report(record, genre)),
        place_paragraphs=place_paragraphs(layout, region), furniture=SpanSet(layout.furniture()),
        datelines=SpanSet(datelines),
    )


def place_paragraphs(layout: Layout, doc_region: Region | None) -> list[tuple[int, int, Region]]:
    """Paragraphs that open with a place and 方面: the place they speak of (a county's name shared with
    other cities is the one in the document's region)."""
    gaz = gazetteer()
    out = []
    for ln in layout.body_lines():
        name = gaz.name_at(ln.text) if ln.role == PARAGRAPH else None
        if name and ln.text.startswith(_region_openers(), len(name)):
            rm = gaz.mentions(name)[0]
            r = rm.region or (gaz.resolve_shared(rm, doc_region) if rm.candidates else None)
            if r is not None:
                out.append((ln.start, ln.end, r))
    return out


@cache
def _region_openers() -> tuple[str, ...]:
    return words("region_openers.txt")


def sections(norm: str, layout: Layout, genre: str | None, year: int | None, early: bool = False) -> list[Section]:
    """Headings and period openers in text order; a heading without a period of its own keeps its top
    heading's; an opener (at the start of a paragraph or of a sentence in it) holds until the next opener
    or heading. An opener that looks back (过去五年, 一年来) is a review, one that looks ahead a plan."""
    out: list[Section] = []
    top: Section | None = None
    future = False
    span: str | None = None
    for ln in layout.body_lines():
        if ln.role == HEADING:
            sec = _heading_section(ln.start, ln.text, year, early, top, future)
            span = _span_in(ln.text) or (span if not sec.top else None)
            if sec.top:
                top = sec
            future = sec.future
            out.append(replace(sec, span=span))
        elif ln.role == PARAGRAPH:
            if NUMBERED_RE.match(ln.text) and out and out[-1].source == "paragraph" and top is not None:
                # (一)产业转型…: a numbered item goes back to its section's period after an aside (十四五以来…)
                out.append(Section(ln.start, top.period, top.last_year, "heading", top.future, False, span))
                future = top.future
            if _opens_a_plan(ln.text) and not future:
                # 下一步, 今后: the paragraph plans, under whatever period is in force
                # its figures name their years or are of the document's; the review's year is not theirs
                out.append(Section(ln.start, None, None, "paragraph", True, False, span))
                future = True
            for k, (start, sentence) in enumerate(_sentence_starts(ln)):
                # a paragraph opens with any period; a sentence inside it only with a look back (五年来): a
                # year stated mid-paragraph is that sentence's, not the rest's
                opener = _opener(sentence, genre, year, relative_only=k > 0)
                if opener is None:
                    continue
                label, last = opener
                if year is not None:
                    future = int(label[:4]) > year or (future and last >= year)
                span = label if "-" in label and len(label) == 9 else span
                out.append(Section(start, label, last, "paragraph", future, False, span))
    return out


def _heading_section(start: int, text: str, year: int | None, early: bool, top: Section | None,
                     future: bool) -> Section:  # fmt: skip
    is_top = TOP_HEADING_RE.match(text) is not None
    found = find_periods(text) if _HEADING_PERIOD_MARK_RE.search(text) else []
    # 2025年及“十四五”时期工作回顾: the year is the section's period, the span what its 年均 figures average over
    years = [q for q in found if "-" not in q.label]
    p = years[-1] if years else found[-1] if found else None
    cues = {_heading_cues()[w] for w in _heading_cue_re().findall(text)}
    if "future" in cues:
        future = True
    elif "review" in cues or is_top:
        future = False
    if p is not None and year is not None and "review" not in cues:
        first = int(p.label[:4])
        if first > year or (first == year and early):
            future = True  # 2026年重点工作 in a report given early in 2026: a plan
    if p is None and not is_top and top is not None:
        return Section(start, top.period, top.last_year, "heading", future, False)
    return Section(start, p.label if p else None, p.last_year if p else None, "heading", future, is_top)


def _opens_a_plan(text: str) -> bool:
    """A paragraph that opens with a word that looks ahead (下一步, 今后, 展望)."""
    m = _heading_cue_re().match(text[:_OPENER_START + 4])
    return m is not None and _heading_cues()[m.group()] == "future"


def _span_in(text: str) -> str | None:
    """The span a heading names (“十四五”时期和2025年工作回顾: 2021-2025), for the 年均 figures under it."""
    found = find_periods(text) if _SPAN_MARK_RE.search(text) else []
    spans = [p.label for p in found if "-" in p.label]
    return spans[0] if spans else None


def _sentence_starts(ln: Line) -> list[tuple[int, str]]:
    """(offset, text) of each sentence of a paragraph, without a lead interjection (各位代表!)."""
    out = []
    pos = 0
    for part in _SENTENCE_SPLIT_RE.split(ln.text):
        text = part
        lead = _INTERJECTION_RE.match(text)
        if lead:
            text = text[lead.end() :]
        if text:
            out.append((ln.start + pos + (lead.end() if lead else 0), text))
        pos += len(part)
    return out


SINCE = terms("section_periods", "since")


def since(p: Period, text: str, genre: str | None, year: int | None) -> tuple[str, int]:
    """(label, last year) of a period; one that runs 以来 (since) ends at the document's year, or at the
    year before it in a work report, which reviews the year just ended (十四五以来 in early 2025: 2021-2024;
    2022年以来 in a 2023 reply: 2022-2023)."""
    if year is None or not (text.startswith(SINCE, p.end) or text.endswith(SINCE, 0, p.end)) or len(p.label) not in (4, 9):
        return p.label, p.last_year
    last = year - 1 if genre == WORK_REPORT else year
    last = min(p.last_year, last) if "-" in p.label else max(p.last_year, last)
    first = int(p.label[:4])
    return (f"{first}-{last}", last) if last > first else (str(first), first)


def _compared(head: str, p: Period) -> bool:
    """与2019年相比, 较2019年: the period is what the figures are compared with, not theirs."""
    return head[: p.start].endswith(COMPARISON_BEFORE) or head.startswith(COMPARED_AFTER, p.end)


def _opener(text: str, genre: str | None, year: int | None, relative_only: bool = False) -> tuple[str, int] | None:
    """The period a paragraph opens with, if it opens with one: (label, last year)."""
    head = re.split(r"[,:;。]", text[:_CLAUSE_WINDOW], maxsplit=1)[0]
    found: list[Period] = [] if relative_only else find_periods(head[:_OPENER_WINDOW])
    if found and found[0].start <= _OPENER_START and not head.startswith(TARGET_TO) and not _compared(head, found[0]):
        return since(found[0], head, genre, year)  # 2025年,… / 刚刚过去的2025年是… / “十四五”这五年
    if year is None:
        return None
    part = None if relative_only else _PART_OPENER_RE.search(text[:_OPENER_START + 6])
    if part:
        return (f"{year}H{1 if part.group('h') == FIRST_HALF else 2}" if part.group("h")
                else f"{year}Q{QUARTER_NUMBERS[part.group('q')]}"), year  # fmt: skip
    pattern, table = _relative_openers()
    m = pattern.match(head)
    if m and genre == WORK_REPORT:
        first, last = table[m.group()]
        if first == last:
            return str(year + first), year + first
        return f"{year + first}-{year + last}", year + last
    return None

