"""The layout of one document: page chrome, header block, title, headings, paragraphs, closing lines.

A scraped page puts menus, font-size buttons, breadcrumbs, source and time lines and photo captions
around the text; a reply has a labelled header table; a work report a session line and a signer. The
layout step tells these apart, so that metadata reads the header, attribution reads the body and no
piece of page furniture becomes a title, a date or a figure. It runs on the normalised text (one
character for one), so every offset is an offset into the document as decoded; HTML arrives here as
its visible text, a block a line.
"""

from __future__ import annotations

import bisect
import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, cached_property

import regex

from .vocab import alternation, pattern, terms, word, words
from .vocab import regex as vocab_regex

CHROME = "chrome"  # page furniture: menus, buttons, breadcrumbs, counters, credits
FIELD = "field"  # a labelled header field (索 引 号:…, 来源:…, 时间:…) or the value line after its label
DATE = "date"  # a line that is only a date or a time stamp
TITLE = "title"
SESSION = "session"  # ——2026年1月26日在…人民代表大会第四次会议上
SIGNER = "signer"  # 省长 某某
CAPTION = "caption"  # a photo caption (…作政府工作报告。本报记者 某某 摄)
HEADER = "header"  # any other line of the header block (a document number, a site's section name)
SALUTATION = "salutation"  # 各位代表: / 某某委员:
HEADING = "heading"
PARAGRAPH = "paragraph"
HEADER_ROLES = frozenset({CHROME, FIELD, DATE, TITLE, SESSION, SIGNER, CAPTION, HEADER})

_STRIP = " •·\t\r\u200b\ufeff"
_PUNCT_ONLY_RE = re.compile(r"^[\s【】\[\]()<>|:»›>/·•\-—]*$")
_CHROME_TRIM_RE = re.compile(r"^[\s【\[(|]+|[\s】\])|:]+$")
_BREADCRUMB_RE = re.compile(r"(?:^|\s)[>»›]+(?:\s|$)|[^\s>»›]{1,12}\s*[>»›]+\s*[^\s>»›]{1,12}")
DATE_LEAD_RE = vocab_regex("date_forms", "date_lead")
STAMP_RE = vocab_regex("date_forms", "stamp")
DATE_LINE_RE = vocab_regex("date_forms", "date_line")
# ——2026年1月26日在某省第十四届人民代表大会第四次会议上 (the dash is optional, the line may wrap).
SESSION_LINE_RE = regex.compile(pattern("meetings", "session_line"))
CAPTION_RE = regex.compile(pattern("captions", "caption"))
# 某某委员: opens the body; metadata reads the addressee from the same match
SALUTATION_RE = regex.compile(pattern("salutations", "salutation"))
NUMBERED_RE = vocab_regex("headings", "numbered")
TOP_HEADING_RE = vocab_regex("headings", "top_heading")
HEADING_RE = vocab_regex("headings", "heading")
_HEADER_LIMIT = 40  # lines: a header longer than this is not a header
_TITLE_MAX = 80  # a longer line is text, not a title or a header field
_DIGIT_RE = re.compile(r"\d")  # a menu has no figures: 杭州 2.1万亿元 宁波 1.8万亿元 is a table row
_URL_RE = re.compile(r"(?:https?://|www\.)[\w.-]+")
_SPACED_RE = re.compile(r"^(?:\S )+\S$")  # 政 府 工 作 报 告: a title set with a space after each character
_MENU_SPLIT_RE = re.compile(r"[\s|｜/·>]+")
TITLE_OPENERS = terms("title_forms", "opener")  # how a reply's or a proposal's title begins
MENU_ENDINGS = words("menu_endings.txt")
AT = word("meetings", "at")  # 在: a line that tells where something happened is no signer line


@cache
def _chrome_words() -> frozenset[str]:
    return frozenset(words("chrome_lines.txt"))


@cache
def _chrome_prefix_re() -> re.Pattern[str]:
    return re.compile(rf"^[【\[]?\s*(?:{alternation(words('chrome_prefixes.txt'))})\s*(?:[:：]|$)")


@cache
def _title_ending_re() -> regex.Pattern[str]:
    """One group per genre (genres.toml): the longest ending a title has starts leftmost, so it decides."""
    groups = "|".join(f"(?P<{g}>{pattern('genres', g)})" for g in terms("genres", "genres"))
    return regex.compile(rf"(?:{groups})$")


@cache
def genre_of_title(title: str | None) -> str | None:
    """reply, work_report, communique or other, from how a title ends; None where it says nothing."""
    if not title:
        return None
    m = _title_ending_re().search(title)
    return m.lastgroup if m else None


SIGNER_RE = regex.compile(pattern("offices", "signer"))


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # offsets of the stripped line in the text
    end: int
    text: str
    role: str


@dataclass(frozen=True)
class Session:
    date: str  # the date as printed
    name: str  # the meeting, as printed (某省第十四届人民代表大会第四次会议)
    start: int
    end: int


@dataclass
class Layout:
    lines: list[Line]
    body: int  # index of the first body line
    title: Line | None
    session: Session | None
    signer: Line | None
    signer_org: str  # what stands before the office on the signer line (河北省人民政府, 上海市)
    signer_role: str
    boundaries: Boundaries  # clause, statement and sentence ends of the whole text

    def header_lines(self) -> list[Line]:
        return self.lines[: self.body]

    @cached_property
    def datelines(self) -> list[tuple[int, int]]:
        """新华社北京3月5日电, 央广网某地9月15日消息: where the reporter filed, at the start of the body (read once,
        by metadata and by the document context)."""
        return [(ln.start, ln.start + m.end()) for ln in self.body_lines()[:3] if (m := dateline_re().match(ln.text))]

    def body_lines(self) -> list[Line]:
        return self.lines[self.body :]

    def furniture(self) -> list[tuple[int, int]]:
        """Spans of lines that are not text of the document (chrome, fields, dates, captions, session
        and signer lines): no figure in them is a fact."""
        return [(ln.start, ln.end) for ln in self.lines if ln.role in HEADER_ROLES and ln.role != TITLE]


# --- sentences: where clauses, statements and sentences end, read once per text -----------------------

# How far a fact's stored sentence reaches on each side of the figure (see ``Boundaries.excerpt``).
EXCERPT_REACH = 200
_SENTENCE_MARKS = "".join(terms("boundaries", "sentence_end"))
(_STATEMENT_MARK,) = terms("boundaries", "statement_end")
CLAUSE_MARKS = _SENTENCE_MARKS + _STATEMENT_MARK + "".join(terms("boundaries", "clause_end"))
CLAUSE_END_RE = re.compile(f"[{re.escape(CLAUSE_MARKS)}]")
_SENTENCE_END_CHARS = frozenset(_SENTENCE_MARKS)
_STATEMENT_END_CHARS = frozenset(_SENTENCE_MARKS + _STATEMENT_MARK)


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
            [i for i in self.clause_ends if norm[i] in _STATEMENT_END_CHARS] if _STATEMENT_MARK in norm else self.sentence_ends
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

    def excerpt(self, start: int, end: int, reach: int = EXCERPT_REACH) -> tuple[int, int]:
        """The sentence of the figure at ``start:end``, bounded to ``reach`` characters on each side (one long
        line without sentence punctuation is not a sentence to store with every figure on it): cut at the
        first clause mark inside the reach, so that the excerpt starts and ends with whole clauses."""
        s, e = self.sentence(start)
        if start - s > reach:
            ends = self.clause_ends
            i = bisect_left(ends, start - reach)
            s = ends[i] + 1 if ends[i] < start else start - reach
        if e - end > reach:
            ends = self.clause_ends
            i = bisect_left(ends, end + reach) - 1
            e = ends[i] if i >= 0 and ends[i] >= end else end + reach
        return s, e


def split_lines(norm: str) -> list[tuple[int, int, str]]:
    """(start, end, stripped text) of every non-blank line."""
    out = []
    pos = 0
    for raw in norm.split("\n"):
        text = raw.strip(_STRIP)
        if text:
            a = pos + raw.index(text[0])
            out.append((a, a + len(text), text))
        pos += len(raw) + 1
    return out


def is_chrome(text: str) -> bool:
    """A line of page furniture: a menu word, a counter or credit label, a breadcrumb, a lone bracket, a
    site's name with its address."""
    if _PUNCT_ONLY_RE.match(text) or (len(text) <= 80 and _URL_RE.search(text)):
        return True
    core = _CHROME_TRIM_RE.sub("", text)
    if core in _chrome_words():
        return True
    if len(text) <= 80 and _chrome_prefix_re().match(text):
        return True
    if len(text) <= 30 and text.endswith(words("chrome_suffixes.txt")) and not re.search(r"\d|:", text):
        return True  # 某某人民政府门户网站, 湖南频道 (not 来源:某报-某频道)
    parts = [p for p in re.split(r"\s+", core) if p]
    if len(parts) >= 2 and all(_CHROME_TRIM_RE.sub("", p) in _chrome_words() for p in parts):
        return True  # 【打印】 【关闭】 on one line
    if _is_menu(text):
        return True
    return len(text) <= 60 and "。" not in text and _BREADCRUMB_RE.search(text) is not None


def _is_menu(text: str) -> bool:
    """A site's menu bar: three or more short items between | or spaces, one of them a menu word, or five
    and more (首页 | 时政 | 经济 | 湖南频道)."""
    items = [p for p in _MENU_SPLIT_RE.split(text) if p]
    if len(items) < 3 or any(len(p) > 8 or _DIGIT_RE.search(p) for p in items) or all(len(p) == 1 for p in items):
        return False
    return len(items) >= 5 or "|" in text or any(p in _chrome_words() or p.endswith(MENU_ENDINGS) for p in items)


def _is_body_start(text: str, field_label: re.Pattern[str]) -> bool:
    if field_label.match(text):
        return False  # a labelled header line (索引号:… 发布机构:… on one line), however long
    if len(text) <= 100 and CAPTION_RE.search(text):
        return False  # a photo caption above the title is a sentence, but not the body's first
    if SALUTATION_RE.match(text) and len(text) <= 26:
        # 您的位置: / 分享: are menus and 来源: / 时间: labels, not a salutation
        return not is_chrome(text) and field_label.match(text) is None
    if NUMBERED_RE.match(text) and not is_chrome(text):
        return True
    return (len(text) >= 10 and "。" in text) or (len(text) >= 60 and "," in text) or len(text) > _TITLE_MAX


def _header_role(text: str, labelled: bool) -> str | None:
    if labelled:
        return FIELD
    if is_chrome(text):
        return CHROME
    if DATE_LINE_RE.match(text) or (len(text) <= 40 and STAMP_RE.search(text)) or (len(text) <= 80 and DATE_LEAD_RE.match(text)):
        return DATE  # a date alone, a line with a time stamp (原创 某公众号 2025-05-16 18:30), a date and a source
    if CAPTION_RE.search(text) and len(text) <= 80:
        return CAPTION
    if SIGNER_RE.search(text) and len(text) <= 40 and AT not in text:
        return SIGNER
    return None


def build_layout(norm: str, field_label: re.Pattern[str], agency: re.Pattern[str]) -> Layout:
    """Lines and their roles. ``field_label`` matches the label of a header field, ``agency`` the name
    of an agency (the metadata's): an agency line is no title."""
    raw = split_lines(norm)
    # The body starts at a salutation, a numbered section, a sentence or a line too long for a title; without
    # one, after the first line (a title) where there are more.
    body = next((i for i, (_, _, t) in enumerate(raw[:_HEADER_LIMIT]) if _is_body_start(t, field_label)),
                1 if len(raw) > 1 else 0)  # fmt: skip
    lines: list[Line] = []
    value_next = False
    for i, (a, b, t) in enumerate(raw):
        if i < body:
            label = field_label.match(t)
            role = _header_role(t, label is not None or value_next) or ""
            # A label alone on its line (时间:) has its value on the next.
            value_next = label is not None and label.end() == len(t)
        else:
            role = CHROME if len(t) <= 80 and is_chrome(t) else DATE if DATE_LINE_RE.match(t) else PARAGRAPH
        lines.append(Line(a, b, t, role))
    session = _find_session(norm, lines[:body])
    lines = [_mark_session(ln, session) for ln in lines]
    title = _find_title([ln for ln in lines[:body] if not agency.match(ln.text)], session)
    signer, org, role = _find_signer(lines[:body])
    lines = _mark_headings([_settled(ln, title, signer) for ln in lines], body)
    signer = next((ln for ln in lines if ln.role == SIGNER), None)
    return Layout(lines, body, title, session, signer, org, role, Boundaries(norm))


def _settled(ln: Line, title: Line | None, signer: Line | None) -> Line:
    """A header line's last role: the title (a line of a wrapped title, or a repeat of the title line),
    the signer, or another header line."""
    if ln.role:
        return ln
    if title is not None and (ln.text == title.text or title.start <= ln.start < title.end):
        return Line(ln.start, ln.end, ln.text, TITLE)
    return Line(ln.start, ln.end, ln.text, SIGNER if ln is signer else HEADER)


def _find_session(norm: str, header: list[Line]) -> Session | None:
    if not header:
        return None
    a, b = header[0].start, header[-1].end
    text = norm[a:b].replace("\n", "")  # the session line may wrap
    m = SESSION_LINE_RE.search(text)
    if not m:
        return None
    # Offsets of the match in the text with line breaks: map back through the removed breaks.
    breaks = [i - a for i in range(a, b) if norm[i] == "\n"]
    def back(j: int) -> int:
        k = j
        for br in breaks:
            if br <= k:
                k += 1
        return a + k
    return Session(m.group("date"), regex.sub(r"\s+", "", m.group("session")), back(m.start("date")), back(m.end()))


def _mark_session(ln: Line, session: Session | None) -> Line:
    if session is None or ln.role or not (ln.start < session.end and session.start < ln.end):
        return ln
    if ln.start < session.start and session.start - ln.start >= 4:
        return ln  # 政府工作报告——2024年…会议上: a title before the session on one line
    return Line(ln.start, ln.end, ln.text, SESSION)


def _find_title(header: list[Line], session: Session | None) -> Line | None:
    """The header line that names the document: one ending as titles of a genre end (…工作报告, 关于…的答复),
    else the line before the session line, else the first line that is nothing else."""
    candidates = [_unspaced(ln) for ln in header if ln.role == "" and 4 <= len(ln.text) <= 80]
    ending = _title_ending_re()
    for k, ln in enumerate(candidates):
        head = re.split(r"——|――", ln.text)[0]
        if len(head) >= 6 and (ending.search(head) or ending.search(ln.text)):
            prev = candidates[k - 1] if k else None
            if prev is not None and prev.text.startswith(TITLE_OPENERS) and not ln.text.startswith(TITLE_OPENERS) \
                    and not prev.text.endswith(("。", ":")) and header.index(ln) - header.index(prev) == 1:
                # 关于加快推进…与\n…发展的提案的答复: a long title wrapped over two lines is one title
                return Line(prev.start, ln.end, prev.text + ln.text, TITLE)
            return ln
    if session is not None:
        before = [ln for ln in candidates if ln.end <= session.start]
        if before:
            return before[-1]
    # A news page: the headline stands right above its date or source line, under any site or column
    # name; a 【kicker】 above it and a ——subtitle below it are not the headline.
    plain = [ln for ln in candidates if not _is_kicker_or_subtitle(ln.text)]
    stamp = next((ln for ln in header if ln.role in (DATE, FIELD)), None)
    above = [ln for ln in plain if stamp is not None and ln.end <= stamp.start]
    if above:
        return above[-1]
    return plain[0] if plain else candidates[0] if candidates else None


def _unspaced(ln: Line) -> Line:
    return Line(ln.start, ln.end, ln.text.replace(" ", ""), ln.role) if _SPACED_RE.match(ln.text) else ln


def _is_kicker_or_subtitle(text: str) -> bool:
    return (text.startswith("【") and text.endswith("】")) or text.startswith(("——", "--"))


def _find_signer(header: list[Line]) -> tuple[Line | None, str, str]:
    for ln in header:
        m = SIGNER_RE.search(ln.text) if ln.role in (SIGNER, SESSION) else None
        if m:
            return ln, m.group("org"), m.group("role")
    return None, "", ""


def _mark_headings(lines: list[Line], body: int) -> list[Line]:
    out = lines[:body]
    for ln in lines[body:]:
        if ln.role == PARAGRAPH and is_heading(ln.text):
            ln = Line(ln.start, ln.end, ln.text, HEADING)
        out.append(ln)
    return out


def is_heading(stripped: str) -> bool:
    """A short line that is not a sentence: a numbered heading, or an unnumbered one of up to 20 characters."""
    return 0 < len(stripped) <= 40 and not stripped.endswith(("。", ",")) and (
        HEADING_RE.match(stripped) is not None or ("。" not in stripped and len(stripped) <= 20)
    )


DATELINE_RE = regex.compile(pattern("date_forms", "dateline"))


def dateline_re() -> regex.Pattern[str]:
    """新华社北京3月5日电, 某某新闻杭州7月20日讯 (记者 某某): an outlet and a place, a date, 电/讯/消息, and the
    reporters' names; by its shape, so that no list of outlets is needed."""
    return DATELINE_RE


class SpanSet:
    """Sorted, non-overlapping spans with a cheap 'does [a, b) fall in one of them' look-up."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def covers(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self.starts, a) - 1
        return i >= 0 and self.spans[i][0] <= a and b <= self.spans[i][1]
