"""The code's shape that the rules-as-data design depends on: vocabulary in data files, small functions."""

from __future__ import annotations

import importlib.util
import tomllib
from collections import Counter
from pathlib import Path

from pipelines.core import vocab

from .conftest import ROOT

DATA = ROOT / "pipelines/core/data"


def _code_shape():
    spec = importlib.util.spec_from_file_location("code_shape", ROOT / "scripts/code_shape.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_core_code_holds_at_most_60_chinese_literals() -> None:
    shape = _code_shape()
    counts = {p.name: len(shape.chinese_literals(p)) for p in (ROOT / "pipelines/core").glob("*.py")}
    assert sum(counts.values()) <= 60, {k: v for k, v in counts.items() if v}


def test_a_docstring_is_not_counted_but_a_word_in_code_is(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text('"""模块。"""\ndef f():\n    """函数。"""\n    return "增长"\n', encoding="utf-8")
    assert _code_shape().chinese_literals(source) == [(4, "增长")]


def test_no_function_in_pipelines_is_over_60_lines() -> None:
    shape = _code_shape()
    too_long = [(str(p.relative_to(ROOT)), name, n)
                for p in (ROOT / "pipelines").rglob("*.py") for name, n in shape.long_functions(p, 60)]  # fmt: skip
    assert too_long == []


def _entries(path: Path) -> list[list[str]]:
    """The word lists of a data file: a .txt file is one list, a .toml file one per array."""
    if path.suffix == ".txt":
        return [list(vocab.words(path.name))]
    return [v for v in tomllib.loads(path.read_text(encoding="utf-8")).values() if isinstance(v, list)]


def test_each_word_list_names_each_word_once() -> None:
    repeated = {}
    for path in sorted(DATA.glob("*.txt")) + sorted(DATA.glob("*.toml")):
        for entries in _entries(path):
            twice = [w for w, n in Counter(entries).items() if n > 1]
            if twice:
                repeated[path.name] = twice
    assert repeated == {}
