from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.core.numerals import parse_chinese_integer, parse_number

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Standard Chinese numeral for 0 <= n < 10**16 (独立实现, used to test the parser)."""
    if n == 0:
        return "零"

    def section(v: int) -> str:
        out, zero = "", False
        for unit, ch in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = v // unit % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += "零"
                zero = False
            out += DIGITS[d] + ch
        return out

    groups = [(n // 10**12) % 10**4, (n // 10**8) % 10**4, (n // 10**4) % 10**4, n % 10**4]
    names = ["万亿", "亿", "万", ""]
    out, pending_zero = "", False
    for g, name in zip(groups, names, strict=True):
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out += "零"
        out += section(g) + name
        pending_zero = False
    return out


@given(st.integers(min_value=0, max_value=10**13))
@settings(max_examples=3000)
def test_every_integer_up_to_1e13_round_trips(n: int) -> None:
    assert parse_chinese_integer(to_chinese(n)) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [("三千", 3000), ("一万二千", 12000), ("两百", 200), ("十五", 15), ("二十万零三百", 200300), ("三千五", 3500),
     ("一万二", 12000), ("五万亿", 5 * 10**12), ("一亿二千万", 120_000_000), ("万", 10000), ("千万", 10**7),
     ("二〇二二", 2022), ("〇", 0), ("两", 2)],
)
def test_chinese_forms(text: str, value: int) -> None:
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize("text", ["十四五", "三五", "百千"])
def test_names_are_not_numbers(text: str) -> None:
    assert parse_chinese_integer(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234.5", "1234.5"), ("1.2万", "12000"), ("3千万", "30000000"), ("5.2万亿", "5200000000000"),
     ("1456.8万", "14568000"), ("三点五", "3.5")],
)
def test_exact_values(text: str, value: str) -> None:
    assert parse_number(text) == Decimal(value)
