"""Keyword search (BM25, bm25s) over the store's chunks, kept in step with the store.

The Chroma store is the one source of truth. The BM25 index is derived from its current
chunks and saved on disk tagged with the store's version token (`ChromaStore.version`,
replaced on every write and delete, and kept in Chroma so every process sees it). Each
search reads the token (one small Chroma read); when it differs from the loaded index's,
the index for the new token is loaded from disk if some process saved it already, else
rebuilt from the store and saved. Index directories are named by their token and moved
into place whole, so processes sharing a directory never read a half-written index.

Tokens: lowercase words and numbers, English stopwords (bm25s' list) removed, Snowball
stems (PyStemmer) so "elections" finds "election".
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.types import Filters

_WORD = re.compile(r"\w+", re.UNICODE)
_FORMAT = "bm25-v1"  # bump when tokenising or the saved layout changes


class Tokenizer:
    def __init__(self, stem: bool = True):
        from bm25s.stopwords import STOPWORDS_EN

        self._stop = frozenset(STOPWORDS_EN)
        self._stemmer = None
        if stem:
            import Stemmer

            self._stemmer = Stemmer.Stemmer("english")

    def __call__(self, text: str) -> list[str]:
        words = [w for w in _WORD.findall(text.lower()) if w not in self._stop]
        return self._stemmer.stemWords(words) if self._stemmer else words


@functools.cache
def tokenizer() -> Tokenizer:
    """One stemming tokenizer per process (building a Snowball stemmer is not free)."""
    return Tokenizer()


def scores(query: str, texts: list[str], k1: float = 1.2, b: float = 0.75) -> np.ndarray:
    """Okapi BM25 of each text for the query, with word rarity taken among these texts: for
    ranking a few hundred sentences in memory (rag.context), where no index is worth building."""
    tok = tokenizer()
    docs = [tok(t) for t in texts]
    words = set(tok(query))
    if not docs or not words:
        return np.zeros(len(docs))
    lengths = np.array([len(d) for d in docs], dtype=float)
    norm = k1 * (1 - b + b * lengths / (lengths.mean() or 1.0))
    out = np.zeros(len(docs))
    for w in words:
        tf = np.array([d.count(w) for d in docs], dtype=float)
        df = np.count_nonzero(tf)
        if df:
            out += np.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) * tf * (k1 + 1) / (tf + norm)
    return out


@dataclass
class Bm25Index:
    """A bm25s model over chunks, with what filters need per chunk."""

    token: str  # the store version it was built from
    model: object  # bm25s.BM25
    chunk_ids: list[str]
    published: np.ndarray  # int32 YYYYMMDD, 0 when undated
    sources: np.ndarray  # casefolded source names

    @classmethod
    def build(cls, token: str, rows: Iterable[tuple[str, str, dict]], tokenizer: Tokenizer,
              title_weight: int = 1) -> Bm25Index:
        import bm25s

        ids, corpus, published, sources = [], [], [], []
        for cid, text, meta in rows:
            ids.append(cid)
            # the headline is part of what a reader sees with every chunk (as in the embedding)
            corpus.append(tokenizer(text) + tokenizer(str(meta.get("title", ""))) * title_weight)
            published.append(int(meta.get("published") or 0))
            sources.append(str(meta.get("source_key", "")))
        model = bm25s.BM25()
        if ids:
            model.index(corpus, show_progress=False)
        return cls(token, model, ids, np.asarray(published, dtype=np.int32), np.asarray(sources, dtype=object))

    def search(self, tokens: list[str], k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """The k best (chunk_id, score) with a positive score that pass the filters."""
        if not self.chunk_ids or not tokens or k < 1:
            return []
        scores = np.asarray(self.model.get_scores(tokens), dtype=np.float32)
        mask = self.mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def mask(self, filters: Filters | None) -> np.ndarray | None:
        """Which chunks the filters allow (as the store's `where`: undated chunks fail any
        date bound); None when there are no filters."""
        if filters is None or filters.is_empty():
            return None
        keep = np.ones(len(self.chunk_ids), dtype=bool)
        if filters.since:
            keep &= self.published >= _date_int(filters.since)
        if filters.until:
            keep &= (self.published > 0) & (self.published <= _date_int(filters.until))
        if filters.source:
            keep &= self.sources == filters.source.casefold()
        return keep

    # ---- on disk -------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        self.model.save(str(folder), show_progress=False) if self.chunk_ids else folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "published.npy", self.published)
        (folder / "chunks.json").write_text(json.dumps({
            "format": _FORMAT, "token": self.token, "chunk_ids": self.chunk_ids,
            "sources": self.sources.tolist()}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Bm25Index:
        import bm25s

        info = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        if info.get("format") != _FORMAT:
            raise ValueError(f"unknown index format in {folder}")
        ids = info["chunk_ids"]
        model = bm25s.BM25.load(str(folder), show_progress=False) if ids else bm25s.BM25()
        return cls(info["token"], model, ids, np.load(folder / "published.npy"),
                   np.asarray(info["sources"], dtype=object))


def _date_int(d) -> int:
    return d.year * 10000 + d.month * 100 + d.day


class Bm25Search:
    """BM25 over a ChromaStore, rebuilt or reloaded whenever the store's version changes.

    `folder` holds one subfolder per version token (the store's data dir in embedded mode;
    the per-user cache dir in Chroma-server mode, one per server and collection).
    """

    def __init__(self, store, folder: Path, tokenizer: Tokenizer | None = None, *, keep: int = 2):
        self.store = store
        self.folder = Path(folder)
        self.tokenizer = tokenizer or Tokenizer()
        self.keep = keep  # index folders kept on disk (the newest ones)
        self._index: Bm25Index | None = None
        self._lock = threading.Lock()
        self.last_build_s: float | None = None  # seconds the last rebuild took (bench, logs)

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        return self.current().search(self.tokenizer(query), k, filters)

    def current(self) -> Bm25Index:
        token = self.store.version()
        index = self._index
        if index is not None and index.token == token:
            return index
        with self._lock:
            if self._index is None or self._index.token != token:
                self._index = self._load_or_build(token)
            return self._index

    def _path(self, token: str) -> Path:
        return self.folder / f"{_FORMAT}-{token or 'initial'}"

    def _load_or_build(self, token: str) -> Bm25Index:
        path = self._path(token)
        if (path / "chunks.json").is_file():
            try:
                return Bm25Index.load(path)
            except Exception:
                pass  # unreadable (e.g. an older layout): rebuilt below
        t = time.perf_counter()
        index = Bm25Index.build(token, self.store.iter_chunks(), self.tokenizer)
        self.last_build_s = time.perf_counter() - t
        if self.store.version() != token:
            return index  # changed while reading: use it for now, save nothing (next query rebuilds)
        self._save(index, path)
        return index

    def _save(self, index: Bm25Index, path: Path) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            index.save(tmp)
            try:
                os.rename(tmp, path)
            except OSError:
                pass  # another process saved this version first: the same content
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._prune(path)

    def _prune(self, newest: Path) -> None:
        """Remove index folders of older versions, keeping the newest `keep` ones."""
        olds = sorted((p for p in self.folder.glob(f"{_FORMAT}-*") if p != newest),
                      key=lambda p: p.stat().st_mtime, reverse=True)
        for p in olds[max(0, self.keep - 1):]:
            shutil.rmtree(p, ignore_errors=True)
