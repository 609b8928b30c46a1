"""Numerals: every integer round-trips. Single forms (三千五, 十四五, 1.2万) are spec cases in tests/specs/numerals.jsonl."""

from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.core.numerals import parse_chinese_integer

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
