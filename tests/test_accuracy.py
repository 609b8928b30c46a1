"""`zhibiao extract` on the seeds and the development set, scored against the gold answers copied
into tests/data. The bars are the levels reached; raise them as accuracy improves."""

import json
import subprocess
import sys
from pathlib import Path

from pipelines.core.evaluate import read_jsonl, score

from .conftest import DATA, SEEDS

SEED_MENTION_F1 = 0.98
SEED_FACT_F1 = 0.93
SEED_METRIC_ACC = 0.90
DEV_MENTION_F1 = 0.95
DEV_FACT_F1 = 0.85


def extract(corpus: Path, tmp: Path) -> tuple[Path, Path]:
    facts, docs = tmp / "facts.jsonl", tmp / "docs.jsonl"
    subprocess.run([sys.executable, "-m", "pipelines.cli", "extract", str(corpus), "--facts", str(facts),
                    "--docs", str(docs)], check=True, capture_output=True)  # fmt: skip
    return facts, docs


def test_seed_accuracy(tmp_path: Path):
    facts, docs = extract(SEEDS, tmp_path)
    s = score(read_jsonl(DATA / "seeds.facts.jsonl"), read_jsonl(facts))
    assert s.f1 >= SEED_MENTION_F1, (s.f1, s.missed[:5], s.spurious[:5])
    assert s.kind_ok / s.matched >= 0.95
    assert s.fact_f1 >= SEED_FACT_F1
    assert s.metric_ok / s.matched >= SEED_METRIC_ACC
    gold_docs = {d["doc"]: d for d in read_jsonl(DATA / "seeds.docs.jsonl")}
    pred_docs = {d["doc"]: d for d in read_jsonl(docs)}
    fields = ["title", "reply_date", "publish_date", "proposal_no", "session", "addressee", "responder", "doc_number"]
    right = sum(pred_docs[k].get(f) == g[f] for k, g in gold_docs.items() for f in fields)
    assert right / (len(fields) * len(gold_docs)) >= 0.95


def test_dev_accuracy(tmp_path: Path):
    facts, _ = extract(DATA / "dev", tmp_path)
    s = score(read_jsonl(DATA / "dev.facts.jsonl"), read_jsonl(facts))
    assert s.f1 >= DEV_MENTION_F1, (s.f1, s.missed[:5], s.spurious[:5])
    assert s.fact_f1 >= DEV_FACT_F1


def test_extract_output_follows_the_schema(tmp_path: Path):
    facts, _docs = extract(SEEDS, tmp_path)
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for line in facts.read_text(encoding="utf-8").splitlines():
        f = json.loads(line)
        assert texts[f["doc"]][f["start"]:f["end"]] == f["text"]
        assert f["qualifier"] in {"exact", "approx", "more_than", "less_than", "range"}
        assert f["kind"] in {"level", "target", "growth", "share", "rank", "difference"}
