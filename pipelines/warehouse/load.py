"""Incremental loads: only new or changed documents (by content hash) are read and extracted again."""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import regex

from ..core.attribution import Fact
from ..core.documents import (
    MAX_BYTES,
    CorpusFile,
    CorpusListing,
    Quarantined,
    Refused,
    parse_bytes,
    read_bounded,
    scan_corpus,
    sha256_of,
    too_large,
)
from ..core.extract import extract_or_reason
from ..core.metadata import DocRecord
from ..core.metrics import metric_catalog
from ..core.regions import gazetteer
from ..core.text import normalise
from ..core.units import canonical_units
from .store import AFFECTED_SERIES, FACT_COLUMNS, bulk_load, held_lock_fds, replace_rows, replace_table
from .tables import RecordRows, arrow_schema

Progress = Callable[[str, int, int], None]


@dataclass
class SyncResult:
    seen: int = 0
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


def sync_raw_documents(con: duckdb.DuckDBPyConnection, corpus: Path, progress: Progress | None = None) -> SyncResult:
    """Bring ``raw_document`` and ``quarantine`` in line with the corpus folder.

    A file whose size, times and inode are those recorded when it was last hashed is not read again
    (git's rule): a no-change run costs a stat per file, not a read and a hash of the whole archive.
    A file or folder that cannot be read keeps its documents as last read (with a quarantine row saying
    so): only a file that is gone, or that is no longer a document, loses its facts."""
    listing = scan_corpus(corpus)
    sync = _CorpusSync(con.execute("select doc_id, path, sha256, file_stat from raw_document").fetchall(), listing)
    files = listing.files
    rows: list[dict[str, object]] = []
    with _BatchWriter(con) as writer:
        for i, f in enumerate(files, 1):
            if progress and (i % 500 == 0 or i == len(files)):
                progress("reading files", i, len(files))
            row = sync.visit(f)
            if row is None:
                continue
            if len(rows) >= BATCH:
                writer.write(rows)
                rows = []
            rows.append(row)
        writer.write(rows)
    sync.finish(con)
    return sync.res


class _CorpusSync:
    """One pass of ``sync_raw_documents``: each file is read (new or changed), kept (unchanged) or refused, then
    what is no longer in the corpus leaves ``raw_document`` and the quarantine is written."""

    def __init__(self, rows_then: list[tuple], listing: CorpusListing) -> None:
        self.rows_then = rows_then
        self.listing = listing
        self.known = {path: (doc_id, sha, stat) for doc_id, path, sha, stat in rows_then}
        self.res = SyncResult(seen=len(listing.files), quarantined=list(listing.refused))
        self.restat: dict[str, str] = {}  # doc_id -> stat of files touched but not changed
        self.ids_now: dict[str, str] = {}
        self.kept: set[str] = set()  # documents of files that could not be read this time
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.started = time.time()

    def visit(self, f: CorpusFile) -> dict[str, object] | None:
        """The raw_document row of a new or changed file; None for an unchanged or a refused one."""
        key, doc_id = f.name, f.doc_id
        id_then, sha_then, stat_then = self.known.get(key, (None, None, None))
        read = self._read(f, id_then, stat_then)
        if read is None:
            return None
        stat, data = read
        sha = sha256_of(data) if data is not None else sha_then
        if doc_id in self.ids_now:  # ids are unique by construction (assign_doc_ids): a guard, not a rule
            self.res.quarantined.append(Quarantined(key, sha or "", f"duplicate document id {doc_id!r} (also {self.ids_now[doc_id]})"))
            return None
        if sha_then == sha and id_then == doc_id:
            self.ids_now[doc_id] = key
            if stat != stat_then:
                self.restat[doc_id] = stat
            return None
        assert data is not None  # a file is read whenever its hash or id may have changed
        src = parse_bytes(key, data, sha, doc_id)
        if isinstance(src, Quarantined):
            self.res.quarantined.append(Quarantined(src.path, src.sha256, src.reason, stat))
            return None
        self.ids_now[doc_id] = key
        self.res.changed.append(doc_id)
        return {"doc_id": doc_id, "path": key, "sha256": sha, "encoding": src.encoding, "size_bytes": src.size_bytes,
                "n_chars": len(src.text), "text": src.text, "ingested_at": self.now, "file_stat": stat,
                "n_replaced": src.replaced}  # fmt: skip

    def _read(self, f: CorpusFile, id_then: str | None, stat_then: str | None) -> tuple[str, bytes | None] | None:
        """The file's stat and bytes (None: its stat is the one recorded with its hash, it is not read again);
        None for a file refused (too large, unreadable), with its quarantine row."""
        try:
            info = os.stat(f.path)
            stat = stat_key(info, self.started)
            if info.st_size > MAX_BYTES:  # refused before reading: a 2 GB file is never in memory
                self.res.quarantined.append(Quarantined(f.name, "", too_large(info.st_size), stat))
                return None
            if not stat or stat != stat_then or id_then != f.doc_id:
                return stat, read_bounded(f.path)
            return stat, None
        except (OSError, Refused) as e:
            reason = e.reason if isinstance(e, Refused) else f"unreadable: {e.strerror or e}"
            if id_then and reason.startswith("unreadable"):
                self.kept.add(id_then)
                reason += "; its document is kept as last read"
            self.res.quarantined.append(Quarantined(f.name, "", reason))
            return None

    def finish(self, con: duckdb.DuckDBPyConnection) -> None:
        """Remove the documents whose files are gone, record the new stats of unchanged files, write the quarantine."""
        kept = self.kept | {doc_id for doc_id, path, _, _ in self.rows_then if self.listing.under_unlisted(path)}
        self.res.deleted = [d for d, _, _, _ in self.rows_then if d not in self.ids_now and d not in kept]
        replace_rows(con, "raw_document", "doc_id", self.res.deleted, None)
        if self.restat:
            con.register("_restat", pa.table({"doc_id": list(self.restat), "file_stat": list(self.restat.values())}))
            con.execute("update raw_document r set file_stat = s.file_stat from _restat s where r.doc_id = s.doc_id")
            con.unregister("_restat")
        q = pa.Table.from_pylist(
            [{"path": x.path, "sha256": x.sha256, "reason": x.reason, "quarantined_at": self.now, "file_stat": x.file_stat}
             for x in self.res.quarantined], schema=QUARANTINE_SCHEMA)  # fmt: skip
        con.execute("delete from quarantine")
        replace_rows(con, "quarantine", "path", [], q)


RACY_SECONDS = 2.0


def stat_key(st: os.stat_result, now: float) -> str:
    """Size, modification and change times (ns) and inode of a file, or "" while the file is too fresh
    to trust them: two writes within one tick of the file system's clock can leave equal times, so a
    file changed in the last RACY_SECONDS is read and hashed again on the next run."""
    if now - max(st.st_mtime, st.st_ctime) < RACY_SECONDS:
        return ""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


class _BatchWriter:
    """Writes batches of raw_document rows in a thread, one batch at a time, while the caller reads and
    decodes the next: DuckDB releases the GIL while it compresses the texts. The connection is used by
    the thread alone until the ``with`` block ends."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.pending: Future[None] | None = None

    def write(self, rows: list[dict[str, object]]) -> None:
        self._wait()  # one batch in flight: memory stays bounded by two batches
        if rows:
            self.pending = self.pool.submit(self._replace, rows)

    def _replace(self, rows: list[dict[str, object]]) -> None:
        replace_rows(self.con, "raw_document", "doc_id", [str(r["doc_id"]) for r in rows], pa.Table.from_pylist(rows))

    def _wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()  # raises what the thread raised

    def __enter__(self) -> _BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._wait()
        finally:
            self.pool.shutdown()  # waits for the thread: nothing touches the connection after this


BATCH = 500  # documents per batch: bounds memory, whatever the size of the corpus


def extract_changed(con: duckdb.DuckDBPyConnection, extract: Sequence[str], remove: Sequence[str] = (),
                    workers: int = 1, progress: Progress | None = None) -> dict[str, int]:  # fmt: skip
    """Parse and extract the raw documents ``extract`` (sorted ids, from the run's plan) and replace their rows;
    the rows of ``remove`` leave dim_document and fct_metric_fact.

    Works in batches of ``BATCH`` documents, over ``workers`` processes; the output does not depend
    on the number of workers (results come back in input order). Workers return Arrow tables, so the
    process that writes to DuckDB does no per-fact work and keeps up with them."""
    todo, gone = list(extract), list(remove)
    # The series (region x metric) that the old and the new facts of these documents belong to: models
    # with an incremental key recompute only these.
    con.execute(f"create or replace table {AFFECTED_SERIES} as {AFFECTED_SQL}", [todo + gone])
    replace_rows(con, "dim_document", "doc_id", gone, None)
    replace_rows(con, "fct_metric_fact", "doc_id", gone, None)
    stats = {"extracted": 0, "facts": 0, "removed": len(gone), "failed": 0}
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    done = 0
    with bulk_load(con), _worker_pool(con, workers if len(todo) >= 64 else 1) as pool:
        # One batch ahead: the workers extract the next batch while this process writes the last one.
        in_flight = deque(_submit(con, pool, b) for b in batches[:2])
        for k in range(len(batches)):
            batch = in_flight.popleft()
            docs, facts, failed = _gather(batch, done, len(todo), progress)
            done += sum(c.num_rows for c in batch.chunks)
            if k + 2 < len(batches):
                in_flight.append(_submit(con, pool, batches[k + 2]))
            _write_batch(con, batch.ids, docs, facts, failed, stats)
    con.execute(f"insert into {AFFECTED_SERIES} {AFFECTED_SQL}", [todo])
    return stats


@dataclass
class _Batch:
    """A batch of documents sent for extraction: their ids, the chunks of texts, and each chunk's result (a
    worker's future, or the result itself when this process extracts)."""

    ids: list[str]
    chunks: list[pa.Table]
    results: Iterable


def _submit(con: duckdb.DuckDBPyConnection, pool: ProcessPoolExecutor | None, ids: list[str]) -> _Batch:
    # Texts travel as Arrow (a copy of buffers): turning them into Python strings is the workers' job,
    # which keeps this process, the only writer, free to insert.
    # The range (ids are sorted) is a filter DuckDB applies in the scan, so it decompresses only the texts
    # near these documents; the semi-join alone decompressed every text of the table for each batch.
    items = con.sql(
        "select doc_id, text, sha256, path from raw_document where doc_id between ? and ? "
        "and doc_id in (select unnest(?::varchar[])) order by doc_id", params=[ids[0], ids[-1], ids]
    ).to_arrow_table()  # fmt: skip
    # take, not slice: a pickled slice carries its table's whole buffers.
    chunks = [items.take(pa.array(range(k, min(k + CHUNK, items.num_rows)))) for k in range(0, items.num_rows, CHUNK)]
    return _Batch(ids, chunks, [pool.submit(extract_chunk, c) for c in chunks] if pool else map(extract_chunk, chunks))


def _gather(batch: _Batch, done: int, total: int, progress: Progress | None,
            ) -> tuple[pa.Table, pa.Table, list[tuple[str, str, str]]]:  # fmt: skip
    """A batch's dim_document and fct_metric_fact rows and its failed documents, as its chunks come back."""
    docs: list[pa.Table] = []
    facts: list[pa.Table] = []
    failed: list[tuple[str, str, str]] = []
    for chunk, r in zip(batch.chunks, batch.results, strict=True):
        d_tab, f_tab, f_failed = r.result() if isinstance(r, Future) else r
        done += chunk.num_rows
        if progress and (done // 200 > (done - chunk.num_rows) // 200 or done == total):
            progress("extracting", done, total)
        docs.append(d_tab)
        facts.append(f_tab)
        failed += f_failed
    return pa.concat_tables(docs), pa.concat_tables(facts), failed


def _write_batch(con: duckdb.DuckDBPyConnection, ids: list[str], doc_rows: pa.Table, fact_rows: pa.Table,
                 failed: list[tuple[str, str, str]], stats: dict[str, int]) -> None:  # fmt: skip
    """Replace the batch's documents and facts; a document whose extraction failed goes to quarantine."""
    replace_rows(con, "dim_document", "doc_id", ids, doc_rows)
    replace_rows(con, "fct_metric_fact", "doc_id", ids, fact_rows)
    if failed:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        q = pa.Table.from_pylist([{"path": path, "sha256": sha, "reason": why, "quarantined_at": now}
                                  for path, sha, why in failed], schema=QUARANTINE_SCHEMA)  # fmt: skip
        replace_rows(con, "quarantine", "path", [path for path, _, _ in failed], q)
    stats["extracted"] += doc_rows.num_rows
    stats["facts"] += fact_rows.num_rows
    stats["failed"] += len(failed)


@contextlib.contextmanager
def _worker_pool(con: duckdb.DuckDBPyConnection, workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """``workers`` extraction processes (None for one: this process extracts), with DuckDB on one thread
    while they run: its own threads writing beside them slowed extraction by a fifth."""
    if workers <= 1:
        yield None
        return
    threads = con.execute("select current_setting('threads')").fetchall()[0][0]
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start, initargs=(os.getpid(), held_lock_fds()))
    con.execute("set threads = 1")
    try:
        yield pool
    finally:
        pool.shutdown(cancel_futures=True)
        con.execute(f"set threads = {int(threads)}")


PR_SET_PDEATHSIG = 1


def _worker_start(parent: int, lock_fds: list[int]) -> None:
    """In each worker: die with the parent (a SIGKILLed run must not leave workers), and close the inherited
    lock files, so the run lock is free the moment the run itself is gone."""
    for fd in lock_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: no traceback per worker
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


# The documents' copies (same content hash or body fingerprint) count too: a copy added or removed changes which
# copy stands for the document in the marts.
AFFECTED_SQL = """with ids as (select unnest(?::varchar[]) as doc_id),
                       copies as (select d.doc_id from dim_document d
                                  join dim_document c on c.sha256 = d.sha256 or c.text_fingerprint = d.text_fingerprint
                                  where c.doc_id in (select doc_id from ids))
                  select distinct region, coalesce(metric_id, metric) as series_metric from fct_metric_fact
                  where doc_id in (select doc_id from ids union select doc_id from copies)"""


CHUNK = 16  # documents per task sent to a worker process


def extract_chunk(items: pa.Table) -> tuple[pa.Table, pa.Table, list[tuple[str, str, str]]]:
    """Extract documents (an Arrow table of doc_id, text, sha256, path): the dim_document and
    fct_metric_fact rows as Arrow tables, and (path, sha256, reason) for documents whose extraction failed.
    Runs in a worker process."""
    docs: list[dict[str, object]] = []
    facts: dict[str, list] = {c: [] for c in FACT_COLUMNS}
    failed: list[tuple[str, str, str]] = []
    cols = [items.column(c).to_pylist() for c in ("doc_id", "text", "sha256", "path")]
    for doc_id, text, sha, path in zip(*cols, strict=True):
        r = extract_or_reason(doc_id, text)
        try:
            if isinstance(r, str):
                raise ValueError(r)
            rows = [_fact_values(f) for f in r.facts]  # a value past a float's range raises here
        except (ValueError, OverflowError, TypeError) as e:
            reason = str(e) if isinstance(r, str) else f"extraction failed: {type(e).__name__}: {e}"
            failed.append((path, sha, reason[:500]))  # one document, never the run
            continue
        docs.append({**_doc_row(r.doc, sha, path), "text_fingerprint": text_fingerprint(text)})
        for row in rows:
            for c, v in zip(FACT_COLUMNS, row, strict=True):
                facts[c].append(v)
    return pa.Table.from_pylist(docs, schema=DOC_SCHEMA), pa.Table.from_pydict(facts, schema=FACT_SCHEMA), failed


# Page chrome (menus, breadcrumbs, "发布时间 … 浏览次数" lines, footers) sits on lines with no end of sentence;
# the body of a document is its lines with one. Spacing and punctuation differ between republished pages.
_BODY_LINE_RE = regex.compile(r"[。!?;！？；]")
_NOT_WORD_RE = regex.compile(r"[^\p{Han}\p{L}\p{N}]+")
# Below this many characters of body a shared body says little: two short notices may differ only in the lines
# taken for chrome (their region or date), so they are compared by exact content alone.
MIN_BODY_CHARS = 100


def text_fingerprint(text: str) -> str | None:
    """A hash of the body text (its sentence lines, letters, digits and Han characters only): equal for copies
    of one document republished with other page chrome, spacing or punctuation. None for a short body."""
    lines = [ln for ln in text.splitlines() if _BODY_LINE_RE.search(ln)]
    body = _NOT_WORD_RE.sub("", normalise("".join(lines)))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32] if len(body) >= MIN_BODY_CHARS else None


# The dim_document and fct_metric_fact rows, as their schema files (sql/sources/*.yml) say: which field of the
# core's DocRecord or Fact each column holds, in which type.
DOC_SCHEMA = arrow_schema("dim_document")
QUARANTINE_SCHEMA = arrow_schema("quarantine")
FACT_SCHEMA = arrow_schema("fct_metric_fact")
_DOC_ROWS = RecordRows("dim_document", DocRecord)
_FACT_ROWS = RecordRows("fct_metric_fact", Fact)


def _doc_row(d: DocRecord, sha: str, path: str) -> dict[str, object]:
    """A document's dim_document row; its text_fingerprint is the caller's."""
    return _DOC_ROWS.row(d, sha, path, None)  # the loader's columns: sha256, path, text_fingerprint


def _fact_values(f: Fact) -> tuple:
    """A fact's values in FACT_COLUMNS order (a value past a float's range raises OverflowError)."""
    return _FACT_ROWS.values(f, f"{f.doc}:{f.start}:{f.end}")  # the loader's column: fact_id


def load_dimensions(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """dim_unit, dim_metric and dim_region from the packaged catalogs and gazetteer."""
    units = canonical_units()
    replace_table(con, "dim_unit", pa.Table.from_pylist(units))
    cat = metric_catalog()
    replace_table(
        con, "dim_metric",
        pa.Table.from_pylist([{"metric_id": m.metric_id, "name": m.name, "synonyms": "|".join(m.synonyms)}
                              for m in cat.metrics]),
    )  # fmt: skip
    gaz = gazetteer()
    regions = []
    for r in gaz.by_code.values():
        city = gaz.city_of(r) if r.level == "county" else r
        regions.append({"region_code": r.code, "name": r.name, "level": r.level,
                        "province_code": r.province_code if r.level != "national" else None,
                        "prefecture_code": city.code if r.level in ("county", "prefecture") else None})  # fmt: skip
    replace_table(con, "dim_region", pa.Table.from_pylist(regions))
    return {"dim_unit": len(units), "dim_metric": len(cat.metrics), "dim_region": len(regions)}
