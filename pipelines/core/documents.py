"""Reading corpus files: decoding, HTML to text, and a clear reason for every file that is refused.

Offsets in facts are offsets into the decoded text (for HTML: into the extracted visible text).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from charset_normalizer import from_bytes

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".htm", ".html", ".xhtml"}
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(frozen=True)
class SourceDocument:
    doc_id: str
    path: str
    sha256: str
    encoding: str
    text: str
    size_bytes: int


@dataclass(frozen=True)
class Quarantined:
    path: str
    sha256: str
    reason: str


class _VisibleText(HTMLParser):
    BLOCK: ClassVar[set[str]] = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "title", "section", "article", "td"}
    SKIP: ClassVar[set[str]] = {"script", "style", "noscript", "template", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    p = _VisibleText()
    p.feed(html)
    p.close()
    lines = (ln.strip() for ln in "".join(p.parts).splitlines())
    return "\n".join(ln for ln in lines if ln)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text: BOM, then strict UTF-8, then charset-normalizer (GB18030, UTF-16...)."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            # A file cut in the middle of its last character: keep everything before it.
            return data[: e.start].decode("utf-8"), "utf-8 (truncated)"
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be"]).best()
    if best is None:
        best = from_bytes(data).best()
    if best is None:
        raise ValueError("undecodable: no text encoding fits the bytes")
    enc = best.encoding
    if enc in ("gbk", "gb2312", "hz"):
        enc = "gb18030"  # the superset: decodes every GBK file and more
    return data.decode(enc), enc


def doc_id_for(path: Path) -> str:
    return path.stem if path.suffix.lower() in TEXT_SUFFIXES else path.name


# Replacement characters and control characters other than tab and line feed: signs of a wrong encoding.
GARBLED_RE = re.compile("[\ufffd\x00-\x08\x0b-\x1f]")


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    return bool(b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_shape(sample)))


def _utf16_shape(sample: bytes) -> bool:
    # UTF-16 without a BOM: every other byte of ASCII/CJK text is regular; NULs sit on one side.
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    return max(even, odd) > len(sample) // 8 and min(even, odd) < len(sample) // 64


def read_document(path: Path) -> SourceDocument | Quarantined:
    """Read one file; any problem becomes a quarantine record with the reason, never an exception."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return Quarantined(str(path), "", f"unreadable: {e.strerror or e}")
    return parse_bytes(path, data)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(path: Path, data: bytes, sha: str | None = None) -> SourceDocument | Quarantined:
    """Decode the bytes of one file into a document, or say why it cannot be one."""
    sha = sha or sha256_of(data)
    if not data.strip():
        return Quarantined(str(path), sha, "empty file")
    if len(data) > MAX_BYTES:
        return Quarantined(str(path), sha, f"too large: {len(data)} bytes (limit {MAX_BYTES})")
    if _looks_binary(data):
        return Quarantined(str(path), sha, "binary content (NUL bytes): not a text document")
    try:
        text, enc = decode(data)
    except (ValueError, UnicodeDecodeError, LookupError) as e:
        return Quarantined(str(path), sha, f"undecodable: {e}")
    if path.suffix.lower() in (".htm", ".html", ".xhtml") or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = len(GARBLED_RE.findall(text, 0, 5000))
    if bad > max(10, len(text[:5000]) // 20):
        return Quarantined(str(path), sha, f"garbled text: {bad} control or replacement characters in the first 5000")
    if not text.strip():
        return Quarantined(str(path), sha, "no visible text")
    return SourceDocument(doc_id_for(path), str(path), sha, enc, text, len(data))


def list_corpus(corpus: Path) -> list[Path]:
    """Every regular file under the corpus folder (hidden files skipped), in a stable order."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    # os.walk and plain strings: rglob with Path objects spent most of a second on 10,000 files.
    found: list[str] = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [p for f in files if not f.startswith(".") and os.path.isfile(p := os.path.join(root, f))]
    found.sort(key=lambda p: p.split(os.sep))  # the order of sorted Paths (part by part)
    return [Path(p) for p in found]
