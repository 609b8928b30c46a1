"""Characters per second of the whole extraction core (metadata, quantities, attribution) on one core.

    python benchmarks/extract_speed.py [--corpus seeds] [--rounds 7] [--repeat 10]

Each round extracts every document of the corpus ``--repeat`` times in this one process. The machine
is shared and noisy (the same code swings by 2x between runs), so the table gives the best round, which
is the code's own speed, and the median round, which is what a busy machine gives.

Target (issue: Quantities): >= 1.5 million characters per second on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pipelines.core.documents import SourceDocument, list_corpus, read_document
from pipelines.core.extract import extract_text

TARGET = 1_500_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", help="a folder of documents (repeatable; default seeds)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    docs = [d for c in args.corpus or ["seeds"] for d in map(read_document, list_corpus(Path(c)))]
    docs = [d for d in docs if isinstance(d, SourceDocument)]
    if not docs:
        raise SystemExit("no readable documents in the corpus")
    for d in docs:  # warm-up: compile patterns, load catalogs and gazetteer
        extract_text(d.doc_id, d.text)
    chars = sum(len(d.text) for d in docs) * args.repeat
    facts = sum(len(extract_text(d.doc_id, d.text).facts) for d in docs) * args.repeat
    times = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _ in range(args.repeat):
            for d in docs:
                extract_text(d.doc_id, d.text)
        times.append(time.perf_counter() - t0)
    best, median = min(times), statistics.median(times)
    print(f"documents per round   {len(docs) * args.repeat}")
    print(f"characters per round  {chars:,}")
    print(f"facts per round       {facts:,}")
    print(f"rounds                {args.rounds}")
    print(f"chars/second best     {chars / best:,.0f}   (target {TARGET:,})")
    print(f"chars/second median   {chars / median:,.0f}")
    print(f"ms/document best      {1000 * best / (len(docs) * args.repeat):.2f}")


if __name__ == "__main__":
    main()
