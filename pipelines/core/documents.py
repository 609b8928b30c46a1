"""Reading corpus files: listing the corpus, document ids, decoding, HTML to text, and a clear reason for
every file that is refused.

Only regular files inside the corpus folder are read (a symbolic link is followed only to a file inside it);
FIFOs, devices, sockets, links out of the corpus and folders that cannot be listed are refused with the
reason. Offsets in facts are offsets into the decoded text (for HTML: into the extracted visible text).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat as st
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from charset_normalizer import from_bytes

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".text", ".md", ".htm", ".html", ".xhtml"}
# UTF-32 before UTF-16: the little-endian UTF-32 BOM begins with the UTF-16 one.
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


@dataclass(frozen=True)
class SourceDocument:
    doc_id: str
    path: str
    sha256: str
    encoding: str
    text: str
    size_bytes: int
    replaced: int = 0  # characters decoded as U+FFFD (bad bytes in an otherwise valid file)


@dataclass(frozen=True)
class Quarantined:
    path: str
    sha256: str
    reason: str
    file_stat: str = ""  # the file's size, times and inode when it was refused (the loader's stat_key)


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


def decode(data: bytes) -> tuple[str, str, int]:
    """Decode bytes to (text, encoding, characters replaced): BOM, UTF-8 (a few bad bytes replaced),
    UTF-16 without a BOM, GB18030 or Big5 by which one reads as Chinese, then charset-normalizer."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            return text, enc, text.count("\ufffd") - data.decode(enc, errors="ignore").count("\ufffd")
    try:
        return data.decode("utf-8"), "utf-8", 0
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            # A file cut in the middle of its last character: keep everything before it.
            return data[: e.start].decode("utf-8"), "utf-8 (truncated)", 0
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16[0], utf16[1], 0
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    spots = len(re.findall("\ufffd+", text)) - len(re.findall("\ufffd+", data.decode("utf-8", errors="ignore")))
    if spots <= max(MAX_REPLACED, len(text) // MAX_REPLACED_SHARE) and _multibyte_utf8(text) >= 10 * spots:
        return text, "utf-8", replaced  # a valid UTF-8 document with a few bad bytes, not another encoding
    for enc, fits in (("gb18030", _reads_as_gb2312), ("cp950", lambda _: True)):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if fits(text):
            return text, "big5" if enc == "cp950" else enc, 0
    best = from_bytes(data, cp_isolation=["gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be"]).best()
    if best is None:
        best = from_bytes(data).best()
    if best is None:
        raise ValueError("undecodable: no text encoding fits the bytes")
    enc = best.encoding
    if enc in ("gbk", "gb2312", "hz"):
        enc = "gb18030"  # the superset: decodes every GBK file and more
    return data.decode(enc, errors="replace"), enc, 0


# A UTF-8 decoding is kept with replacements when there are at most this many bad spots (runs of replaced
# characters), or one per this many characters, and valid multi-byte characters outnumber them tenfold
# (text in another encoding decoded as UTF-8 has few).
MAX_REPLACED = 16
MAX_REPLACED_SHARE = 200


def _multibyte_utf8(text: str) -> int:
    return sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")


def _reads_as_gb2312(text: str) -> bool:
    """Most characters of a simplified-Chinese GB18030 text lie in GB2312's hanzi and punctuation rows;
    Big5 bytes read as GB18030 land in its kana, Greek, Cyrillic and extension rows instead."""
    sample = [c for c in text[:20000] if ord(c) > 0x7F]
    if not sample:
        return True
    common = 0
    for c in sample:
        b = c.encode("gb18030")
        # rows A1-A3 (punctuation, full-width forms) and B0-F7 (hanzi); trail byte A1-FE
        common += len(b) == 2 and (0xA1 <= b[0] <= 0xA3 or 0xB0 <= b[0] <= 0xF7) and b[1] >= 0xA1
    return common >= 0.8 * len(sample)


_IDEOGRAPH_RE = re.compile(r"[\u4e00-\u9fff]")  # the CJK Unified Ideographs block, by code point


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: the byte order whose strict decoding reads as text. Nearly all of its characters
    are ASCII, CJK ideographs, CJK punctuation or full-width forms, and the ones other than ideographs (line
    ends, digits, punctuation) are common in it and rare in the other order."""
    even = data[: len(data) // 2 * 2]
    scores = {}
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(enc)
        except UnicodeDecodeError:
            continue
        if not text:
            continue
        plain = sum(1 for c in text if c in "\n\r\t" or " " <= c <= "~" or "\u3000" <= c <= "\u303f"
                    or "\uff00" <= c <= "\uffef")  # fmt: skip
        ideographs = len(_IDEOGRAPH_RE.findall(text))
        if plain + ideographs >= 0.95 * len(text):
            scores[enc] = (plain / len(text), text)
    if not scores:
        return None
    enc = max(scores, key=lambda k: scores[k][0])
    other = min(scores[k][0] for k in scores) if len(scores) == 2 else 0.0
    share, text = scores[enc]
    return (text, enc) if share >= 0.05 and share >= 2 * other else None


def doc_id_for(path: Path) -> str:
    """The id of a file at the top of a flat corpus: its name without a text suffix."""
    return path.stem if path.suffix.lower() in TEXT_SUFFIXES else path.name


# Replacement characters and control characters other than tab and line feed: signs of a wrong encoding.
GARBLED_RE = re.compile("[\ufffd\x00-\x08\x0b-\x1f]")


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:4096]


def read_document(path: Path, doc_id: str | None = None) -> SourceDocument | Quarantined:
    """Read one file; any problem becomes a quarantine record with the reason, never an exception."""
    name = display_path(str(path))
    try:
        data = read_bounded(str(path))
    except Refused as e:
        return Quarantined(name, "", e.reason)
    return parse_bytes(path, data, doc_id=doc_id)


class Refused(Exception):
    """A file that is not read: not a regular file, too large, or unreadable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_bounded(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. The size is checked before reading (and the
    read stops past the limit, should the file grow); a FIFO or device is never waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        raise Refused(f"unreadable: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if not st.S_ISREG(info.st_mode):
            raise Refused(f"not a regular file ({_kind(info.st_mode)}): not read")
        if info.st_size > limit:
            raise Refused(too_large(info.st_size))
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise Refused(too_large(size))
        return b"".join(chunks)
    except OSError as e:
        raise Refused(f"unreadable: {e.strerror or e}") from None
    finally:
        os.close(fd)


def too_large(size: int) -> str:
    return f"too large: {size} bytes (limit {MAX_BYTES})"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(path: Path | str, data: bytes, sha: str | None = None, doc_id: str | None = None,
                ) -> SourceDocument | Quarantined:  # fmt: skip
    """Decode the bytes of one file into a document, or say why it cannot be one."""
    name = display_path(str(path))
    suffix = os.path.splitext(name)[1].lower()
    sha = sha or sha256_of(data)
    if not data.strip():
        return Quarantined(name, sha, "empty file")
    if len(data) > MAX_BYTES:
        return Quarantined(name, sha, too_large(len(data)))
    if _looks_binary(data) and not data.startswith(tuple(b for b, _ in BOMS)) and not _utf16_without_bom(data):
        return Quarantined(name, sha, "binary content (NUL bytes): not a text document")
    try:
        text, enc, replaced = decode(data)
    except (ValueError, UnicodeDecodeError, LookupError) as e:
        return Quarantined(name, sha, f"undecodable: {e}")
    if suffix in (".htm", ".html", ".xhtml") or text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = len(GARBLED_RE.findall(text, 0, 5000))
    if bad > max(10, len(text[:5000]) // 20):
        return Quarantined(name, sha, f"garbled text: {bad} control or replacement characters in the first 5000")
    if not text.strip():
        return Quarantined(name, sha, "no visible text")
    return SourceDocument(doc_id or doc_id_for(Path(name)), name, sha, enc, text, len(data), replaced)


def display_path(path: str) -> str:
    """A path as valid text: bytes of a file name that are not UTF-8 are written as \\xNN (os.walk gives
    them as surrogates, which no database or JSON writer accepts)."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")


@dataclass(frozen=True)
class CorpusFile:
    path: str  # for the file system (may hold the surrogates of a name that is not UTF-8)
    name: str  # the same path as valid text: what the warehouse stores
    doc_id: str  # the path within the corpus, without a text suffix: stable and readable


@dataclass
class CorpusListing:
    files: list[CorpusFile] = field(default_factory=list)
    refused: list[Quarantined] = field(default_factory=list)  # entries that are not read, with the reason
    unlisted: list[str] = field(default_factory=list)  # folders that could not be read (their documents stay)

    def under_unlisted(self, name: str) -> bool:
        return any(name.startswith(folder + os.sep) for folder in self.unlisted)


def scan_corpus(corpus: Path) -> CorpusListing:
    """Every regular file under the corpus folder (hidden files and folders skipped), in a stable order,
    with its document id; everything else that is there, with the reason it is not read."""
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {corpus}")
    root = os.path.realpath(corpus)
    listing = CorpusListing()
    found: list[tuple[str, str]] = []  # (file-system path, path within the corpus)
    _scan(str(corpus), "", root, found, listing)
    ids = assign_doc_ids([rel for _, rel in found])
    listing.files = [CorpusFile(p, display_path(p), ids[rel]) for p, rel in found]
    return listing


def _scan(folder: str, rel: str, root: str, found: list[tuple[str, str]], listing: CorpusListing) -> None:
    # os.scandir and plain strings: rglob with Path objects spent most of a second on 10,000 files.
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        listing.unlisted.append(display_path(folder))
        listing.refused.append(Quarantined(display_path(folder), "", f"unreadable folder: {e.strerror or e}; "
                                           "its documents are kept as last read"))  # fmt: skip
        return
    for e in entries:
        if e.name.startswith("."):
            continue
        sub = f"{rel}/{e.name}" if rel else e.name
        try:
            if e.is_symlink():
                target = os.path.realpath(e.path)
                if os.path.commonpath([root, target]) != root:
                    listing.refused.append(Quarantined(display_path(e.path), "", "symbolic link to outside the corpus "
                                                       f"({display_path(target)}): not read"))  # fmt: skip
                    continue
                if os.path.isdir(target):
                    listing.refused.append(Quarantined(display_path(e.path), "", "symbolic link to a folder of the "
                                                       "corpus: its files are read where they are"))  # fmt: skip
                    continue
            mode = os.stat(e.path).st_mode  # a link inside the corpus: what it points to
        except OSError as err:
            listing.refused.append(Quarantined(display_path(e.path), "", f"unreadable: {err.strerror or err}"))
            continue
        if st.S_ISDIR(mode):
            _scan(e.path, sub, root, found, listing)
        elif st.S_ISREG(mode):
            found.append((e.path, sub))
        else:
            listing.refused.append(Quarantined(display_path(e.path), "", f"not a regular file ({_kind(mode)}): not read"))


def _kind(mode: int) -> str:
    for test, name in ((st.S_ISFIFO, "FIFO"), (st.S_ISCHR, "character device"), (st.S_ISBLK, "block device"),
                       (st.S_ISSOCK, "socket"), (st.S_ISDIR, "folder")):  # fmt: skip
        if test(mode):
            return name
    return "special file"


def assign_doc_ids(rels: list[str]) -> dict[str, str]:
    """Path within the corpus -> document id: the path without its text suffix (``2023/reply.txt`` ->
    ``2023/reply``; ``a.txt`` at the top -> ``a``, the ids of flat corpora). Where two files would share an id
    (``x.txt`` and ``x.html``), the one with the earlier suffix in TEXT_SUFFIX_ORDER keeps it and the others
    keep their full names, so an id never depends on the order the files are found in."""
    shown = {r: display_path(r) for r in rels}
    wanted: dict[str, list[str]] = {}
    for r in rels:
        stem, suffix = os.path.splitext(shown[r])
        wanted.setdefault(stem if suffix.lower() in TEXT_SUFFIXES else shown[r], []).append(r)
    ids: dict[str, str] = {}
    for want, group in wanted.items():
        group.sort(key=lambda r: (shown[r] != want, _suffix_rank(shown[r]), shown[r]))
        ids[group[0]] = want
        for r in group[1:]:
            ids[r] = shown[r]
    taken: dict[str, str] = {}
    for r in sorted(rels, key=lambda r: (ids[r] != shown[r], shown[r])):  # a full name beats a stem it meets
        i, n = ids[r], 1
        while i in taken:  # ``x.html`` beside a file whose stem is ``x.html`` (``x.html.txt``): rare
            i, n = f"{ids[r]}~{n}", n + 1
        taken[i] = r
        ids[r] = i
    return ids


TEXT_SUFFIX_ORDER = (".txt", ".text", ".md", ".html", ".htm", ".xhtml")


def _suffix_rank(name: str) -> int:
    suffix = os.path.splitext(name)[1].lower()
    return TEXT_SUFFIX_ORDER.index(suffix) if suffix in TEXT_SUFFIX_ORDER else len(TEXT_SUFFIX_ORDER)


def list_corpus(corpus: Path) -> list[Path]:
    """Every regular file under the corpus folder (see ``scan_corpus``), in a stable order."""
    return [Path(f.path) for f in scan_corpus(corpus).files]
