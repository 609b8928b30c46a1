"""Scale benchmark: a synthetic corpus of N documents, then `zhibiao run` end to end.

    python benchmarks/scale.py --sizes 1000 10000 [--workdir /tmp/zhibiao-scale]

The corpus recombines real paragraphs (seeds/ and the development documents) with varied numbers,
regions and years, so every document is different and has a realistic density of figures. For each
N it prints: extraction characters per second on one core; end-to-end wall time and peak memory of
`zhibiao run`; a re-run with no change; adding one document.

Targets (issue: Scale, on the 2-core machine): 10,000 documents (about 120 MB) in <= 90 s with peak
RSS <= 2 GB; a no-change re-run <= 10 s; one new document <= 10 s.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [*sorted((ROOT / "seeds").glob("*.txt")), *sorted((ROOT / "tests" / "data" / "dev").glob("*.txt"))]
CITIES = ["郑州市", "杭州市", "成都市", "武汉市", "西安市", "长沙市", "合肥市", "南京市", "济南市", "沈阳市", "广州市", "深圳市"]
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def paragraphs() -> list[str]:
    out = []
    for p in SOURCES:
        out += [ln for ln in p.read_text(encoding="utf-8").splitlines() if len(ln) > 40]
    return out


def vary(par: str, rng: random.Random) -> str:
    def num(m: re.Match[str]) -> str:
        s = m.group()
        if len(s) == 4 and s.startswith("20"):
            return str(rng.randint(2018, 2026))  # a year
        v = float(s) * rng.uniform(0.5, 1.5)
        return f"{v:.1f}" if "." in s else str(max(1, round(v)))

    return NUMBER.sub(num, par)


def build_corpus(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    pars = paragraphs()
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        city = rng.choice(CITIES)
        year = rng.randint(2019, 2026)
        body = "\n".join(vary(rng.choice(pars), rng) for _ in range(rng.randint(40, 60)))
        text = (f"关于推进{city[:-1]}数字经济发展的提案的答复\n王委员:\n{body}\n{city}数据局\n"
                f"{year}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日\n")  # fmt: skip
        (folder / f"doc_{i:05d}.txt").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def extraction_rate(folder: Path, limit: int = 300) -> float:
    from pipelines.core.documents import list_corpus, read_document
    from pipelines.core.extract import extract_text

    docs = [read_document(p) for p in list_corpus(folder)[:limit]]
    extract_text("warm", docs[0].text)  # type: ignore[union-attr]
    chars = 0
    t0 = time.perf_counter()
    for d in docs:
        extract_text(d.doc_id, d.text)  # type: ignore[union-attr]
        chars += len(d.text)  # type: ignore[union-attr]
    return chars / (time.perf_counter() - t0)


def timed_run(corpus: Path, work: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the largest process) of one `zhibiao run`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--corpus", str(corpus), "--warehouse",
         str(work / "wh" / "z.duckdb"), "--exports", str(work / "exports"), "--quiet"],
        check=True, cwd=work, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/zhibiao-scale"))
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        work = args.workdir / f"n{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        corpus = work / "corpus"
        chars = build_corpus(corpus, n)
        rate = extraction_rate(corpus)
        full, peak = timed_run(corpus, work)
        again, _ = timed_run(corpus, work)
        (corpus / "new_document.txt").write_text("武汉市数据局\n全市5G基站达到3.1万个。\n2025年3月1日\n", encoding="utf-8")
        one, _ = timed_run(corpus, work)
        rows.append((n, chars, rate, full, peak, again, one))
        print(f"N={n}: {chars / 1e6:.1f} M chars, run {full:.1f} s, peak {peak:.0f} MB, "
              f"re-run {again:.1f} s, one new {one:.1f} s", file=sys.stderr, flush=True)  # fmt: skip
    print(f"{'N':>7} {'chars':>12} {'extract chars/s (1 core)':>25} {'run s':>8} {'peak MB':>8} "
          f"{'no-change s':>12} {'+1 doc s':>9}")  # fmt: skip
    for n, chars, rate, full, peak, again, one in rows:
        print(f"{n:>7} {chars:>12,} {rate:>25,.0f} {full:>8.1f} {peak:>8.0f} {again:>12.1f} {one:>9.1f}")
    print("targets: N=10000 run <= 90 s, peak <= 2048 MB, no-change <= 10 s, +1 doc <= 10 s; extraction >= 1,500,000 chars/s")


if __name__ == "__main__":
    main()
