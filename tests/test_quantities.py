"""Quantities: the properties, limits and guards that are no single case.

The scenario cases of quantities (a text and the figures read in it, or that none is) are spec cases in
tests/specs/quantities.jsonl, run by tests/test_specs.py."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.core.extract import extract_text
from pipelines.core.quantities import find_quantities

FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
SENTENCES = [
    "2021年,全市5G基站达到2.8万个,同比增长45%,占全省32%。",
    "网络零售额3.02万亿元,增长11.0%,居全国第一。",
    "数据中心机架超过10万个,存储规模39.4PB。",
    "新增就业1244万人,城镇调查失业率5.2%。",
]


@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_full_width_and_half_width_give_the_same_facts(parts):
    half = "".join(parts)
    full = half.translate(FULLWIDTH)
    a = [(f.start, f.end, f.value, f.unit, f.kind, f.qualifier) for f in extract_text("d", half).facts]
    b = [(f.start, f.end, f.value, f.unit, f.kind, f.qualifier) for f in extract_text("d", full).facts]
    assert a == b and a


@pytest.mark.parametrize(
    "text",
    ["财政收入" + "9" * 400 + "亿元。", "总量达一" + "亿" * 40 + "元。", "合计" + "7" * 5000 + "元。", "达到9" + "0" * 35 + "亿元。",
     "居全国第" + "8" * 4400 + "位。", "占比为百分之" + "6" * 500 + "。", "进入全国前" + "5" * 600 + "位。", "覆盖率" + "3" * 400 + "%。"],
)
def test_a_value_beyond_the_limit_is_skipped_with_a_reason(text):
    skipped: list = []
    assert find_quantities(text, skipped=skipped) == []
    assert skipped and all("limit" in reason for _, _, reason in skipped)
    assert extract_text("t", text).facts == []  # and the document goes on


def test_the_stored_sentence_of_a_long_line_is_a_window_around_the_figure():
    filler = "推进项目建设和产业发展" * 60  # one line of 660 characters with no sentence punctuation
    text = filler + "新增企业120家" + filler + "，新建学校35所" + filler
    fs = extract_text("t", text).facts
    assert [f.text for f in fs] == ["120家", "35所"]
    for f in fs:
        assert f.text in f.sentence and len(f.sentence) <= 2 * 200 + len(f.text)
    assert fs[1].sentence.startswith("新建学校35所")  # cut at the clause mark before the figure
    short = extract_text("t", "全市新增企业120家,同比增长5%。").facts
    assert {f.sentence for f in short} == {"全市新增企业120家,同比增长5%"}  # as before: the sentence


def test_a_corpus_with_a_giant_number_is_written_whole(tmp_path):
    from pipelines.core.extract import extract_corpus_to_jsonl

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "huge.txt").write_text("全市财政收入" + "9" * 5000 + "亿元,新增企业120家。", encoding="utf-8")
    summary = extract_corpus_to_jsonl(corpus, tmp_path / "f.jsonl", tmp_path / "d.jsonl")
    assert (summary.documents, summary.facts, summary.quarantined) == (1, 1, [])
    assert '"120家"' in (tmp_path / "f.jsonl").read_text(encoding="utf-8")
    doc = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert doc["skipped"].startswith("1 figure(s) skipped: value beyond the limit")  # the document's row says why


def test_the_rows_of_one_unit_must_agree_on_its_roles() -> None:
    """A unit's role (scaled, person, year …) belongs to the unit, not to one way of writing it: two rows of
    the unit that disagree are an error when the catalog loads, not a rule that works for one surface only."""
    from decimal import Decimal

    from pipelines.core.units import Unit, _check_unit_roles

    def row(surface: str, roles: frozenset[str]) -> Unit:
        return Unit(surface, "JPY", Decimal(1), "money", None, roles=roles)

    _check_unit_roles(({"日元": row("日元", frozenset({"scaled"})), "円": row("円", frozenset({"scaled"}))}, {}))
    with pytest.raises(ValueError, match="differ in roles"):
        _check_unit_roles(({"日元": row("日元", frozenset({"scaled"})), "円": row("円", frozenset())}, {}))


def test_every_currency_and_volume_carries_its_scale_in_the_surface() -> None:
    from pipelines.core.units import units_with_role

    assert {"CNY", "USD", "JPY", "GBP", "m3"} <= units_with_role("scaled")
