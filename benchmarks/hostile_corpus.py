"""Hostile-corpus benchmark: a corpus of files made to break a pipeline, run twice with `zhibiao run`.

    python benchmarks/hostile_corpus.py [--files 1000] [--workdir /tmp/zhibiao-hostile] [--seed 11]

The corpus holds random bytes, text in every encoding a scraper meets (UTF-8 with and without BOM, a bad
byte in UTF-8, UTF-16 and UTF-32 with and without BOM, GB18030, GBK, Big5, Shift-JIS, EUC-KR, Latin-1),
huge numbers (a figure too large for a float, 4,300 digits), long lines without sentence punctuation, HTML
with scripts, empty and blank files, NUL bytes, a file over the size limit, odd names (bytes that are not
UTF-8, newlines, quotes, spaces, 255-byte names), the same name in nested folders, x.txt beside x.html,
symbolic links out of the corpus, into it and dangling, a FIFO, and unreadable files and folders.

It runs `zhibiao run` twice on it (as a user for whom permissions apply, when started as root) and prints,
for each run: exit code, wall time and peak memory (`/usr/bin/time -v`); then whether every regular file is
a document or a quarantine row, and whether both runs hold the same facts. Exit code 0 when all holds.

Targets (issue: Operations): both runs exit 0, every regular file a document or a quarantine row, peak
memory <= 2 GB, the same facts both times.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "seeds").glob("*.txt"))
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030", "gbk", "big5",
             "shift_jis", "euc-kr", "latin-1"]  # fmt: skip
MAX_BYTES = 20 * 1024 * 1024


def _paragraphs() -> list[str]:
    out = []
    for p in SOURCES:
        out += [ln for ln in p.read_text(encoding="utf-8").splitlines() if len(ln) > 30]
    return out


def _name(rng: random.Random, i: int) -> bytes:
    """A file name as bytes: plain, Chinese, spaced, quoted, with a newline, not UTF-8, or 255 bytes long."""
    kind = i % 9
    base = f"{i:04d}"
    if kind == 0:
        return f"{base}_答复.txt".encode()
    if kind == 1:
        return f"{base} with spaces.txt".encode()
    if kind == 2:
        return f'{base}_"quoted"_\'single\'.txt'.encode()
    if kind == 3:
        return f"{base}_new\nline.txt".encode()
    if kind == 4:
        return f"{base}_".encode() + "中文名".encode("gbk") + b".txt"  # GBK bytes: not UTF-8
    if kind == 5:
        return (f"{base}_" + "长" * 80).encode()[:250] + b".txt"  # near the 255-byte limit
    if kind == 6:
        return f"{base}.html".encode()
    if kind == 7:
        return f"{base}".encode()  # no suffix
    return f"{base}_{rng.choice(['a', 'b', 'c'])}.md".encode()


def _content(rng: random.Random, i: int, pars: list[str], long_lines: bool = True) -> bytes:
    """Bytes of one file: every kind a real crawl produces, and some it should never produce."""
    kind = i % 16
    if kind == 4 and not long_lines:
        kind = 15
    text = "\n".join(rng.choice(pars) for _ in range(rng.randint(3, 30)))
    if kind == 0:
        return rng.randbytes(rng.randint(1, 20000))  # random bytes
    if kind == 1:
        enc = ENCODINGS[i // 16 % len(ENCODINGS)]
        return text.encode(enc, errors="ignore")
    if kind == 2:
        data = bytearray(text.encode("utf-8"))
        data[len(data) // 2] = 0xFF  # one bad byte
        return bytes(data)
    if kind == 3:
        return f"全市生产总值{'9' * rng.choice([309, 400, 4300])}元，同比增长{'8' * 500}%。\n{text}".encode()  # huge numbers
    if kind == 4:
        # one long line: clauses without a sentence end (a scraped table flattened into one paragraph)
        return "".join(f"其中第{k}批5G基站达到{k}.2万个，" for k in range(rng.randint(200, 4000))).encode()
    if kind == 5:
        return b""  # empty
    if kind == 6:
        return b" \n\t \r\n"  # blank
    if kind == 7:
        return b"\x00" * rng.randint(1, 100) + text.encode("utf-8")  # NUL bytes
    if kind == 8:
        return (f"<html><head><script>var x={i};</script><style>p{{}}</style></head><body>"
                f"<div class='menu'>首页 | 政务公开</div><p>{text}</p></body></html>").encode()  # fmt: skip
    if kind == 9:
        return "关于召开会议的通知\n请各单位按时参加。".encode()  # no figure at all
    if kind == 10:
        return text.encode("utf-16-le")  # UTF-16 without a BOM
    if kind == 11:
        return re.sub(r"\d", lambda m: rng.choice("0123456789０１２３４５６７８９一二三"), text).encode("gb18030")
    if kind == 12:
        return ("。" * rng.randint(1, 5000) + "万亿" * 300 + "%" * 300).encode()  # punctuation and units only
    if kind == 13:
        return ("\r" * 100 + text + "\r\n" * 100).encode()  # old Mac line ends
    if kind == 14:
        return (text * 40).encode("utf-8")  # a long ordinary document
    return text.encode("utf-8")


def build_corpus(corpus: Path, n_files: int, seed: int = 11, long_lines: bool = True) -> dict[str, int]:
    """About ``n_files`` hostile files under ``corpus`` (made afresh); returns counts of the special entries."""
    rng = random.Random(seed)
    pars = _paragraphs()
    if corpus.exists():
        for root, dirs, _ in os.walk(corpus):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(corpus)
    base = os.fsencode(corpus)
    folders = [b"", b"2022", b"2023", b"2023/reply", "年度/第一季度".encode(), b"deep/a/b/c/d/e/f/g"]
    for f in folders:
        os.makedirs(os.path.join(base, f), exist_ok=True)
    specials = {"fifo": 0, "links": 0, "unreadable_files": 0, "unreadable_folders": 0, "too_large": 0}
    n_regular = n_files - 12
    for i in range(n_regular):
        folder = folders[i % len(folders)]
        path = os.path.join(base, folder, _name(rng, i))
        with open(path, "wb") as fh:
            fh.write(_content(rng, i, pars, long_lines))
    # the same name in two folders, and x.txt beside x.html
    for folder in (b"2022", b"2023"):
        with open(os.path.join(base, folder, b"reply.txt"), "wb") as fh:
            fh.write(rng.choice(pars).encode())
    with open(os.path.join(base, b"x.txt"), "wb") as fh:
        fh.write("全市5G基站达到3.2万个。".encode())
    with open(os.path.join(base, b"x.html"), "wb") as fh:
        fh.write("<p>全市5G基站达到4.2万个。</p>".encode())
    with open(os.path.join(base, b"too_large.txt"), "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse
    specials["too_large"] = 1
    # links: out of the corpus, into it, dangling, to a folder
    for name, target in ((b"link_passwd.txt", b"/etc/passwd"), (b"link_in.txt", os.path.join(base, b"x.txt")),
                         (b"link_dangling.txt", b"/nonexistent/file"), (b"link_dir", os.path.join(base, b"2022"))):  # fmt: skip
        os.symlink(target, os.path.join(base, name))
        specials["links"] += 1
    os.mkfifo(os.path.join(base, b"a_fifo.txt"))
    specials["fifo"] = 1
    # unreadable: one file, and a folder with files in it
    secret = os.path.join(base, b"unreadable.txt")
    with open(secret, "wb") as fh:
        fh.write("全市5G基站达到5.2万个。".encode())
    os.chmod(secret, 0)
    specials["unreadable_files"] = 1
    locked = os.path.join(base, b"locked")
    os.makedirs(locked)
    for k in range(3):
        with open(os.path.join(locked, f"{k}.txt".encode()), "wb") as fh:
            fh.write(rng.choice(pars).encode())
    os.chmod(locked, 0)
    specials["unreadable_folders"] = 1
    return specials


def regular_files(corpus: Path) -> list[str]:
    """Paths (as the warehouse stores them) of every regular file the pipeline can see, links inside the
    corpus included, hidden names skipped; files under unreadable folders are not visible to it."""
    from pipelines.core.documents import display_path

    out = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for f in files:
            p = os.path.join(root, f)
            if not f.startswith(".") and stat.S_ISREG(os.lstat(p).st_mode):
                out.append(display_path(p))
    return out


def unprivileged(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0 and shutil.which("unshare"):
        return ["unshare", "--user", "--map-user=1000", *cmd]
    return cmd


def run_once(corpus: Path, work: Path) -> dict[str, object]:
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--corpus", str(corpus), "--warehouse",
           str(work / "wh" / "z.duckdb"), "--exports", str(work / "exports"), "--quiet"]  # fmt: skip
    timed = ["/usr/bin/time", "-v", *unprivileged(cmd)] if Path("/usr/bin/time").exists() else unprivileged(cmd)
    t0 = time.monotonic()
    p = subprocess.run(timed, capture_output=True, text=True, cwd=ROOT)
    wall = time.monotonic() - t0
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return {"rc": p.returncode, "wall_s": round(wall, 1), "peak_mb": round(int(peak.group(1)) / 1024) if peak else None,
            "stderr": "\n".join(ln for ln in p.stderr.splitlines() if ln.startswith("zhibiao:"))}  # fmt: skip


def warehouse_view(work: Path) -> tuple[set[str], set[str], list[tuple], dict[str, str]]:
    import duckdb

    with duckdb.connect(str(work / "wh" / "z.duckdb"), read_only=True) as con:
        docs = {r[0] for r in con.execute("select path from raw_document").fetchall()}
        quarantine = dict(con.execute("select path, reason from quarantine").fetchall())
        facts = sorted(con.execute("select fact_id, value, unit, kind, metric, region, period from fct_metric_fact").fetchall())
    return docs, set(quarantine), facts, quarantine


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--workdir", default="/tmp/zhibiao-hostile")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--no-long-lines", action="store_true",
                    help="leave out the long lines without sentence punctuation (each fact stores its whole line "
                         "as its sentence until the extraction core bounds it)")  # fmt: skip
    args = ap.parse_args()
    work = Path(args.workdir)
    corpus = work / "corpus"
    for p in (work / "wh", work / "exports"):
        shutil.rmtree(p, ignore_errors=True)
    specials = build_corpus(corpus, args.files, args.seed, long_lines=not args.no_long_lines)
    regular = regular_files(corpus)
    print(f"corpus {corpus}: {len(regular)} regular files (+ {specials})")
    runs = []
    for k in (1, 2):
        r = run_once(corpus, work)
        runs.append((r, warehouse_view(work)))
        print(f"run {k}: exit {r['rc']}, {r['wall_s']} s, peak {r['peak_mb']} MB")
        if r["stderr"]:
            print("  " + r["stderr"].replace("\n", "\n  "))
    (r1, (docs, quarantined, facts1, reasons)), (r2, (_, _, facts2, _)) = runs
    # Files under the unreadable folder cannot be seen by the run (nor by a user without permission): the
    # folder has its own quarantine row.
    visible = [p for p in regular if not p.startswith(str(corpus / "locked") + os.sep)]
    lost = [p for p in visible if p not in docs and p not in quarantined]
    print(f"documents {len(docs)}, quarantine rows {len(quarantined)}, facts {len(facts1)}")
    print(f"regular files neither a document nor a quarantine row: {len(lost)}" + (f" e.g. {lost[:3]}" if lost else ""))
    print(f"same facts both runs: {facts1 == facts2}")
    by_reason: dict[str, int] = {}
    for why in reasons.values():
        key = re.sub(r"[\d/].*", "", why.split(":")[0]).strip()
        by_reason[key] = by_reason.get(key, 0) + 1
    print("quarantine reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(by_reason.items(), key=lambda kv: -kv[1])))
    peak_ok = all(r["peak_mb"] is None or r["peak_mb"] <= 2048 for r in (r1, r2))
    ok = r1["rc"] == 0 and r2["rc"] == 0 and not lost and facts1 == facts2 and peak_ok
    print("ALL HOLD" if ok else "NOT ALL HOLD")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
