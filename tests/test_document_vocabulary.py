"""The document vocabularies (genres, offices, salutations, date and title forms) read from pipelines/core/data."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import regex

from pipelines.core import layout, metadata, vocab
from pipelines.core.layout import genre_of_title
from pipelines.core.metadata import find_addressee

DATA = Path(__file__).resolve().parents[1] / "pipelines/core/data"
DOC_TOML = ["agency_names", "captions", "date_forms", "document_numbers", "document_region", "genres", "headings",
            "meetings", "offices", "ordinal_forms", "responder_cues", "salutations", "section_periods", "title_forms"]  # fmt: skip


@pytest.mark.parametrize("file", DOC_TOML)
def test_every_pattern_compiles_and_every_list_holds_each_word_once(file: str) -> None:
    doc = tomllib.loads((DATA / f"{file}.toml").read_text(encoding="utf-8"))
    for name, value in doc.items():
        if isinstance(value, str):
            regex.compile(vocab.pattern(file, name))
        elif isinstance(value, list):
            assert len(set(value)) == len(value), f"{file}.{name} repeats a word"


@pytest.mark.parametrize(("title", "genre"), [
    ("关于加快数字经济发展的提案的答复", "reply"),
    ("某市人民政府关于某事项的复函", "reply"),
    ("2025年某省政府工作报告", "work_report"),
    ("2024年某市国民经济和社会发展统计公报", "communique"),
    ("某省人民政府关于印发某方案的通知", "other"),
    ("某市召开经济运行分析会", None),
    (None, None),
])  # fmt: skip
def test_a_titles_longest_ending_tells_its_genre(title: str | None, genre: str | None) -> None:
    assert genre_of_title(title) == genre


def test_every_genre_has_its_title_endings() -> None:
    for genre in vocab.terms("genres", "genres"):
        assert genre.isidentifier(), f"{genre!r} must be a name (it names a regex group)"
        assert vocab.pattern("genres", genre)


def test_no_office_ends_with_another_so_the_level_does_not_depend_on_order() -> None:
    offices = [o for level in vocab.terms("offices", "levels") for o in vocab.terms("offices", level)]
    assert not [(a, b) for a in offices for b in offices if a != b and a.endswith(b)]
    assert metadata._level_of_office("代市长") == "prefecture"
    assert metadata._level_of_office("总理") == "national"
    assert metadata._level_of_office("秘书长") is None


def test_one_salutation_pattern_opens_the_body_and_names_the_addressee() -> None:
    assert metadata.SALUTATION_RE is layout.SALUTATION_RE
    assert find_addressee(["尊敬的王某某委员:"]) == "王某某委员"
    # a list of names opens the body but is no single addressee; an audience or a label is none either
    assert layout.SALUTATION_RE.match("王某某、李某某代表:")
    assert find_addressee(["王某某、李某某代表:"]) is None
    assert find_addressee(["各位代表:"]) is None
    assert find_addressee(["来源:"]) is None
    assert find_addressee(["某" * 21 + ":"]) is None
