"""`zhibiao eval`: score predicted facts against hand-made answers in the SCHEMA.md format.

Matching follows SCHEMA.md: a prediction matches a gold fact of the same document when their
spans overlap, the units are equal and the values agree to a relative 1e-6 (one-to-one).
Gold facts marked optional neither reward nor penalise.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _close(a: object, b: object) -> bool:
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return x == y or abs(x - y) <= 1e-6 * max(abs(x), abs(y))


def _overlap(g: dict, p: dict) -> int:
    return min(g["end"], p["end"]) - max(g["start"], p["start"])


@dataclass
class Score:
    gold: int = 0
    pred: int = 0
    matched: int = 0
    kind_ok: int = 0
    fact_ok: int = 0  # matched with the right kind, region and period
    metric_ok: int = 0
    missed: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fact_f1(self) -> float:
        p = self.fact_ok / self.pred if self.pred else 0.0
        r = self.fact_ok / self.gold if self.gold else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _one_of(gold: object) -> list[object]:
    return gold if isinstance(gold, list) else [gold]


def _last_year(period: object) -> str | None:
    years = re.findall(r"(?:19|20)\d\d", str(period or ""))
    return years[-1] if years else None


def _region_ok(gold: object, pred: object) -> bool:
    for g in _one_of(gold):
        if not g or not pred:
            if g == pred:
                return True
            continue
        if re.sub(r"(省|市|自治区|特别行政区|区|县)$", "", str(g)) in str(pred):
            return True
    return False


def _metric_ok(g: dict, pred: object) -> bool:
    label = str(pred or "")
    if not label or len(label) > 20:
        return False
    aliases = g.get("metric_aliases") or [g.get("metric", "")]
    return any(a and a in label for a in aliases) or (len(label) >= 2 and label in g.get("metric", ""))


def score(gold: list[dict], pred: list[dict]) -> Score:
    s = Score()
    by_doc: dict[str, list[int]] = {}
    for i, p in enumerate(pred):
        by_doc.setdefault(p.get("doc", ""), []).append(i)
    used: set[int] = set()
    ignored: set[int] = set()
    for g in gold:
        candidates = [i for i in by_doc.get(g["doc"], []) if i not in used and _overlap(g, pred[i]) > 0]
        match = [i for i in candidates if pred[i].get("unit") == g["unit"] and _close(pred[i].get("value"), g["value"])]
        best = max(match, key=lambda i: _overlap(g, pred[i]), default=None)
        if g.get("optional"):
            if best is not None:
                used.add(best)
            ignored.update(candidates)
            continue
        s.gold += 1
        if best is None:
            s.missed.append(g)
            continue
        used.add(best)
        s.matched += 1
        p = pred[best]
        kind_ok = p.get("kind") in _one_of(g.get("kind"))
        period_ok = _last_year(p.get("period")) in [_last_year(x) for x in _one_of(g.get("period"))]
        s.kind_ok += kind_ok
        s.fact_ok += kind_ok and period_ok and _region_ok(g.get("region"), p.get("region"))
        s.metric_ok += _metric_ok(g, p.get("metric"))
    counted = [i for i in range(len(pred)) if i not in ignored or i in used]
    opt_used = {i for i in used if i in ignored}
    s.pred = len(counted) - len(opt_used)
    s.spurious = [pred[i] for i in counted if i not in used]
    return s


def evaluate_files(gold_path: Path, pred_path: Path, show_errors: bool = False) -> str:
    s = score(read_jsonl(gold_path), read_jsonl(pred_path))
    lines = [
        f"gold {s.gold}  pred {s.pred}  matched {s.matched}",
        f"mention precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}",
        f"kind accuracy {s.kind_ok / s.matched if s.matched else 0:.4f}  "
        f"metric accuracy {s.metric_ok / s.matched if s.matched else 0:.4f}",
        f"fact F1 (kind, region and period right) {s.fact_f1:.4f}",
    ]
    if show_errors:
        lines += [f"MISSED   {g['doc']} {g['start']}-{g['end']} {g['text']!r}" for g in s.missed]
        lines += [f"SPURIOUS {p.get('doc')} {p.get('start')}-{p.get('end')} {p.get('text')!r}" for p in s.spurious]
    return "\n".join(lines)


def read_answers(path: Path) -> list[dict]:
    """Headline answers (doc, start, end, text, region, metric_id, kind, period, value, …) from a CSV file."""
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def score_answers(answers: list[dict], pred: list[dict]) -> tuple[int, list[str]]:
    """(right, what is wrong with each other answer): an answer is right when an extracted fact overlapping
    its span has its value (to 0.5%), kind, metric id, region and period (a span on its last year)."""
    by_doc: dict[str, list[dict]] = {}
    for p in pred:
        by_doc.setdefault(p.get("doc", ""), []).append(p)
    right, wrong = 0, []
    for a in answers:
        s, e, want = int(a["start"]), int(a["end"]), float(a["value"])
        over = [p for p in by_doc.get(a["doc"], []) if min(e, p["end"]) > max(s, p["start"])]
        if not over:
            wrong.append(f"{a['doc']} {a['text']}: not extracted")
            continue
        p = max(over, key=lambda p: min(e, p["end"]) - max(s, p["start"]))
        bad = [name for name, ok in (
            ("value", abs(float(p.get("value", 0)) - want) <= 0.005 * abs(want) + 1e-9),
            ("kind", p.get("kind") == a["kind"]), ("metric_id", p.get("metric_id") == a["metric_id"]),
            ("region", _region_ok(a["region"], p.get("region"))),
            ("period", _last_year(p.get("period")) == _last_year(a["period"])),
        ) if not ok]  # fmt: skip
        if bad:
            wrong.append(f"{a['doc']} {a['text']}: {', '.join(bad)} ({ {k: p.get(k) for k in bad} })")
        else:
            right += 1
    return right, wrong


def doc_field_accuracy(gold: list[dict], pred: list[dict]) -> tuple[float, list[str]]:
    """The share of gold document fields the prediction has (a list in the gold: any of its values)."""
    by_doc = {d["doc"]: d for d in pred}
    total, errors = 0, []
    for g in gold:
        p = by_doc.get(g["doc"], {})
        for k, v in g.items():
            if k == "doc":
                continue
            total += 1
            if p.get(k) not in _one_of(v):
                errors.append(f"{g['doc']} {k}: {p.get(k)!r} != {v!r}")
    return (1 - len(errors) / total if total else 0.0), errors
