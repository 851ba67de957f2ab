"""Files -> articles -> chunks -> vectors in the store; idempotent and incremental.

Unchanged articles (same content hash) are skipped; changed ones have all their chunks
replaced (atomically, see rag/store.py), so rerunning an interrupted ingest finishes it
and sweeps what the interruption left; with `prune`, articles that were ingested from a scanned folder but are no
longer in it are removed. A file that cannot be read is reported and skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from rag.chunking import Chunker
from rag.corpus import read_file, scan
from rag.embedding import Embedder
from rag.errors import ArticleReadError
from rag.store import ArticleWrite, ChromaStore
from rag.types import Article, IngestReport

Progress = Callable[[int], None]  # called with the number of files just finished


class Ingester:
    def __init__(self, chunker: Chunker, embedder: Embedder, store: ChromaStore, batch_chunks: int = 128):
        if batch_chunks < 1:
            raise ValueError("batch_chunks must be >= 1")
        self.chunker = chunker
        self.embedder = embedder
        self.store = store
        self.batch_chunks = batch_chunks

    def run(self, paths: Iterable[Path], *, prune: bool = False,
            on_start: Callable[[int], None] | None = None, progress: Progress | None = None) -> IngestReport:
        paths = list(paths)
        files = list(scan(paths))  # NotFound for a missing path, before any change
        if on_start:
            on_start(len(files))
        report = IngestReport()
        existing = self.store.hashes()
        seen: dict[str, str] = {}  # doc_id -> file it came from
        unreadable: set[str] = set()  # doc ids (or prefixes) of files that failed
        with _Pipeline(self.embedder, self.store, self.chunker) as pipeline:
            batch: list[tuple[Article, list]] = []
            for path, root in files:
                try:
                    articles = read_file(path, root)
                except ArticleReadError as e:
                    report.failed.append((str(path), str(e)))
                    unreadable.add(path.relative_to(root).as_posix())
                    articles = []
                for article in articles:
                    if article.doc_id in seen:
                        report.failed.append((str(path), f"duplicate id {article.doc_id!r} (also in {seen[article.doc_id]})"))
                        continue
                    seen[article.doc_id] = str(path)
                    self._consider(article, existing, report, batch, pipeline)
                if progress:
                    progress(1)
            report.chunks += pipeline.submit(batch) + pipeline.finish()
        if prune:
            report.removed = self._prune(existing, seen, unreadable, paths)
        self.store.sweep()  # chunks an interrupted run or a replaced version left behind
        self.store.mark_undated()  # records from before the flag (a no-op once all have it)
        return report

    def add_articles(self, articles: Iterable[Article]) -> IngestReport:
        """Ingest already-parsed articles (e.g. uploaded JSON); same rules as files."""
        report = IngestReport()
        existing = self.store.hashes()
        with _Pipeline(self.embedder, self.store, self.chunker) as pipeline:
            batch: list[tuple[Article, list]] = []
            for article in articles:
                self._consider(article, existing, report, batch, pipeline)
            report.chunks += pipeline.submit(batch) + pipeline.finish()
        return report

    def _consider(self, article: Article, existing, report: IngestReport, batch, pipeline: _Pipeline) -> None:
        """Count the article as unchanged, or queue it for (re)writing; hand full batches on."""
        old_hash = existing.get(article.doc_id, (None, ""))[0]
        if old_hash == article.content_hash:
            report.unchanged += 1
            return
        if old_hash is None:
            report.added += 1
        else:
            report.updated += 1
        batch.append((article, self.chunker.run(article)))
        if sum(len(c) for _, c in batch) >= self.batch_chunks:
            report.chunks += pipeline.submit(batch)

    def _prune(self, existing, seen, unreadable, paths) -> int:
        roots = {str(p.resolve()) for p in paths if p.is_dir()}
        removed = 0
        for doc_id, (_, root) in existing.items():
            if root not in roots or doc_id in seen:
                continue
            if doc_id in unreadable or doc_id.split("#", 1)[0] in unreadable:
                continue  # the file is still there, it just failed to read this time
            self.store.delete(doc_id)
            removed += 1
        return removed


class _Pipeline:
    """Embeds one batch in the background while the caller reads and chunks the next;
    writes batches to the store in order, from the caller's thread.

    A batch whose vectors are not written when the work stops (an error, an interrupt)
    is simply not in the store: its articles keep their old version, and the next
    ingest sees them as new or changed.
    """

    def __init__(self, embedder: Embedder, store: ChromaStore, chunker: Chunker):
        self._embedder = embedder
        self._store = store
        self._chunker = chunker
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-embed")
        self._pending: tuple[list[tuple[Article, list]], Future] | None = None

    def __enter__(self) -> _Pipeline:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, batch: list[tuple[Article, list]]) -> int:
        """Start embedding `batch` (taken over; the list is emptied) after writing the
        batch before it. Returns the number of chunks written."""
        written = self.finish()
        if batch:
            mine = list(batch)
            batch.clear()
            texts = []
            for article, chunks in mine:  # with BYLINE_EMBED_HEADLINE, headline and dateline too
                prefix = self._chunker.prefix(article)
                texts.extend(self._chunker.embedding_text(prefix, c) for c in chunks)
            self._pending = (mine, self._pool.submit(self._embedder.embed_batch, texts))
        return written

    def finish(self) -> int:
        """Write the batch being embedded, if any. Returns the number of chunks written."""
        if self._pending is None:
            return 0
        batch, future = self._pending
        self._pending = None
        vectors = future.result()
        writes, i = [], 0
        for article, chunks in batch:
            writes.append(ArticleWrite(article, chunks, vectors[i:i + len(chunks)]))
            i += len(chunks)
        self._store.write([w for w in writes if w.chunks])
        return i
