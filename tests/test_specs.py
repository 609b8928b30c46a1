"""Specification cases of the extraction core: one JSON object a line in tests/specs/<module>.jsonl.

Every case has an ``id`` (unique in its file), a ``why`` (the rule of the language it pins down) and the
input. A case is a small text written for the spec (never copied from a real document) and what zhibiao
must make of it, in one or more of these shapes (a case checks every key it has):

- ``doc``: fields that must equal the extracted document's (``title`` may be a list of acceptable titles).
- ``facts``: facts located by their ``text`` (the ``occurrence``-th match, default 1) whose given fields
  must equal those of an overlapping extracted fact. ``metric_contains`` (a string or a list of strings)
  and ``metric_startswith`` test its label; ``value`` and ``value_high`` are compared to 1e-9 relative.
- ``not_facts``: strings no extracted fact may overlap.
- ``all_facts``: the whole list of extracted facts, in order (only those matching ``select``, if given):
  as many as listed, each with the given fields (``text`` is the fact's own text).
- ``every_fact``: fields that every extracted fact must have; there must be at least one.
- ``mentions``: the whole list of quantity mentions ``find_quantities`` reads in the text (only those
  matching ``select``), in order, each with the given fields: ``text`` (the surface), ``value``,
  ``value_high``, ``unit``, ``qualifier``. ``[]`` says the text holds no figure.
- ``mentions_include``: mentions that must be among those read (each matched by all its fields).
- ``select``: fields a fact or mention must have to be in ``all_facts`` or ``mentions`` (e.g. a unit).
- ``numeral`` with ``integer`` (``parse_chinese_integer``; ``null``: not a number) or with ``number``
  (``parse_number``, a decimal string compared exactly).

A text that starts with ``<`` is an HTML page and is read as the loader reads one (its visible text).
Cases the core does not meet yet are listed with the reason in tests/specs/known_gaps.csv and run as
strict expected failures, so a fix shows. Only the core's public API is used.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.core.documents import html_to_text
from pipelines.core.extract import extract_text
from pipelines.core.numerals import parse_chinese_integer, parse_number
from pipelines.core.quantities import find_quantities

SPECS = Path(__file__).parent / "specs"
FACT_KEYS = ("doc", "facts", "not_facts", "all_facts", "every_fact")
MENTION_KEYS = ("mentions", "mentions_include")
NUMBER_FIELDS = ("value", "value_high")


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


CASE_KEYS = {"id", "why", "text", "select", "numeral", "integer", "number", *FACT_KEYS, *MENTION_KEYS}
ITEM_KEYS = {"text", "occurrence", "value", "value_high", "unit", "qualifier", "kind", "metric", "metric_contains",
             "metric_startswith", "metric_id", "region", "region_code", "region_source", "period", "period_source"}  # fmt: skip


def test_spec_files_are_well_formed() -> None:
    """Unique ids, a why in every case, no unknown key (a misspelt key would check nothing), known gaps that exist."""
    cases = [p.values[0] for p in _cases()]
    ids = [p.id for p in _cases()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert all(c.get("why", "").strip() for c in cases), [c["id"] for c in cases if not c.get("why", "").strip()]
    assert not {k for c in cases for k in c} - CASE_KEYS
    items = [w for c in cases for k in ("facts", "all_facts", "mentions", "mentions_include") for w in c.get(k, [])]
    items += [c[k] for c in cases for k in ("select", "every_fact") if k in c]
    assert not {k for w in items for k in w} - ITEM_KEYS
    assert not set(_known_gaps()) - set(ids), "known_gaps.csv names cases that do not exist"


def _nth(text: str, sub: str, n: int) -> int:
    i = -1
    for _ in range(n):
        i = text.find(sub, i + 1)
        if i < 0:
            break
    return i


def _field_ok(field: str, want: object, got: dict) -> bool:
    value = got.get(field)
    if field == "metric_contains":
        return all(w in (got.get("metric") or "") for w in (want if isinstance(want, list) else [want]))
    if field == "metric_startswith":
        return (got.get("metric") or "").startswith(want)  # type: ignore[arg-type]
    if field in NUMBER_FIELDS and want is not None:
        return isinstance(value, int | float) and abs(value - want) <= 1e-9 * max(abs(want), 1e-12)  # type: ignore[operator]
    return want == value


def _mismatches(want: dict, got: dict, skip: tuple[str, ...] = ()) -> list[str]:
    shown = {"metric_contains": "metric", "metric_startswith": "metric"}
    return [f"{k} {got.get(shown.get(k, k))!r} != {v!r}" for k, v in want.items()
            if k not in skip and not _field_ok(k, v, got)]  # fmt: skip


def _selected(items: list[dict], select: dict) -> list[dict]:
    return [g for g in items if not _mismatches(select, g)]


def _list_errors(name: str, want: list[dict], got: list[dict]) -> list[str]:
    if len(want) != len(got):
        return [f"{name}: {len(got)} found, {len(want)} expected: {[g.get('text') for g in got]}"]
    return [f"{name}[{n}] {g.get('text')!r}: {e}" for n, (w, g) in enumerate(zip(want, got, strict=True))
            for e in _mismatches(w, g)]  # fmt: skip


def _fact_errors(want: dict, facts: list[dict], text: str) -> list[str]:
    i = _nth(text, want["text"], want.get("occurrence", 1))
    assert i >= 0, f"spec error: {want['text']!r} is not in the text"
    j = i + len(want["text"])
    over = [g for g in facts if g["start"] < j and g["end"] > i]
    if not over:
        return [f"{want['text']}: not extracted"]
    errors: list[str] = []
    for g in over:
        errors = [f"{want['text']}: {e}" for e in _mismatches(want, g, skip=("text", "occurrence"))]
        if not errors:
            return []
    return errors


def _not_fact_errors(case: dict, text: str, facts: list[dict]) -> list[str]:
    errors: list[str] = []
    for s in case.get("not_facts", []):
        i = text.find(s)
        if i < 0 and text is not case["text"]:
            assert s in case["text"], f"spec error: {s!r} is not in the page"
            continue  # markup of an HTML page (width="960px") is not in its visible text at all
        assert i >= 0, f"spec error: {s!r} is not in the text"
        errors += [f"not a fact: {s} (extracted {g['text']!r})" for g in facts if g["start"] < i + len(s) and g["end"] > i]
    return errors


def _extraction_errors(case: dict, text: str) -> list[str]:
    ex = extract_text(case["id"], text)
    doc = ex.doc.as_json()
    errors = [f"doc.{k}: {doc.get(k)!r} != {v!r}" for k, v in case.get("doc", {}).items()
              if not (doc.get(k) in v if k == "title" and isinstance(v, list) else doc.get(k) == v)]  # fmt: skip
    facts = [f.as_json() for f in ex.facts]
    for want in case.get("facts", []):
        errors += _fact_errors(want, facts, text)
    errors += _not_fact_errors(case, text, facts)
    if "all_facts" in case:
        errors += _list_errors("all_facts", case["all_facts"], _selected(facts, case.get("select", {})))
    if "every_fact" in case:
        errors += [f"every_fact {g['text']!r}: {e}" for g in facts for e in _mismatches(case["every_fact"], g)]
        errors += [] if facts else ["every_fact: no fact extracted"]
    return errors


def _mention_errors(case: dict, text: str) -> list[str]:
    got = [{"text": text[q.start : q.end], "value": float(q.value), "unit": q.unit, "qualifier": q.qualifier,
            "value_high": None if q.value_high is None else float(q.value_high)} for q in find_quantities(text)]  # fmt: skip
    errors = []
    if "mentions" in case:
        errors += _list_errors("mentions", case["mentions"], _selected(got, case.get("select", {})))
    for want in case.get("mentions_include", []):
        if not _selected(got, want):
            errors.append(f"mentions_include: {want} not among {[(g['text'], g['unit']) for g in got]}")
    return errors


def _numeral_errors(case: dict) -> list[str]:
    s = case["numeral"]
    if "integer" in case:
        got_int = parse_chinese_integer(s)
        return [] if got_int == case["integer"] else [f"parse_chinese_integer({s!r}) = {got_int!r}"]
    got = parse_number(s)
    return [] if got == Decimal(case["number"]) else [f"parse_number({s!r}) = {got!r}"]


@pytest.mark.parametrize("case", _cases())
def test_spec(case: dict) -> None:
    if "numeral" in case:
        errors = _numeral_errors(case)
    else:
        text = html_to_text(case["text"]) if case["text"].lstrip().startswith("<") else case["text"]
        assert any(k in case for k in FACT_KEYS + MENTION_KEYS), "spec error: the case checks nothing"
        errors = _extraction_errors(case, text) if any(k in case for k in FACT_KEYS) else []
        errors += _mention_errors(case, text) if any(k in case for k in MENTION_KEYS) else []
    assert not errors, f"{case['why']}\n" + "\n".join(errors)
