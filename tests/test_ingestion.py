"""Reading files: encodings, HTML, and a clear quarantine reason for every bad file."""

from pathlib import Path

import pytest

from pipelines.core.documents import MAX_BYTES, Quarantined, SourceDocument, read_document

TEXT = "杭州市数据资源管理局\n全市5G基站达到3.2万个，占全省32％。\n2023年6月1日"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b""), ("utf-16", b""), ("utf-16-le", b"\xff\xfe")],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str, prefix: bytes):
    p = tmp_path / "doc.txt"
    p.write_bytes(prefix + TEXT.encode(encoding))
    doc = read_document(p)
    assert isinstance(doc, SourceDocument), doc
    assert doc.text == TEXT


def test_html_keeps_visible_text_only(tmp_path: Path):
    p = tmp_path / "page.html"
    p.write_text("<html><head><title>t</title><style>p{color:red}</style><script>var x=5;</script></head>"
                 "<body><p>全市5G基站达到3.2万个。</p><script>alert(1)</script></body></html>", encoding="utf-8")
    doc = read_document(p)
    assert isinstance(doc, SourceDocument)
    assert doc.text == "全市5G基站达到3.2万个。"


def test_truncated_utf8_keeps_what_is_whole(tmp_path: Path):
    p = tmp_path / "cut.txt"
    p.write_bytes(TEXT.encode("utf-8")[:-2])
    doc = read_document(p)
    assert isinstance(doc, SourceDocument) and TEXT.startswith(doc.text) and len(doc.text) == len(TEXT) - 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"  \n\t ", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 40, "binary"),
     (b"<html><script>var a=1;</script></html>", "no visible text")],
)
def test_bad_files_are_quarantined_with_a_reason(tmp_path: Path, content: bytes, reason: str):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    doc = read_document(p)
    assert isinstance(doc, Quarantined) and reason in doc.reason


def test_huge_file_is_quarantined(tmp_path: Path):
    p = tmp_path / "huge.txt"
    with p.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: no 20 MB written
    doc = read_document(p)
    assert isinstance(doc, Quarantined) and "too large" in doc.reason
