"""No file stops a run and no document is lost: odd names, nested folders, links, FIFOs, huge and unreadable
files, and the encodings of real corpora. Real files, a real pipeline run."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.core.documents import MAX_BYTES, SourceDocument, assign_doc_ids, parse_bytes, scan_corpus
from pipelines.defs.assets import ALL_ASSETS
from pipelines.defs.checks import ALL_CHECKS
from pipelines.defs.resources import ZhibiaoResource

from .conftest import SEEDS, unprivileged

SEED_TEXT = (SEEDS / "002_de937222de320b4b.txt").read_text(encoding="utf-8")
FIGURE = "武汉市数据局\n全市5G基站达到{n}万个。\n2023年3月1日"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_decoded(encoding: str):
    doc = parse_bytes("a.txt", SEED_TEXT[:3000].encode(encoding))
    assert isinstance(doc, SourceDocument), doc
    assert doc.text == SEED_TEXT[:3000] and doc.encoding == encoding


def test_one_bad_byte_is_replaced_and_counted():
    data = SEED_TEXT.encode("utf-8")
    cut = len(data) // 2
    cut -= next(i for i in range(4) if (data[cut - i] & 0xC0) != 0x80)  # the start of a character
    doc = parse_bytes("a.txt", data[:cut] + b"\xff" + data[cut:])
    assert isinstance(doc, SourceDocument), doc
    assert doc.encoding == "utf-8" and doc.replaced == 1
    assert doc.text.replace("\ufffd", "", 1) == SEED_TEXT


@pytest.mark.parametrize("k", range(10))
def test_big5_is_decoded(k: int):
    # Ten stretches of the seeds in Big5 (characters Big5 lacks dropped): each decodes back exactly.
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    text = texts[k % len(texts)][k * 300 : k * 300 + 1500]
    data = text.encode("big5", errors="ignore")
    doc = parse_bytes("a.txt", data)
    assert isinstance(doc, SourceDocument), doc
    assert doc.text == data.decode("big5").replace("\r\n", "\n") and doc.encoding == "big5"


def test_gb18030_is_still_gb18030():
    doc = parse_bytes("a.txt", SEED_TEXT.encode("gb18030"))
    assert isinstance(doc, SourceDocument) and doc.text == SEED_TEXT and doc.encoding == "gb18030"


def test_document_ids_are_paths_within_the_corpus():
    ids = assign_doc_ids(["a.txt", "2022/reply.txt", "2023/reply.txt", "x.txt", "x.html", "README", "y.html"])
    assert ids == {"a.txt": "a", "2022/reply.txt": "2022/reply", "2023/reply.txt": "2023/reply", "x.txt": "x",
                   "x.html": "x.html", "README": "README", "y.html": "y"}  # fmt: skip
    # the id of x.txt does not depend on the listing order
    assert assign_doc_ids(["x.html", "x.txt"])["x.txt"] == "x"


def hostile_corpus(c: Path, outside: Path) -> dict[str, str]:
    """A corpus of the files that used to stop a run or lose a document; name -> what must happen."""
    (c / "2022").mkdir(parents=True)
    (c / "2023").mkdir()
    (c / "2022" / "reply.txt").write_text(FIGURE.format(n="1.1"), encoding="utf-8")
    (c / "2023" / "reply.txt").write_text(FIGURE.format(n="2.2"), encoding="utf-8")
    (c / "x.txt").write_text(FIGURE.format(n="3.3"), encoding="utf-8")
    (c / "x.html").write_text(f"<html><body><p>{FIGURE.format(n='4.4')}</p></body></html>", encoding="utf-8")
    (c / "notice.txt").write_text("关于召开会议的通知\n请各单位按时参加。", encoding="utf-8")
    (c / 'quote"s and\nnewline.txt').write_text(FIGURE.format(n="5.5"), encoding="utf-8")
    (c / os.fsdecode(b"gbk-\xd6\xd0\xce\xc4.txt")).write_text(FIGURE.format(n="6.6"), encoding="utf-8")  # GBK name
    (c / "utf16.txt").write_bytes(FIGURE.format(n="7.7").encode("utf-16-le"))
    (c / "huge.txt").open("wb").truncate(MAX_BYTES + 1)  # sparse: refused by its size, never read
    (outside / "secret.txt").write_text("root:x:0:0:secret", encoding="utf-8")
    (c / "link_out.txt").symlink_to(outside / "secret.txt")
    (c / "link_in.txt").symlink_to(c / "x.txt")
    (c / "link_dir").symlink_to(c / "2022")
    os.mkfifo(c / "pipe.txt")
    return {"2022/reply": "doc", "2023/reply": "doc", "x": "doc", "x.html": "doc", "notice": "doc",
            'quote"s and\nnewline': "doc", "gbk-\\xd6\\xd0\\xce\\xc4": "doc", "utf16": "doc", "link_in": "doc",
            "huge.txt": "too large", "link_out.txt": "outside the corpus", "link_dir": "folder of the corpus",
            "pipe.txt": "not a regular file (FIFO)"}  # fmt: skip


def test_no_file_stops_a_run_or_is_lost(tmp_path: Path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    outside.mkdir()
    expect = hostile_corpus(corpus, outside)
    listing = scan_corpus(corpus)
    assert len(listing.files) + len(listing.refused) == len(expect)
    res = ZhibiaoResource(corpus_dir=str(corpus), warehouse_path=str(tmp_path / "wh" / "z.duckdb"),
                          export_dir=str(tmp_path / "exports"), workers=1)  # fmt: skip
    for _ in range(2):  # the second run: nothing changed, nothing new fails
        result = dg.materialize([*ALL_ASSETS, *ALL_CHECKS], resources={"zhibiao": res},
                                instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)  # fmt: skip
        assert result.success
    with duckdb.connect(str(tmp_path / "wh" / "z.duckdb"), read_only=True) as con:
        docs = dict(con.execute("select doc_id, path from dim_document").fetchall())
        quarantine = {Path(p).name: r for p, r in con.execute("select path, reason from quarantine").fetchall()}
        values = dict(con.execute("select doc_id, value from fct_metric_fact where unit = '个'").fetchall())
        texts = " ".join(r[0] for r in con.execute("select text from raw_document").fetchall())
    assert {d for d, what in expect.items() if what == "doc"} == set(docs)
    for name, why in ((n, w) for n, w in expect.items() if w != "doc"):
        assert why in quarantine[name], (name, quarantine)
    assert values["2022/reply"] == 11000 and values["2023/reply"] == 22000 and values["x.html"] == 44000
    assert values["gbk-\\xd6\\xd0\\xce\\xc4"] == 66000 and values["utf16"] == 77000
    assert "secret" not in texts  # the link out of the corpus was not followed
    lines = [json.loads(x) for x in (tmp_path / "exports" / "facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {f["doc"] for f in lines} == set(docs) - {"notice"}  # the notice has no figure and breaks nothing


def cli_run(corpus: Path, tmp: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pipelines.cli", "run", "--corpus", str(corpus), "--warehouse",
           str(tmp / "wh" / "z.duckdb"), "--exports", str(tmp / "exports"), "--workers", "1", "--quiet"]  # fmt: skip
    return subprocess.run(unprivileged(cmd), capture_output=True, text=True, timeout=300)


def test_an_unreadable_folder_or_file_is_never_a_deletion(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus / "2021")
    (corpus / "own.txt").write_text(FIGURE.format(n="3.1"), encoding="utf-8")
    first = cli_run(corpus, tmp_path)
    assert first.returncode == 0, first.stderr
    (corpus / "2021").chmod(0)
    (corpus / "own.txt").chmod(0)
    try:
        second = cli_run(corpus, tmp_path)
    finally:
        (corpus / "2021").chmod(0o755)
        (corpus / "own.txt").chmod(0o644)
    assert second.returncode == 0, second.stderr
    with duckdb.connect(str(tmp_path / "wh" / "z.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == 6  # nothing deleted
        reasons = dict(con.execute("select path, reason from quarantine").fetchall())
    assert "unreadable folder" in reasons[str(corpus / "2021")] and "kept" in reasons[str(corpus / "2021")]
    assert "unreadable" in reasons[str(corpus / "own.txt")] and "kept" in reasons[str(corpus / "own.txt")]
