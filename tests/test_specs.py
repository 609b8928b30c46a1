"""Specification cases of the extraction core: one JSON object a line in tests/specs/<area>.jsonl.

A case is a small document written for the spec (never copied from a real one) and what zhibiao must
make of it: ``doc`` fields that must equal the extracted document's (a list of acceptable titles),
``facts`` located by their text (the ``occurrence``-th match) whose given fields must equal an
overlapping extracted fact's (``metric_contains``: a substring of its label; ``value`` to 1e-6), and
``not_facts``: strings no extracted fact may overlap. A text that starts with ``<`` is an HTML page and
is read as the loader reads one (its visible text). Cases the core does not meet yet are listed with
the reason in tests/specs/known_gaps.csv and run as strict expected failures, so a fix shows.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from pipelines.core.documents import html_to_text
from pipelines.core.extract import extract_text

SPECS = Path(__file__).parent / "specs"


def _known_gaps() -> dict[str, str]:
    with (SPECS / "known_gaps.csv").open(encoding="utf-8") as f:
        return {r["case"]: r["reason"] for r in csv.DictReader(ln for ln in f if not ln.startswith("#"))}


def _cases() -> list[pytest.param]:
    gaps = _known_gaps()
    out = []
    for path in sorted(SPECS.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            cid = f"{path.stem}/{case['id']}"
            marks = [pytest.mark.xfail(reason=gaps[cid], strict=True)] if cid in gaps else []
            out.append(pytest.param(case, id=cid, marks=marks))
    return out


def _nth(text: str, sub: str, n: int) -> int:
    i = -1
    for _ in range(n):
        i = text.find(sub, i + 1)
        if i < 0:
            break
    return i


def _field_ok(field: str, want: object, got: object) -> bool:
    if field == "value":
        return isinstance(got, int | float) and abs(got - want) <= 1e-6 * max(abs(want), 1e-12)  # type: ignore[operator]
    return want == got


def _fact_errors(want: dict, facts: list[dict], text: str) -> list[str]:
    i = _nth(text, want["text"], want.get("occurrence", 1))
    assert i >= 0, f"spec error: {want['text']!r} is not in the text"
    j = i + len(want["text"])
    over = [g for g in facts if g["start"] < j and g["end"] > i]
    if not over:
        return [f"{want['text']}: not extracted"]
    errors: list[str] = []
    for g in over:
        errors = [f"{want['text']}: {k} {g.get('metric') if k == 'metric_contains' else g.get(k)!r} != {v!r}"
                  for k, v in want.items() if k not in ("text", "occurrence")
                  and not (v in (g.get("metric") or "") if k == "metric_contains" else _field_ok(k, v, g.get(k)))]  # fmt: skip
        if not errors:
            return []
    return errors


@pytest.mark.parametrize("case", _cases())
def test_spec(case: dict) -> None:
    text = html_to_text(case["text"]) if case["text"].lstrip().startswith("<") else case["text"]
    ex = extract_text(case["id"], text)
    doc = ex.doc.as_json()
    errors = [f"doc.{k}: {doc.get(k)!r} != {v!r}" for k, v in case.get("doc", {}).items()
              if not (doc.get(k) in v if k == "title" and isinstance(v, list) else doc.get(k) == v)]  # fmt: skip
    facts = [f.as_json() for f in ex.facts]
    for want in case["facts"]:
        errors += _fact_errors(want, facts, text)
    for s in case.get("not_facts", []):
        i = text.find(s)
        if i < 0 and text is not case["text"]:
            assert s in case["text"], f"spec error: {s!r} is not in the page"
            continue  # markup of an HTML page (width="960px") is not in its visible text at all
        assert i >= 0, f"spec error: {s!r} is not in the text"
        errors += [f"not a fact: {s} (extracted {g['text']!r})" for g in facts if g["start"] < i + len(s) and g["end"] > i]
    assert not errors, f"{case['why']}\n" + "\n".join(errors)
