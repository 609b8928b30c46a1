"""The patterns of the vocabulary files: every one resolves, and the flat form ``vocab.regex`` compiles (word
lists spliced into the alternation they stand in) finds exactly what the grouped form of ``vocab.pattern``
finds, on the text around figures of real documents and on every word of the files."""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from pipelines.core import vocab

DATA = resources.files("pipelines.core").joinpath("data")
FILES = tuple(sorted(p.name.removesuffix(".toml") for p in DATA.iterdir() if p.name.endswith(".toml")))
DOCS = Path(__file__).parent / "data" / "genres" / "set1" / "docs"


def _patterns() -> list[tuple[str, str]]:
    out = []
    for f in FILES:
        doc = tomllib.loads(resources.files("pipelines.core").joinpath(f"data/{f}.toml").read_text(encoding="utf-8"))
        out += [(f, name) for name, value in doc.items() if isinstance(value, str) and _compiles(f, name)]
    return out


def _compiles(file: str, name: str) -> bool:
    """Patterns written for the ``regex`` module (``[[:Han:]]``) are compiled by the code that reads them."""
    source = vocab.pattern(file, name)
    if "[[:" in source:
        return False
    re.compile(source)  # any other pattern must compile
    return True


def _windows() -> list[str]:
    """The text before and after figures of real documents, and every word of the files alone."""
    out: list[str] = []
    for p in sorted(DOCS.glob("*.txt"))[:4]:
        text = p.read_text(encoding="utf-8")
        for m in list(re.finditer(r"\d+", text))[:400]:
            out += [text[max(0, m.start() - k) : m.start()] for k in (3, 12, 40)]
            out.append(text[m.end() : m.end() + 12])
    for f in FILES:
        doc = tomllib.loads(resources.files("pipelines.core").joinpath(f"data/{f}.toml").read_text(encoding="utf-8"))
        out += [w for value in doc.values() if isinstance(value, list) for w in value]
    return out


WINDOWS = _windows()


def _found(r: re.Pattern[str], s: str) -> tuple[object, ...]:
    m, whole = r.search(s), r.fullmatch(s)
    return (m and (m.span(), m.groups()), whole and whole.span(), r.sub("", s), r.findall(s))


@pytest.mark.parametrize(("file", "name"), _patterns())
def test_the_flat_pattern_finds_what_the_grouped_one_finds(file: str, name: str) -> None:
    grouped, flat = re.compile(vocab.pattern(file, name)), vocab.regex(file, name)
    differ = [s for s in WINDOWS if _found(grouped, s) != _found(flat, s)]
    assert not differ, f"{file}.{name}: {differ[:3]}"


def test_flattening_splices_groups_of_words_only() -> None:
    source = vocab.pattern("label_words", "verb_before")
    assert source.count("(?:") > 1  # vocab groups every reference
    assert vocab.regex("label_words", "verb_before").pattern.count("(?:") == 1  # one alternation, then $
    # a group that is quantified, or follows a literal, keeps its parentheses
    assert "(?:" in vocab.regex("comparison_cues", "tail").pattern
    assert vocab.regex("label_words", "trailing").pattern.endswith(")+$")
