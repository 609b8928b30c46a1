"""Vocabularies of the core, read from the data files under ``pipelines/core/data``.

Three kinds of file, each holding one concept:

- ``.txt``: a word list, one entry per line;
- ``.csv``: rows with a header line (``#`` starts a comment line in both);
- ``.toml``: named word lists (arrays), tables (mappings) and regex patterns (strings) of one concept.
  A pattern may refer to another by name: ``{name}`` is a word list or pattern of the same file,
  ``{file.name}`` one of another ``.toml`` file, and ``{file}`` (no dot, not a name of the same file) the
  ``file.txt`` word list. A referenced word list becomes an alternation of its literal words, longest first;
  a referenced pattern is inserted as a non-capturing group. Regex quantifiers (``{2}``, ``{1,4}``) hold only
  digits, so they never read as references. The extractors compose their regexes from these names, as
  Microsoft Recognizers-Text keeps ``Patterns/Chinese/*.yaml`` apart from its extractors.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any

# A group of literal words only (no class, escape or group inside) that stands as one whole alternative.
_WORD_GROUP = re.compile(r"(?:(?<=(?<!\\)\|)|(?<=\(\?:)|(?<=[^\\]\()|^)\(\?:([^()\[\]\\{}?*+]*)\)(?=\||\)|$)")
_REFERENCE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?\}")


def _data(name: str) -> str:
    return resources.files("pipelines.core").joinpath(f"data/{name}").read_text(encoding="utf-8")


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of a one-word-per-line file, in file order."""
    out = []
    for line in _data(name).splitlines():
        w = line.strip()
        if w and not w.startswith("#"):
            out.append(w)
    return tuple(out)


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a CSV file with a header line (comment lines skipped)."""
    lines = [ln for ln in _data(name).splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple(csv.DictReader(io.StringIO("\n".join(lines))))


def alternation(items: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal words, longest first (so 工作报告 is tried before 报告)."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True))


@cache
def _toml(file: str) -> dict[str, Any]:
    return tomllib.loads(_data(f"{file}.toml"))


def _entry(file: str, name: str) -> Any:
    doc = _toml(file)
    if name not in doc:
        raise KeyError(f"{name!r} is not defined in pipelines/core/data/{file}.toml")
    return doc[name]


def terms(file: str, name: str) -> tuple[str, ...]:
    """The word list ``name`` of ``file.toml``, in file order."""
    value = _entry(file, name)
    if not isinstance(value, list):
        raise TypeError(f"{file}.toml: {name!r} is not a word list")
    return tuple(value)


def word(file: str, name: str) -> str:
    """The one word of the list ``name`` of ``file.toml`` (a particle, a prefix, a suffix the code joins or finds)."""
    found = terms(file, name)
    if len(found) != 1:
        raise ValueError(f"{file}.toml: {name!r} must hold exactly one word, not {len(found)}")
    return found[0]


def chars(file: str, name: str) -> str:
    """The one-character words of the list ``name`` of ``file.toml`` as one string (for a character class or
    a membership test)."""
    found = terms(file, name)
    if any(len(w) != 1 for w in found):
        raise ValueError(f"{file}.toml: {name!r} must hold single characters only")
    return "".join(found)


def table(file: str, name: str) -> dict[str, Any]:
    """The table (mapping) ``name`` of ``file.toml``."""
    value = _entry(file, name)
    if not isinstance(value, dict):
        raise TypeError(f"{file}.toml: {name!r} is not a table")
    return dict(value)


@cache
def pattern(file: str, name: str) -> str:
    """The regex source of ``name`` in ``file.toml``, its references resolved (a word list: its alternation)."""
    return _resolve(file, name, ())


def regex(file: str, name: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern(file, name)``, compiled, with the word lists it unites spliced in flat."""
    return _compiled(file, name, flags)


@cache
def _compiled(file: str, name: str, flags: int) -> re.Pattern[str]:
    return re.compile(flat(pattern(file, name)), flags)


def flat(source: str) -> str:
    """``source`` with each group of literal words that stands as a whole alternative spliced into the
    alternation around it: the same words tried in the same order. A reference is inserted as a group, and
    re's search skips ahead to an alternation's first characters only where its alternatives start with a
    literal: attribution's verb-before pattern took 8 times as long with the groups (21 ms for 20,000 texts,
    2.5 flat), its difference sign 10 times."""
    while True:
        spliced = _WORD_GROUP.sub(r"\1", source)
        if spliced == source:
            return source
        source = spliced


def _resolve(file: str, name: str, trail: tuple[tuple[str, str], ...]) -> str:
    if (file, name) in trail:
        cycle = " -> ".join(f"{f}.{n}" for f, n in (*trail, (file, name)))
        raise ValueError(f"patterns refer to each other in a cycle: {cycle}")
    value = _entry(file, name)
    if isinstance(value, list):
        return alternation(value)
    if not isinstance(value, str):
        raise TypeError(f"{file}.toml: {name!r} is neither a pattern nor a word list")
    here = (*trail, (file, name))

    def expand(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        if second is not None:
            target = (first, second)
        elif first in _toml(file):
            target = (file, first)
        else:
            return f"(?:{alternation(words(f'{first}.txt'))})"
        return f"(?:{_resolve(*target, here)})"

    return _REFERENCE.sub(expand, value)
