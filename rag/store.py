"""Chunks and articles in Chroma (embedded PersistentClient or a Chroma server).

Two collections: `<name>` holds chunk vectors; `<name>_articles` holds one record per
article (its body, metadata and content hash; its vector is the mean of its chunk
vectors). The article record doubles as a commit marker: it is written "pending"
(empty hash) before chunks change and with the real hash after, so an interrupted
ingest is redone by the next run, never silently skipped.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlparse

import httpx
import numpy as np

from rag.dates import iso_date
from rag.errors import BackendTimeout, BackendUnavailable, ModelError, NotFound
from rag.types import Article, Chunk, Filters, Passage

PENDING = ""  # content_hash of an article whose chunks are being rewritten
VERSION_ID = "version"  # the one record of `<name>_state`: a token replaced on every change


@dataclass(frozen=True)
class ArticleWrite:
    article: Article
    chunks: Sequence[Chunk]
    vectors: Sequence[Sequence[float]]


def connect(chroma_dir, chroma_url: str | None = None):
    """A Chroma client: HttpClient when a server URL is given, else an embedded store."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if chroma_url:
            url = urlparse(chroma_url)
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=settings)
        chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(chroma_dir), settings=settings)
    except Exception as e:  # chromadb raises plain ValueError/ConnectionError here
        where = chroma_url or chroma_dir
        raise BackendUnavailable(f"cannot open the Chroma store at {where}: {e}") from None


class _Guarded:
    """A Chroma client or collection whose network failures are Byline errors.

    The HttpClient lets httpx errors through when a server goes away after connecting;
    callers (CLI, API) should meet BackendUnavailable/BackendTimeout, as for any backend.
    """

    def __init__(self, target):
        self._target = target

    def __getattr__(self, name):
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        @functools.wraps(attr)
        def call(*args, **kwargs):
            try:
                return attr(*args, **kwargs)
            except httpx.TimeoutException as e:
                raise BackendTimeout(f"the Chroma server did not answer in time: {e}") from None
            except httpx.TransportError as e:
                raise BackendUnavailable(f"the Chroma server cannot be reached: {e}") from None
        return call


def _date_int(d: date | None) -> int | None:
    return d.year * 10000 + d.month * 100 + d.day if d else None


def _int_date(n) -> date | None:
    return date(n // 10000, n // 100 % 100, n % 100) if n else None


def _clean(meta: dict) -> dict:
    """Chroma metadata values cannot be None."""
    return {k: v for k, v in meta.items() if v is not None}


class ChromaStore:
    def __init__(self, client, name: str, embedder_name: str):
        if not name:
            raise ValueError("collection name is required")
        self.client = client = _Guarded(client)
        self.embedder_name = embedder_name
        meta = {"hnsw:space": "cosine", "embedder": embedder_name}
        self._chunks = _Guarded(client.get_or_create_collection(name, metadata=meta, embedding_function=None))
        self._articles = _Guarded(client.get_or_create_collection(f"{name}_articles", metadata=meta,
                                                                  embedding_function=None))
        # A token every write/delete replaces, kept in Chroma so that every process using the
        # store (API workers of a Chroma server) sees it; derived indexes (BM25) are tagged with it.
        self._state = _Guarded(client.get_or_create_collection(f"{name}_state", embedding_function=None))
        built_with = (self._chunks.metadata or {}).get("embedder")
        if built_with and built_with != embedder_name:
            raise ModelError(f"this store was built with embedder {built_with!r}, but the settings "
                             f"select {embedder_name!r}; use the same embedder or a new data dir")

    # ---- writing -------------------------------------------------------------------

    def write(self, writes: Sequence[ArticleWrite]) -> None:
        """Replace the chunks of each article (all of them, or none are marked done)."""
        if not writes:
            return
        ids = [w.article.doc_id for w in writes]
        centroids = [self._centroid(w.vectors) for w in writes]
        self._put_articles(writes, centroids, pending=True)
        self._chunks.delete(where={"doc_id": {"$in": ids}})
        chunk_ids, vecs, docs, metas = [], [], [], []
        for w in writes:
            for chunk, vec in zip(w.chunks, w.vectors, strict=True):
                chunk_ids.append(chunk.chunk_id)
                vecs.append(list(vec))
                docs.append(chunk.text)
                metas.append(self._chunk_meta(w.article, chunk))
        step = self.client.get_max_batch_size()
        for i in range(0, len(chunk_ids), step):
            self._chunks.add(ids=chunk_ids[i:i + step], embeddings=vecs[i:i + step],
                             documents=docs[i:i + step], metadatas=metas[i:i + step])
        self._put_articles(writes, centroids, pending=False)
        self._bump()

    def delete(self, doc_id: str) -> None:
        if not self._articles.get(ids=[doc_id], include=[])["ids"]:
            raise NotFound(f"no document with id {doc_id!r}")
        self._articles.update(ids=[doc_id], metadatas=[{"content_hash": PENDING}])
        self._chunks.delete(where={"doc_id": doc_id})
        self._articles.delete(ids=[doc_id])
        self._bump()

    def _bump(self) -> None:
        """A new version token, after the change is complete (a reader that read the old token
        before or during the change sees a different one at its next check)."""
        self._state.upsert(ids=[VERSION_ID], embeddings=[[0.0]], metadatas=[{"token": uuid.uuid4().hex}])

    def version(self) -> str:
        """The current version token ("" for a store never written since tokens exist): one
        cheap read, so a derived index can check it on every query."""
        got = self._state.get(ids=[VERSION_ID], include=["metadatas"])
        return str(got["metadatas"][0].get("token", "")) if got["ids"] else ""

    def _put_articles(self, writes, centroids, pending: bool) -> None:
        metas = [self._article_meta(w.article, len(w.chunks), pending) for w in writes]
        self._articles.upsert(ids=[w.article.doc_id for w in writes], embeddings=centroids,
                              documents=[w.article.body for w in writes], metadatas=metas)

    @staticmethod
    def _centroid(vectors) -> list[float]:
        mean = np.mean(np.asarray(vectors, dtype=np.float32), axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).tolist()

    @staticmethod
    def _common_meta(a: Article) -> dict:
        dateline = a.metadata.get("dateline")
        dateline = dateline if isinstance(dateline, dict) else {}
        return {"doc_id": a.doc_id, "title": a.title, "source": a.source,
                "source_key": a.source.casefold(), "published": _date_int(a.published),
                "root": a.root, "place": str(dateline.get("place") or ""), "dated": str(dateline.get("date_text") or "")}

    def _chunk_meta(self, a: Article, c: Chunk) -> dict:
        return _clean({**self._common_meta(a), "index": c.index, "start": c.start, "end": c.end})

    def _article_meta(self, a: Article, n_chunks: int, pending: bool) -> dict:
        return _clean({**self._common_meta(a), "url": a.url, "n_chunks": n_chunks,
                       "content_hash": PENDING if pending else a.content_hash,
                       "metadata_json": json.dumps(a.metadata, ensure_ascii=False, default=str)})

    # ---- reading -------------------------------------------------------------------

    def hashes(self) -> dict[str, tuple[str, str]]:
        """doc_id -> (content_hash, root) for every article record."""
        got = self._articles.get(include=["metadatas"])
        return {i: (m.get("content_hash", PENDING), m.get("root", ""))
                for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def get(self, doc_id: str) -> Article:
        got = self._articles.get(ids=[doc_id], include=["metadatas", "documents"])
        if not got["ids"]:
            raise NotFound(f"no document with id {doc_id!r}")
        return self._article(got["metadatas"][0], got["documents"][0])

    def list(self, offset: int = 0, limit: int | None = None) -> tuple[list[dict], int]:
        """Article summaries sorted by doc_id, and the total count."""
        got = self._articles.get(include=["metadatas"])
        rows = sorted(({"doc_id": i, "title": m.get("title", ""), "source": m.get("source", ""),
                        "published": iso_date(_int_date(m.get("published"))),
                        "chunks": m.get("n_chunks", 0), "complete": bool(m.get("content_hash"))}
                       for i, m in zip(got["ids"], got["metadatas"], strict=True)),
                      key=lambda r: r["doc_id"])
        end = None if limit is None else offset + limit
        return rows[offset:end], len(rows)

    def count(self) -> int:
        return self._articles.count()

    def count_chunks(self) -> int:
        return self._chunks.count()

    def count_undated(self) -> int:
        """Articles without a publication date (date filters leave them out)."""
        dated = self._articles.get(where={"published": {"$gt": 0}}, include=[])["ids"]
        return self.count() - len(dated)

    def iter_chunks(self, page: int = 5000) -> Iterator[tuple[str, str, dict]]:
        """(chunk_id, text, metadata) of every chunk of a complete article (chunks of an
        article marked pending are being rewritten and are left out)."""
        pending = {i for i, (h, _) in self.hashes().items() if h == PENDING}
        offset = 0
        while True:
            got = self._chunks.get(include=["documents", "metadatas"], limit=page, offset=offset)
            for cid, doc, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                if m.get("doc_id") not in pending:
                    yield cid, doc, m
            if len(got["ids"]) < page:
                return
            offset += page

    def query(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[Passage]:
        got = self._chunks.query(query_embeddings=[list(vector)], n_results=k,
                                 where=_where(filters), include=["documents", "metadatas", "distances"])
        return [_passage(cid, doc, m, 1.0 - dist)
                for cid, doc, m, dist in zip(got["ids"][0], got["documents"][0], got["metadatas"][0],
                                             got["distances"][0], strict=True)]

    def passages(self, chunk_ids: Sequence[str], vector: Sequence[float]) -> list[Passage]:
        """The chunks with these ids (missing ones left out), in the given order, each scored
        by cosine similarity to `vector` like `query` scores."""
        if not chunk_ids:
            return []
        got = self._chunks.get(ids=list(chunk_ids), include=["documents", "metadatas", "embeddings"])
        q = np.asarray(vector, dtype=np.float32)
        found = {cid: _passage(cid, doc, m, float(np.dot(np.asarray(e, dtype=np.float32), q)))
                 for cid, doc, m, e in zip(got["ids"], got["documents"], got["metadatas"],
                                           got["embeddings"], strict=True)}
        return [found[c] for c in chunk_ids if c in found]

    def ping(self) -> None:
        try:
            self.client.heartbeat()
        except Exception as e:
            raise BackendUnavailable(f"Chroma store not reachable: {e}") from None

    @staticmethod
    def _article(m: dict, body: str) -> Article:
        return Article(doc_id=m["doc_id"], title=m.get("title", ""), body=body,
                       published=_int_date(m.get("published")), source=m.get("source", ""),
                       url=m.get("url", ""), root=m.get("root", ""),
                       metadata=json.loads(m.get("metadata_json") or "{}"))


def _passage(cid: str, doc: str, m: dict, score: float) -> Passage:
    return Passage(chunk_id=cid, doc_id=m["doc_id"], text=doc, start=m["start"], end=m["end"],
                   score=score, title=m.get("title", ""), source=m.get("source", ""),
                   published=_int_date(m.get("published")), place=m.get("place", ""),
                   dated=m.get("dated", ""))


def _where(filters: Filters | None) -> dict | None:
    """Chroma `where` for the filters; None when there are none (Chroma rejects {})."""
    if filters is None or filters.is_empty():
        return None
    clauses = []
    if filters.since:
        clauses.append({"published": {"$gte": _date_int(filters.since)}})
    if filters.until:
        clauses.append({"published": {"$lte": _date_int(filters.until)}})
    if filters.source:
        clauses.append({"source_key": filters.source.casefold()})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
