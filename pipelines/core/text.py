"""Length-preserving text normalisation.

Every offset zhibiao reports points into the text exactly as decoded from the file. The patterns
run on a normalised copy in which each character maps to exactly one character, so a span found
in the copy is the same span in the original.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Full-width ASCII (U+FF01..U+FF5E) to half-width, the ideographic space and no-break space to a
# plain space, and a few look-alikes used in numbers and ranges.
_TABLE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_TABLE.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",  # no-break space
        0x2002: " ",
        0x2003: " ",
        0x2009: " ",
        0xFF0E: ".",  # full-width full stop used as a decimal point
        0x2236: ":",  # ratio sign
        0xFE6A: "%",  # small percent sign
        0x2030: "‰",
        0x2014: "—",
        0x2013: "-",  # en dash in ranges
        0x2212: "-",  # minus sign
        0x066B: ".",  # Arabic decimal separator: ٣٫٥ is 3.5
        0x066C: ",",  # Arabic thousands separator
    }
)


def _other_script_digits() -> dict[int, str]:
    """Every decimal digit of another script in the Basic Multilingual Plane (Arabic-Indic ٣, Devanagari ३,
    full-width ３…) to its ASCII digit: ``re``'s ``\\d`` matches them all, so a number written in them must read
    as one, never half. (Digits beyond the plane, such as mathematical 𝟑, are not numbers to zhibiao at all: its
    patterns read ``[0-9]``; a class with them would make this scan several times slower.)"""
    out: dict[int, str] = {}
    for cp in range(0x80, 0x10000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd":
            out[cp] = str(unicodedata.decimal(ch))
    return out


_TABLE.update(_other_script_digits())


def _char_class(cps: list[int]) -> str:
    """A regex character class of the code points, as ranges (a class of single characters is much slower)."""
    runs: list[list[int]] = []
    for cp in sorted(cps):
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return "[" + "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in runs) + "]"


_FOLDED_RE = re.compile(_char_class(list(_TABLE)))


def normalise(text: str) -> str:
    """Return a copy of ``text`` of the same length with full-width forms folded to ASCII."""
    # A text uses a handful of the folded characters (，：；（）): replacing each of those is an order of
    # magnitude faster than str.translate, which looks every character up in a dict.
    for ch in set(_FOLDED_RE.findall(text)):
        text = text.replace(ch, _TABLE[ord(ch)])
    return text


def finditer_at(pattern: re.Pattern[str], starts: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text)``, tried only where ``starts`` (a character class) matches.

    ``re`` skips ahead to a possible first character only for patterns that begin with a literal or a
    class; a pattern that begins with an optional group or a branch of groups is tried at every
    position. Every match of ``pattern`` must begin with a character of ``starts`` and be non-empty."""
    end = 0
    for c in starts.finditer(text):
        p = c.start()
        if p < end:
            continue
        m = pattern.match(text, p)
        if m:
            yield m
            end = m.end()
