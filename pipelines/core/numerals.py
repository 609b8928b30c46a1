"""Exact parsing of Arabic, Chinese and mixed numerals.

Values are ``Decimal`` so that ``1456.8万`` is 14568000 exactly, with no float drift.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "O": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "两": 2, "贰": 2, "貳": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
# Units inside a section (below 万) and the section multipliers.
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

# Character classes for the patterns (digits exclude the letter O, which only appears in years).
CN_DIGIT_CHARS = "零〇○一壹二两贰三叁四肆五伍六陆七柒八捌九玖"
CN_UNIT_CHARS = "十拾百佰千仟万萬亿億"
CN_NUMERAL_CHARS = CN_DIGIT_CHARS + CN_UNIT_CHARS


def parse_chinese_integer(s: str) -> int | None:
    """Parse a Chinese integer such as 三千, 一万二千, 两百零五, 十五, 五万亿, 一万二 (=12000).

    Returns None for strings that are not a well-formed numeral (十四五, 二三四十).
    A string of digits only (二〇二二) is read digit by digit.
    """
    if not s:
        return None
    if all(ch in CN_DIGITS for ch in s):
        if len(s) == 1:
            return CN_DIGITS[s]
        # 二〇二二 style: positional digits. Two-digit forms like 三五 mean "three or five": reject.
        if len(s) >= 3 or any(CN_DIGITS[ch] == 0 for ch in s):
            return int("".join(str(CN_DIGITS[ch]) for ch in s))
        return None
    total = 0  # completed 亿 groups
    section = 0  # value below the current 亿, including 万 groups
    small = 0  # value below the current 万
    digit: int | None = None
    last_small_unit = 0
    last_big_unit = 0
    zero_seen = False
    for ch in s:
        if ch in CN_DIGITS:
            d = CN_DIGITS[ch]
            if d == 0:
                zero_seen = True
                if digit is not None:
                    return None
                continue
            if digit is not None:
                return None  # two digits in a row: 十四五 is a name, not a number
            digit = d
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if last_small_unit and unit >= last_small_unit:
                return None  # 百千 is not a numeral
            if digit is None:
                if (ch not in "十拾" or small) and (small or section or total):
                    return None
                digit = 1  # 十五 = 15, 百 = 100
            small += digit * unit
            digit = None
            last_small_unit = unit
            zero_seen = False
        else:  # 万 or 亿
            unit = CN_BIG_UNITS[ch]
            group = small + (digit or 0)
            if group == 0 and not (section or total):
                group = 1  # 万 alone = 10000
            if unit == 10**8:
                # 五万亿 multiplies the 万 section; 一万亿零一亿 adds a second 亿 group to the first.
                total = total + (section + group) * unit if section + group else total * unit
                section = 0
            else:
                if last_big_unit == 10**4 and group == 0:
                    return None
                section += group * unit
            small = 0
            digit = None
            last_small_unit = 0
            last_big_unit = unit
            zero_seen = False
    if digit is not None:
        if last_small_unit and not zero_seen:
            digit *= last_small_unit // 10  # 三千五 = 3500
        elif last_big_unit and not last_small_unit and not zero_seen and not small:
            digit *= last_big_unit // 10  # 一万二 = 12000
        small += digit
    return total + section + small


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
    if "点" in s:
        whole, _, frac = s.partition("点")
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
