"""Characters per second of the whole extraction core (metadata, quantities, attribution) on one core.

    python benchmarks/extract_speed.py [--corpus seeds] [--repeat 20]

Target (issue: Quantities): >= 1.5 million characters per second on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from pipelines.core.documents import list_corpus, read_document
from pipelines.core.extract import extract_text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="seeds")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    docs = [d for d in (read_document(p) for p in list_corpus(Path(args.corpus))) if hasattr(d, "text")]
    for d in docs:  # warm-up: compile patterns, load catalogs and gazetteer
        extract_text(d.doc_id, d.text)
    chars = facts = 0
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for d in docs:
            facts += len(extract_text(d.doc_id, d.text).facts)
            chars += len(d.text)
    dt = time.perf_counter() - t0
    print(f"documents        {len(docs) * args.repeat}")
    print(f"characters       {chars:,}")
    print(f"facts            {facts:,}")
    print(f"seconds          {dt:.3f}")
    print(f"chars/second     {chars / dt:,.0f}   (target 1,500,000)")
    print(f"ms/document      {1000 * dt / (len(docs) * args.repeat):.2f}")


if __name__ == "__main__":
    main()
