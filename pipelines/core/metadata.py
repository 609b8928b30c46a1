"""Document metadata: title, dates, proposal number, session, addressee, responder, region, number."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache

import regex

from .layout import (
    CAPTION,
    CHROME,
    DATE,
    FIELD,
    HEADER,
    SALUTATION_RE,
    SESSION,
    SIGNER,
    TITLE,
    Layout,
    SpanSet,
    build_layout,
    dateline_re,
)
from .numerals import parse_chinese_integer
from .regions import NATIONAL_CODE, PROVINCE_ABBREVIATIONS, Gazetteer, Region, RegionMention, gazetteer
from .vocab import pattern, rows, table, terms, word


def _regex(file: str, name: str) -> regex.Pattern[str]:
    """A pattern of the data files, compiled by the regex module (for [[:Han:]])."""
    return regex.compile(pattern(file, name))


AGENCY_RE = _regex("agency_names", "agency")
JUNK_RE = _regex("responder_cues", "not_agency")
DATE_CN_RE = _regex("date_forms", "cn_date_parts")
DATE_ISO_RE = regex.compile(r"(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
TITLE_REPLY_RE = _regex("title_forms", "reply_title")
TITLE_BODY_RE = _regex("title_forms", "quoted_proposal")
ADDRESSEE_RE = _regex("salutations", "addressee")
SESSION_RE = _regex("meetings", "session")
PROPOSAL_RE = _regex("document_numbers", "proposal_no")
# Both begin with a class so that the search skips ahead to it (a lookbehind or a run of Han characters
# first would be tried at every character of the header).
# An index number: an organisation code (MB1532375, 11370700MB28570917), /, the year and a serial.
INDEX_NO_RE = re.compile(r"([0-9A-Z](?<![0-9A-Za-z][0-9A-Z])[0-9A-Z]{5,23}/(?:19|20)\d{2}-\d{3,6})(?!\d)")
# A document number: an issuer's abbreviation (1 to 12 Han characters, found leftwards), then 〔2023〕45号.
DOC_NO_CORE_RE = re.compile(pattern("document_numbers", "doc_number"))
HAN_BEFORE_RE = regex.compile(r"\p{Han}{1,12}$")
BRACKET_TITLE_RE = regex.compile(r"【([^】]{4,60})】.*")
TITLE_SPLIT_RE = regex.compile(r"——|—|\s{2,}")
NOT_ADDRESSEE_RE = re.compile(pattern("salutations", "not_addressee_words"))
SESSION_LEAD_RE = re.compile(pattern("meetings", "session_lead"))
SPACES_RE = regex.compile(r"\s+")
SELF_AGENCY_RE = re.compile(pattern("responder_cues", "self_agency"))
SELF_AGENCY_WRITTEN_OUT = table("responder_cues", "written_out")
SHORT_AGENCY_RE = _regex("agency_names", "short_agency")
TITLE_AGENCY_RE = _regex("title_forms", "title_agency")
OWN_GOVERNMENT_RE = _regex("agency_names", "own_government")
NATIONAL_BODY_RE = re.compile(pattern("agency_names", "national_body"))
REPRESENT_RE = _regex("responder_cues", "represent")
# 记者从某省商务厅获悉: the agency a news item's figures come from.
REPORTED_BY_RE = _regex("responder_cues", "reported_by")
# 新华社某地3月5日电(记者 某某) before the first words of a news item.
NEWS_SOURCE_RE = _regex("responder_cues", "news_source")
TERM = word("meetings", "term")  # 届
MEETING = word("meetings", "meeting")  # 会议
NUMBER_MARK = word("document_numbers", "number_mark")  # 号
CENTRAL_GOVERNMENT = word("agency_names", "central_government")  # 国务院
GOVERNMENT = terms("agency_names", "government")[0]  # 人民政府
DISTRICT = word("agency_names", "district")  # 区


@dataclass
class DocRecord:
    doc: str
    title: str | None = None
    reply_date: str | None = None
    publish_date: str | None = None
    proposal_no: str | None = None
    session: str | None = None
    addressee: str | None = None
    responder: str | None = None
    region: str | None = None
    doc_number: str | None = None
    region_code: str | None = None
    genre: str | None = None  # reply, work_report, communique, news, other; None where nothing says
    skipped: str | None = None  # figures left out of the facts and why (a value beyond 1e30)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@cache
def agency_abbreviations() -> dict[str, str]:
    return {r["abbreviation"]: r["stem"] for r in rows("agencies.csv")}


def _cn_or_int(s: str) -> int | None:
    return int(s) if s.isdigit() else parse_chinese_integer(s)


def parse_date(m: regex.Match[str]) -> str | None:
    y, mo, d = _cn_or_int(m.group("y")), _cn_or_int(m.group("m")), _cn_or_int(m.group("d"))
    if not (y and mo and d) or not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _iso(m: regex.Match[str]) -> str | None:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def title_of(layout: Layout, norm: str) -> str | None:
    """The title line of the header (关于…的答复 cut out of a line that holds more); else a proposal's
    title quoted in the opening (您提出的关于…的提案收悉), or a 【bracketed】 title line."""
    if layout.title is not None:
        ln = layout.title.text
        m = TITLE_REPLY_RE.search(ln)
        if m:
            # 某局关于…的答复: the agency is part of the printed title; page junk before 关于 is not
            return ln[: m.end()] if AGENCY_RE.match(ln[: m.start()].strip()) else m.group()
        title = TITLE_SPLIT_RE.split(ln)[0].strip()
        if 4 <= len(title) <= 60 and not title.endswith(("。", ":")):
            return title
    m = TITLE_BODY_RE.search(norm[:600])
    if m:
        return m.group(1)
    for ln in layout.lines[:40]:
        b = BRACKET_TITLE_RE.fullmatch(ln.text)
        if b and ln.role != CHROME:
            return b.group(1)
    return None


def find_addressee(lines: list[str]) -> str | None:
    """The salutation that opens the body (某某委员:), not a greeting to an audience (各位代表:)."""
    for ln in lines[:3]:
        m = SALUTATION_RE.match(ln)
        if m and ADDRESSEE_RE.fullmatch(m.group("who")) and not NOT_ADDRESSEE_RE.search(ln):
            return m.group("who")
    return None


def _labels_only(line: str, field: str) -> bool:
    """Whether the dates of a labelled header line are all of ``field`` (成文日期:… is no publish date)."""
    labels = [HEADER_LABELS[SPACES_RE.sub("", m.group("label"))] for m in HEADER_LABEL_RE.finditer(line)]
    dated = [f for f in labels if f in ("reply_date", "publish_date")]
    return bool(dated) and all(f == field for f in dated)


def dates_of(layout: Layout, body: list[str], norm: str) -> tuple[str | None, str | None]:
    """(reply date, publish date): the date a reply is signed (a short last line) or a speech was given
    (its session line); the date a page was published (a header date or time stamp)."""
    publish = None
    # a labelled date first (not 成文日期, the date a reply was written), then a lone time stamp
    candidates = [ln for ln in layout.header_lines() if not _labels_only(ln.text, "reply_date")]
    for roles in ((FIELD,), (DATE,), (HEADER,)):
        publish = next((d for ln in candidates if ln.role in roles and (d := date_of(ln.text))), None)
        if publish:
            break
    reply = None
    for ln in reversed(body[-6:]):
        found = [parse_date(m) for m in DATE_CN_RE.finditer(ln)]
        found = [d for d in found if d]
        if found and len(ln) <= 30:
            reply = found[-1]
            break
    if reply is None and layout.session is not None:
        m = DATE_CN_RE.search(layout.session.date)
        reply = parse_date(m) if m else None
    return reply, publish


def find_session(lines: list[str]) -> str | None:
    header = "".join(lines[:12])
    if TERM not in header or MEETING not in header:
        return None
    # A session name starts at most 8 characters and a short ordinal before its first 届; searching from
    # there spares the lazy prefix its tries at every character of the header.
    m = SESSION_RE.search(header, max(0, header.index(TERM) - 20))
    if not m:
        return None
    s = m.group("s")
    # Trim leading words that are not part of the name (在广东省…, 答复关于市政协…).
    s = SESSION_LEAD_RE.sub("", s)
    return s


def find_doc_number(lines: list[str]) -> str | None:
    header = "\n".join(lines[:12])
    m = INDEX_NO_RE.search(header) if "/" in header else None
    if m:
        return m.group(1)
    for core in DOC_NO_CORE_RE.finditer(header) if NUMBER_MARK in header else ():
        issuer = HAN_BEFORE_RE.search(header, max(0, core.start() - 12), core.start())
        if issuer:
            return SPACES_RE.sub("", header[issuer.start() : core.end()])
    return None


def _level_of_office(role: str) -> str | None:
    """省长 speaks for a province, 市长 for a city, 县长 for a county: the level the signer's office implies."""
    if not role:
        return None
    return next((level for level in terms("offices", "levels") if role.endswith(terms("offices", level))), None)


def title_agency(title: str | None) -> str | None:
    """某市发展和改革委员会关于…的答复, 国家统计局:上半年…: the agency a title opens with."""
    m = TITLE_AGENCY_RE.match(title or "")
    return m.group(1) if m and AGENCY_RE.match(m.group(1)) else None


def _most_specific(mentions: list[RegionMention], gaz: Gazetteer, source: str | None = None) -> Region | None:
    """The first place a header names, narrowed by the places written right after it (成都市武侯区: the
    district; a district name several cities share is the one inside the place before it)."""
    found: Region | None = None
    end = -1
    for rm in mentions:
        if found is not None and rm.start != end:
            break
        r = rm.region or (gaz.resolve_shared(rm, found) if rm.candidates else None)
        if r is None:
            if found is None:
                continue  # a self reference or a macro area before any place
            break
        if found is not None and not r.code.startswith(found.code[:2] if found.level == "province" else found.code[:4]):
            break
        found, end = r, rm.end
        if r.level == "national":
            break
    if found is not None and found.level != "county" and source is not None:
        return gaz.county_after(found, source, end) or found
    return found


def find_doc_region(cues: tuple[str | None, ...], mentions: list[RegionMention], gaz: Gazetteer,
                    doc_number: str | None, norm: str, level: str | None) -> Region | None:  # fmt: skip
    """The document's own region: the first place named by its agency, title, session, signer or header;
    then its number's province abbreviation; then the place its text names most (of the level the
    signer's office implies). None where nothing names one."""
    for source in cues:
        found = _most_specific(gaz.mentions(source), gaz, source) if source else None
        if found is not None:
            return found
    if doc_number and doc_number[0] in PROVINCE_ABBREVIATIONS:
        return gaz.region(PROVINCE_ABBREVIATIONS[doc_number[0]])
    if level == "national" or any(c and c.startswith(CENTRAL_GOVERNMENT) for c in cues):
        return gaz.region(NATIONAL_CODE)
    counts: Counter[str] = Counter()
    self_words: Counter[str] = Counter()
    for rm in mentions:
        if rm.region is not None and rm.self_ref != "national":
            counts[rm.region.code] += 1
        elif rm.self_ref:
            self_words[rm.self_ref] += 1
    local = sum(n for ref, n in self_words.items() if ref != "national")
    if self_words.get("national", 0) > local and self_words.get("national", 0) >= 2:
        return gaz.region(NATIONAL_CODE)
    if not counts:
        return None
    prefer = level or _level_of_self_references(self_words)
    ranked = counts.most_common()
    for code, _ in ranked:
        r = gaz.region(code)
        if r.level == prefer:
            return r
    return gaz.region(ranked[0][0])


def _level_of_self_references(self_words: Counter[str]) -> str:
    """我省 more often than 我市: a province's document; else a prefecture's."""
    unit = table("document_region", "self_reference_level")
    return "province" if self_words.get(unit["province"], 0) > self_words.get(unit["prefecture"], 0) else "prefecture"


def full_agency_name(name: str | None, region: Region | None) -> str | None:
    """市经信局 -> 某市经济和信息化局, 自治区能源局 -> 某自治区能源局: an agency named by its own unit and an
    abbreviation, written out with the document's region and the stem of the abbreviation (agencies.csv)."""
    m = SHORT_AGENCY_RE.fullmatch(name or "")
    if not m or region is None or region.level == "national" or not region.name.endswith(m.group("unit")):
        return name
    body = agency_abbreviations().get(m.group("body"), m.group("body"))
    return region.name + body + m.group("suffix")


def own_government(who: str, region: Region | None) -> str:
    """我代表省政府 / 自治区人民政府: the government of the document's own region, by its full name."""
    m = OWN_GOVERNMENT_RE.fullmatch(who)
    if m and region is not None and region.level != "national" and region.name.endswith(m.group("unit") or ""):
        return government_name(region, gazetteer())
    return who


def find_responder(lines: list[str], norm: str, region: Region | None, doc_number: str | None,
                   opening: str = "") -> str | None:  # fmt: skip
    for ln in lines[:8]:
        if AGENCY_RE.match(ln) and not JUNK_RE.search(ln):
            return ln
        parts = ln.split()
        if len(parts) > 1 and all(AGENCY_RE.match(p) for p in parts):
            return parts[0]  # 某市统计局 国家统计局某调查队: joint issuers, the first one leads
    for ln in reversed(lines[-5:]):
        if AGENCY_RE.match(ln) and not JUNK_RE.search(ln):
            return ln
    m = REPRESENT_RE.search(opening or norm[:400])
    if m:
        return own_government(m.group(1), region)
    lead = dateline_re().sub("", opening) if opening else norm[:80]
    m = NEWS_SOURCE_RE.search(lead) or REPORTED_BY_RE.search(lead[:120])
    if m:
        return m.group(1)
    m = SELF_AGENCY_RE.search(norm)
    if m and doc_number and region is not None:
        abbrevs = agency_abbreviations()
        body = doc_number[1:] if doc_number[0] in PROVINCE_ABBREVIATIONS else doc_number
        for ab in sorted(abbrevs, key=len, reverse=True):
            if body.startswith(ab):
                unit = m.group(1)
                return region.name + abbrevs[ab] + SELF_AGENCY_WRITTEN_OUT.get(unit, unit)
    return None


# Labelled header fields (government site tables, header_fields.csv). Labels may have spaces inside
# (索 引 号, 标    题), and several fields may share a line.
HEADER_LABELS: dict[str, str] = {r["label"]: r["field"] for r in rows("header_fields.csv")}
HEADER_LABEL_RE = re.compile(
    "(?P<label>" + "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(HEADER_LABELS, key=len, reverse=True))
    + r")\s*[:：]\s*"
)


def header_fields(lines: list[str]) -> dict[str, str]:
    """Values of labelled fields in the first lines: 索 引 号：…  发文机关：…  成文日期：…"""
    out: dict[str, str] = {}
    for ln in lines[:15]:
        marks = list(HEADER_LABEL_RE.finditer(ln))
        for k, m in enumerate(marks):
            end = marks[k + 1].start() if k + 1 < len(marks) else len(ln)
            value = ln[m.end() : end].strip()
            field = HEADER_LABELS[SPACES_RE.sub("", m.group("label"))]
            if value and field and field not in out:
                out[field] = value
    return out


def date_of(value: str | None) -> str | None:
    if not value:
        return None
    m = DATE_CN_RE.search(value)
    if m:
        return parse_date(m)
    m = DATE_ISO_RE.search(value)
    return _iso(m) if m else None


@dataclass(frozen=True)
class _Lines:
    """The texts of a layout's lines that metadata reads: the whole header, the header without chrome and
    captions, the body without chrome."""

    header: list[str]
    meaningful: list[str]
    body: list[str]

    @classmethod
    def of(cls, layout: Layout) -> _Lines:
        return cls(
            [ln.text for ln in layout.header_lines()],
            [ln.text for ln in layout.header_lines() if ln.role not in (CHROME, CAPTION)],
            [ln.text for ln in layout.body_lines() if ln.role != CHROME],
        )


def parse_metadata(doc_id: str, norm: str, gaz: Gazetteer, mentions: list[RegionMention] | None = None,
                   layout: Layout | None = None, text: str | None = None) -> tuple[DocRecord, Region | None]:  # fmt: skip
    """The document's fields and its own region (None where nothing says which), read from its layout:
    the header block first, the body only for what a header does not state."""
    layout = layout or build_layout(norm, HEADER_LABEL_RE, AGENCY_RE)
    lines = _Lines.of(layout)
    rec = _fields_as_written(doc_id, layout, lines, norm)
    fields = header_fields(lines.header)
    _apply_header_fields(rec, fields)
    header_agency = _header_agency(fields, lines.meaningful)
    signature = next((ln for ln in reversed(lines.body[-5:]) if AGENCY_RE.match(ln)), None)
    region = _own_region(rec, layout, gaz, mentions, norm, header_agency or signature)
    rec.region = region.name if region else None
    rec.region_code = region.code if region else None
    rec.responder = _responder(rec, layout, lines, norm, region, gaz, header_agency, fields)
    if text is not None and text != norm:
        for name in ("title", "session", "addressee", "responder"):
            setattr(rec, name, _as_printed(getattr(rec, name), norm, text))
    return rec, region


def _fields_as_written(doc_id: str, layout: Layout, lines: _Lines, norm: str) -> DocRecord:
    """The fields the header's and the body's lines state: title, dates, proposal number, session,
    addressee and document number."""
    meaningful, body = lines.meaningful, lines.body
    rec = DocRecord(doc=doc_id)
    rec.title = title_of(layout, norm)
    rec.reply_date, rec.publish_date = dates_of(layout, body, norm)
    m = PROPOSAL_RE.search("\n".join(meaningful[:12] + body[:3]))
    rec.proposal_no = (m.group(1) or m.group(2)) if m else None
    rec.session = layout.session.name if layout.session else find_session(meaningful + body[:2])
    rec.addressee = find_addressee(body[:3])
    rec.doc_number = find_doc_number(lines.header + body[:2])
    return rec


def _apply_header_fields(rec: DocRecord, fields: dict[str, str]) -> None:
    """A labelled header field (标题:…, 成文日期:…, 文号:…) states its field over what the lines suggest."""
    if not fields:
        return
    rec.title = fields.get("title") or rec.title
    rec.reply_date = date_of(fields.get("reply_date")) or rec.reply_date
    rec.publish_date = date_of(fields.get("publish_date")) or rec.publish_date
    number = fields.get("doc_number") or fields.get("index_no")
    if number:
        rec.doc_number = SPACES_RE.sub("", number)


def _header_agency(fields: dict[str, str], meaningful: list[str]) -> str | None:
    """The agency a header names: its labelled issuer (发文机关:…) if that is an agency, else an agency line."""
    labelled = fields.get("responder")
    if labelled and AGENCY_RE.match(labelled):
        return labelled
    return next((ln for ln in meaningful[:8] if AGENCY_RE.match(ln)), None)


def _own_region(rec: DocRecord, layout: Layout, gaz: Gazetteer, mentions: list[RegionMention] | None, norm: str,
                issuer: str | None) -> Region | None:  # fmt: skip
    """The document's region, from its title's agency, its issuer, title, session, signer and header lines, or
    the places its text names (not those of datelines and page furniture)."""
    if mentions is None:
        mentions = gaz.mentions(norm)
    # 新华社北京…电 and 来源: 某日报 name where a reporter filed and who published: not the document's subject
    aside = SpanSet(layout.datelines + layout.furniture())
    mentions = [rm for rm in mentions if not aside.covers(rm.start, rm.end)]
    # the title's own agency (某局关于…, 国家统计局:…) before a header agency line, which may be the site's owner;
    # header fields (来源: 某日报) name a publisher, not the document's place
    own = title_agency(rec.title)
    named = [ln.text for ln in layout.header_lines() if ln.role in (HEADER, TITLE, SESSION, SIGNER)]
    if own and NATIONAL_BODY_RE.match(own) and not gaz.mentions(rec.title or ""):
        return gaz.region(NATIONAL_CODE)
    cues = (own or issuer, rec.title, rec.session, layout.signer_org, "".join(named[:4]))
    return find_doc_region(cues, mentions, gaz, rec.doc_number, norm, _level_of_office(layout.signer_role))


def _responder(rec: DocRecord, layout: Layout, lines: _Lines, norm: str, region: Region | None, gaz: Gazetteer,
               header_agency: str | None, fields: dict[str, str]) -> str | None:  # fmt: skip
    """A report signed by a head of government is that government's; else the header's labelled agency,
    else the issuer the lines and the opening name; written out in full."""
    responder = _signer_government(layout, region, gaz)
    if responder is None and header_agency and fields.get("responder") == header_agency:
        responder = header_agency
    opening = "".join(lines.body[:3])
    responder = responder or find_responder(lines.meaningful + lines.body, norm, region, rec.doc_number, opening)
    return full_agency_name(responder, region)


def _as_printed(value: str | None, norm: str, text: str) -> str | None:
    """A field found in the normalised text, as the document prints it (临沂：, not 临沂:); a wrapped
    title is found line by line."""
    if not value:
        return value
    i = norm.find(value)
    if i >= 0:
        return text[i : i + len(value)]
    return value


def _signer_government(layout: Layout, region: Region | None, gaz: Gazetteer) -> str | None:
    """A work report signed by the head of a government (市长 某某) is that government's report."""
    level = _level_of_office(layout.signer_role)
    if level == "national":
        return CENTRAL_GOVERNMENT
    if level is None or region is None or region.level == "national":
        return None
    return government_name(region, gaz)


def government_name(region: Region, gaz: Gazetteer) -> str:
    """某省人民政府; a city's district is named with its city (深圳市龙岗区人民政府), a county on its own."""
    city = gaz.city_of(region)
    if region.level == "county" and region.name.endswith(DISTRICT) and city is not region and city.level == "prefecture":
        return city.name + region.name + GOVERNMENT
    return region.name + GOVERNMENT
