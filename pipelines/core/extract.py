"""The extraction core for one document: metadata, quantities and their attribution.

Plain Python, no Dagster and no database: the orchestration layer and the CLI both call this.
Stateless per document, so documents can be processed in any order, in parallel, anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .attribution import DocContext, Fact, attribute
from .context import build_context
from .documents import Quarantined, SourceDocument, read_document, scan_corpus
from .layout import build_layout
from .metadata import AGENCY_RE, HEADER_LABEL_RE, DocRecord, parse_metadata
from .periods import find_periods
from .quantities import find_quantities
from .regions import gazetteer
from .text import normalise


@dataclass
class Extraction:
    doc: DocRecord
    facts: list[Fact]


@dataclass
class CorpusSummary:
    documents: int = 0
    facts: int = 0
    quarantined: list[Quarantined] = field(default_factory=list)


def extract_text(doc_id: str, text: str) -> Extraction:
    """Metadata and facts of one decoded document: layout, document context, quantities, attribution."""
    norm = normalise(text)
    gaz = gazetteer()
    places = gaz.mentions(norm)
    periods = find_periods(norm)
    layout = build_layout(norm, HEADER_LABEL_RE, AGENCY_RE)
    record, region = parse_metadata(doc_id, norm, gaz, places, layout, text)
    doc = build_context(norm, layout, record, region, periods)
    bounds = layout.boundaries
    ctx = DocContext(doc_id, text, norm, bounds, gaz, doc, places, periods)
    skipped: list[tuple[int, int, str]] = []
    facts = attribute(find_quantities(text, norm, bounds, skipped), ctx)
    record.skipped = skipped_note(skipped)
    return Extraction(record, facts)


def skipped_note(skipped: list[tuple[int, int, str]]) -> str | None:
    """What the document's row says of figures left out (a number beyond what a value can hold)."""
    if not skipped:
        return None
    shown = "; ".join(f"{reason} at {a}-{b}" for a, b, reason in skipped[:5])
    return f"{len(skipped)} figure(s) skipped: {shown}" + ("; …" if len(skipped) > 5 else "")


def extract_or_reason(doc_id: str, text: str) -> Extraction | str:
    """``extract_text``, or the reason it failed: a bug on one document must not stop the corpus."""
    try:
        return extract_text(doc_id, text)
    except Exception as e:
        return f"extraction failed: {type(e).__name__}: {e}"


def _extract_path(item: str | tuple[str, str]) -> tuple[SourceDocument | Quarantined, Extraction | None]:
    """Read and extract one file: a path, or (path, document id) as ``scan_corpus`` gives them."""
    path, doc_id = (item, None) if isinstance(item, str) else item
    src = read_document(Path(path), doc_id)
    if isinstance(src, Quarantined):
        return src, None
    result = extract_or_reason(src.doc_id, src.text)
    if isinstance(result, str):
        return Quarantined(src.path, src.sha256, result), None
    return src, result


def extract_paths(
    paths: Iterable[Path | tuple[str, str]], workers: int = 1, progress: Callable[[int, int], None] | None = None
) -> Iterator[tuple[SourceDocument | Quarantined, Extraction | None]]:
    """Read and extract many files (paths, or (path, document id) pairs), in input order, optionally over
    several processes."""
    items = [p if isinstance(p, tuple) else str(p) for p in paths]
    total = len(items)
    if workers <= 1 or total < 8:
        results: Iterable[tuple[SourceDocument | Quarantined, Extraction | None]] = map(_extract_path, items)
    else:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_extract_path, items, chunksize=max(1, min(64, total // (workers * 8) or 1)))
    for i, r in enumerate(results, 1):
        if progress:
            progress(i, total)
        yield r


def extract_corpus_to_jsonl(corpus: Path, facts_path: Path, docs_path: Path, workers: int = 1,
                            progress: Callable[[int, int], None] | None = None) -> CorpusSummary:  # fmt: skip
    """Write the SCHEMA.md facts and docs JSONL for every document of a folder (each file atomically)."""
    facts_path.parent.mkdir(parents=True, exist_ok=True)
    docs_path.parent.mkdir(parents=True, exist_ok=True)
    summary = CorpusSummary()
    tmp_f, tmp_d = facts_path.with_suffix(facts_path.suffix + ".tmp"), docs_path.with_suffix(docs_path.suffix + ".tmp")
    listing = scan_corpus(corpus)
    summary.quarantined += listing.refused
    with tmp_f.open("w", encoding="utf-8") as ff, tmp_d.open("w", encoding="utf-8") as fd:
        for src, ex in extract_paths([(f.path, f.doc_id) for f in listing.files], workers=workers, progress=progress):
            if ex is None:
                assert isinstance(src, Quarantined)
                summary.quarantined.append(src)
                continue
            summary.documents += 1
            fd.write(json.dumps(ex.doc.as_json(), ensure_ascii=False) + "\n")
            for f in ex.facts:
                ff.write(json.dumps(f.as_json(), ensure_ascii=False) + "\n")
                summary.facts += 1
    tmp_f.replace(facts_path)
    tmp_d.replace(docs_path)
    return summary
