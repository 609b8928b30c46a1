"""Exact parsing of Arabic, Chinese and mixed numerals.

Values are ``Decimal`` so that ``1456.8万`` is 14568000 exactly, with no float drift. The characters of
Chinese digits and units and their values are in ``data/numerals.toml``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from .vocab import table, terms, word

_VALUES: dict[str, int] = table("numerals", "values")
WAN = _VALUES["ten_thousands"]
YI = _VALUES["hundred_millions"]


def _characters(low: int, high: int) -> dict[str, int]:
    """Every character of the numeral lists whose value is in [low, high), with that value."""
    return {ch: value for name, value in _VALUES.items() if low <= value < high for ch in terms("numerals", name)}


# The digits the text patterns seek (not the letter O, which only appears in years), and the units inside
# a section (below 万) and the section multipliers.
_SOUGHT_DIGITS = _characters(0, 10)
CN_DIGITS: dict[str, int] = _SOUGHT_DIGITS | table("numerals", "unsought_digits")
CN_SMALL_UNITS: dict[str, int] = _characters(10, WAN)
CN_BIG_UNITS: dict[str, int] = _characters(WAN, 10 * YI)

# Character classes for the patterns.
CN_DIGIT_CHARS = "".join(_SOUGHT_DIGITS)
CN_UNIT_CHARS = "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)
CN_NUMERAL_CHARS = CN_DIGIT_CHARS + CN_UNIT_CHARS
DECIMAL_POINT = word("numerals", "decimal_point")


def parse_chinese_integer(s: str) -> int | None:
    """Parse a Chinese integer such as 三千, 一万二千, 两百零五, 十五, 五万亿, 一万二 (=12000).

    Returns None for strings that are not a well-formed numeral (十四五, 二三四十).
    A string of digits only (二〇二二) is read digit by digit.
    """
    if not s:
        return None
    if all(ch in CN_DIGITS for ch in s):
        return _positional(s)
    if len(s) == 1:
        return CN_SMALL_UNITS.get(s) or CN_BIG_UNITS[s]  # a unit alone (十, 万): most numerals with a unit
    numeral = _Numeral()
    for ch in s:
        step, value = _STEPS[ch]
        if not step(numeral, value):
            return None
    return numeral.value()


def _positional(s: str) -> int | None:
    """二〇二二: digits only, read digit by digit. Two-digit forms like 三五 mean "three or five": None."""
    if len(s) == 1:
        return CN_DIGITS[s]
    if len(s) >= 3 or any(CN_DIGITS[ch] == 0 for ch in s):
        return int("".join(str(CN_DIGITS[ch]) for ch in s))
    return None


class _Numeral:
    """A Chinese numeral with units, read left to right; each ``add_`` step says whether it is still
    well formed."""

    __slots__ = ("big_unit", "digit", "section", "small", "small_unit", "total", "zero_seen")

    def __init__(self) -> None:
        self.total = 0  # completed 亿 groups
        self.section = 0  # value below the current 亿, including 万 groups
        self.small = 0  # value below the current 万
        self.digit: int | None = None  # a digit waiting for its unit
        self.small_unit = 0  # the last unit below 万 of this group
        self.big_unit = 0  # the last 万 or 亿
        self.zero_seen = False

    def add_digit(self, d: int) -> bool:
        """A digit; a zero only marks a gap (两百零五)."""
        if d == 0:
            self.zero_seen = True
            return self.digit is None
        if self.digit is not None:
            return False  # two digits in a row: 十四五 is a name, not a number
        self.digit = d
        return True

    def add_small_unit(self, unit: int) -> bool:
        """十, 百 or 千 multiplies the digit before it; alone, 十五 = 15 and 百 = 100."""
        if self.small_unit and unit >= self.small_unit:
            return False  # 百千 is not a numeral
        digit = self.digit
        if digit is None:
            if (unit != 10 or self.small) and (self.small or self.section or self.total):
                return False
            digit = 1
        self.small += digit * unit
        self.digit = None
        self.small_unit = unit
        self.zero_seen = False
        return True

    def add_big_unit(self, unit: int) -> bool:
        """万 or 亿 multiplies the group before it (万 alone = 10000)."""
        group = self.small + (self.digit or 0)
        if group == 0 and not (self.section or self.total):
            group = 1
        if unit == YI:
            # 五万亿 multiplies the 万 section; 一万亿零一亿 adds a second 亿 group to the first.
            self.total = self.total + (self.section + group) * unit if self.section + group else self.total * unit
            self.section = 0
        else:
            if self.big_unit == WAN and group == 0:
                return False
            self.section += group * unit
        self.small = 0
        self.digit = None
        self.small_unit = 0
        self.big_unit = unit
        self.zero_seen = False
        return True

    def value(self) -> int:
        """The value; a last digit without a unit counts in the unit below the last one (三千五 = 3500,
        一万二 = 12000)."""
        small = self.small
        if self.digit is not None:
            digit = self.digit
            if self.small_unit and not self.zero_seen:
                digit *= self.small_unit // 10
            elif self.big_unit and not self.small_unit and not self.zero_seen and not small:
                digit *= self.big_unit // 10
            small += digit
        return self.total + self.section + small


# The step each character is read with, and its value (one look-up a character on the hot path).
_STEPS: dict[str, tuple[Callable[[_Numeral, int], bool], int]] = {
    **{ch: (_Numeral.add_digit, v) for ch, v in CN_DIGITS.items()},
    **{ch: (_Numeral.add_small_unit, v) for ch, v in CN_SMALL_UNITS.items()},
    **{ch: (_Numeral.add_big_unit, v) for ch, v in CN_BIG_UNITS.items()},
}


def multiplier_value(s: str) -> int | None:
    """Value of a run of multipliers such as 万, 亿, 万亿, 千万, 百亿."""
    if not s:
        return 1
    value = 1
    for ch in s:
        if ch in CN_SMALL_UNITS:
            value *= CN_SMALL_UNITS[ch]
        elif ch in CN_BIG_UNITS:
            value *= CN_BIG_UNITS[ch]
        else:
            return None
    return value


def parse_arabic(s: str) -> Decimal | None:
    """Parse ``1,234.5`` (thousands separators allowed) exactly."""
    try:
        return Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None


def parse_chinese_decimal(s: str) -> Decimal | None:
    """Parse a Chinese numeral with an optional 点 decimal part: 三点五 = 3.5, 十二点零五 = 12.05."""
    if DECIMAL_POINT in s:
        whole, _, frac = s.partition(DECIMAL_POINT)
        w = parse_chinese_integer(whole) if whole else 0
        if w is None or not frac or any(ch not in CN_DIGITS for ch in frac):
            return None
        return Decimal(f"{w}.{''.join(str(CN_DIGITS[ch]) for ch in frac)}")
    v = parse_chinese_integer(s)
    return None if v is None else Decimal(v)


def parse_number(s: str) -> Decimal | None:
    """Parse any numeral zhibiao accepts: 1.2万, 3千万, 5.2万亿, 1,234.5, 一万二千, 三点五."""
    s = s.strip()
    if not s:
        return None
    i = 0
    while i < len(s) and (s[i].isdigit() or s[i] in ".,"):
        i += 1
    if i:
        base = parse_arabic(s[:i])
        mult = multiplier_value(s[i:])
        if base is None or mult is None:
            return None
        return base * mult
    return parse_chinese_decimal(s)


def to_json_number(value: Decimal) -> int | float:
    """Integers stay integers in JSON; everything else is the nearest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
