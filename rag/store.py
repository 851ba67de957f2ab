"""Chunks and articles in Chroma (embedded PersistentClient or a Chroma server).

Two collections: `<name>` holds chunk vectors; `<name>_articles` holds one record per
article (its body, metadata, content hash and current generation; its vector is the mean
of its chunk vectors).

Dates: `published` (a YYYYMMDD int) is absent when an article has no date, so a date
filter never matches an undated article: "since 2005" cannot vouch for one. Each article
record also carries `undated` (bool), which lets Chroma's `where` count the articles a
date filter leaves out (it has no `$exists`); records written before the flag existed get
it from `mark_undated()`, run by every `byline ingest`.

A write is atomic as readers see it. Each write of an article tags its chunks with a new
random *generation* (stored ids `<chunk_id>@<generation>`): the new chunks go in first,
the article record (body, hash, generation) is written last, and readers only use the
chunks of the generation the record names. So a crash or a failed call before the record
is written leaves the old version whole (a rerun redoes it: the hash has not changed);
after it, the new version is whole. Chunks of any other generation (the one replaced, a
crashed writer's, a lost race's) are swept: the replaced one right after the flip, the
rest on the next write of that article and by `sweep()` (run by every `byline ingest`)
once they are `orphan_grace_s` old. Writers of one article are serialised in-process;
writers in several processes (workers over a Chroma server) may race: the last record
written wins whole, and the loser's chunks are an orphan generation, never read.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlparse

import httpx
import numpy as np

from rag.dates import iso_date
from rag.errors import BackendTimeout, BackendUnavailable, ModelError, NotFound
from rag.doclocks import DocLocks
from rag.testhooks import PausePoints
from rag.types import Article, Chunk, Filters, Passage

PENDING = ""  # content_hash of a record left "pending" by stores written before generations
PAGE = 2000  # records read per call when scanning a whole collection
VERSION_ID = "version"  # the one record of `<name>_state`: a token replaced on every change


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as stored: `chunk_id` is the one passages and citations carry."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    index: int
    generation: str
    metadata: dict = field(default_factory=dict)  # title, source, published (YYYYMMDD int), ...


@dataclass(frozen=True)
class ArticleRecord:
    """An article record as stored: its body and the generation of chunks it points to."""

    doc_id: str
    body: str
    generation: str
    n_chunks: int
    content_hash: str


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
    def __init__(self, client, name: str, embedder_name: str, *, orphan_grace_s: float = 0.0,
                 locks: DocLocks | None = None, pauses: PausePoints | None = None):
        """`orphan_grace_s`: how old a chunk generation no record points to must be before it is
        swept. 0 is right only when this process is the store's one writer (the embedded store);
        with a Chroma server, another process may be between adding its chunks and writing its
        record, so give it time."""
        if not name:
            raise ValueError("collection name is required")
        if orphan_grace_s < 0:
            raise ValueError("orphan_grace_s must be >= 0")
        self.client = client = _Guarded(client)
        self.embedder_name = embedder_name
        self.orphan_grace_s = orphan_grace_s
        self._locks = locks or DocLocks()
        self._pauses = pauses or PausePoints.from_env()
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
                             f"select {embedder_name!r}; use the same embedder (and BYLINE_EMBED_HEADLINE, "
                             "BYLINE_CHUNK_UNIT) or a new data dir")

    # ---- writing -------------------------------------------------------------------

    def write(self, writes: Sequence[ArticleWrite]) -> None:
        """Replace each article and its chunks; readers see the old version or the new one, whole."""
        if not writes:
            return
        ids = [w.article.doc_id for w in writes]
        if len(set(ids)) != len(ids):
            raise ValueError("one write holds the same article twice")
        gen = uuid.uuid4().hex[:16]
        centroids = [self._centroid(w.vectors) for w in writes]
        with self._locks.holding(ids):
            self._add_chunks(writes, gen)
            self._pauses.reach("write:added")
            replaced = self._current_generations(ids)
            metas = [self._article_meta(w.article, len(w.chunks), gen) for w in writes]
            self._articles.upsert(ids=ids, embeddings=centroids, metadatas=metas,
                                  documents=[w.article.body for w in writes])  # the flip
            self._pauses.reach("write:flipped")
            self._bump()
            self._sweep_docs(self._current_generations(ids), replaced, self.orphan_grace_s)

    def delete(self, doc_id: str) -> None:
        """Remove the article (readers stop seeing it at once), then its chunks."""
        with self._locks.holding([doc_id]):
            current = self._current_generations([doc_id])
            if doc_id not in current:
                raise NotFound(f"no document with id {doc_id!r}")
            self._articles.delete(ids=[doc_id])
            self._bump()
            self._pauses.reach("delete:removed")
            self._sweep_docs({}, current, self.orphan_grace_s, docs=[doc_id])

    def _bump(self) -> None:
        """A new version token, after readers can see the change (a reader that read the old
        token before or during the change sees a different one at its next check)."""
        self._state.upsert(ids=[VERSION_ID], embeddings=[[0.0]], metadatas=[{"token": uuid.uuid4().hex}])

    def version(self) -> str:
        """The current version token ("" for a store never written since tokens exist): one
        cheap read, so a derived index can check it on every query."""
        got = self._state.get(ids=[VERSION_ID], include=["metadatas"])
        return str(got["metadatas"][0].get("token", "")) if got["ids"] else ""

    def sweep(self, older_than_s: float | None = None) -> int:
        """Delete chunks of generations no article record points to (a replaced version, a crashed
        or losing writer's, a deleted article's) once `older_than_s` old (default: the store's
        `orphan_grace_s`). Returns the number of chunks deleted."""
        grace = self.orphan_grace_s if older_than_s is None else older_than_s
        records = list(self.records(bodies=False))
        if self._chunks.count() == sum(r.n_chunks for r in records):
            return 0  # every record's generation is whole, so no chunk is stale (skip a slow scan)
        current = {r.doc_id: r.generation for r in records}
        stale = {m["doc_id"] for _, _, m in self._scan(self._chunks, ["metadatas"])
                 if _generation(m) != current.get(m["doc_id"])}
        removed, docs = 0, sorted(stale)
        for i in range(0, len(docs), 100):
            group = docs[i:i + 100]
            with self._locks.holding(group):
                removed += self._sweep_docs(self._current_generations(group), {}, grace, docs=group)
        return removed

    def mark_undated(self) -> int:
        """Give the article records written before the `undated` flag existed their flag, so
        that `count_undated` sees them. Returns how many it marked."""
        flagged = self._articles.get(where={"undated": {"$in": [True, False]}}, include=[])["ids"]
        if len(flagged) == self._articles.count():
            return 0  # ids only: much cheaper than reading every record's metadata
        legacy = [doc_id for doc_id, _, m in self._scan(self._articles, ["metadatas"]) if "undated" not in m]
        for i in range(0, len(legacy), 100):
            group = legacy[i:i + 100]
            with self._locks.holding(group):  # read again: a writer may have replaced a record meanwhile
                got = self._articles.get(ids=group, include=["metadatas"])
                if got["ids"]:
                    self._articles.update(ids=got["ids"], metadatas=[{"undated": not m.get("published")}
                                                                     for m in got["metadatas"]])
        return len(legacy)

    def _add_chunks(self, writes: Sequence[ArticleWrite], gen: str) -> None:
        stored_ids, vecs, docs, metas = [], [], [], []
        written = int(time.time())
        for w in writes:
            for chunk, vec in zip(w.chunks, w.vectors, strict=True):
                stored_ids.append(f"{chunk.chunk_id}@{gen}")
                vecs.append(list(vec))
                docs.append(chunk.text)
                metas.append(self._chunk_meta(w.article, chunk, gen, written))
        step = self.client.get_max_batch_size()
        for i in range(0, len(stored_ids), step):
            self._chunks.add(ids=stored_ids[i:i + step], embeddings=vecs[i:i + step],
                             documents=docs[i:i + step], metadatas=metas[i:i + step])

    def _sweep_docs(self, current: dict[str, str], replaced: dict[str, str], grace_s: float,
                    docs: Sequence[str] | None = None) -> int:
        """Delete the chunks of `docs` (default: those in `current`) that are not of their
        `current` generation (none for a doc without a record) and are either of the `replaced`
        one (once current, so never current again) or older than `grace_s`. Callers hold the
        articles' locks. Why this is safe when processes race: see the module notes."""
        docs = list(current) if docs is None else list(docs)
        if not docs:
            return 0
        cutoff = time.time() - grace_s
        got = self._chunks.get(where=_doc_ids_where(docs), include=["metadatas"])
        doomed = [cid for cid, m in zip(got["ids"], got["metadatas"], strict=True)
                  if _generation(m) != current.get(m["doc_id"])
                  and (_generation(m) == replaced.get(m["doc_id"]) or m.get("written", 0) <= cutoff)]
        if doomed:
            self._chunks.delete(ids=doomed)
        return len(doomed)

    def _current_generations(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """doc_id -> generation of its record, for the ids that have a record."""
        got = self._articles.get(ids=list(doc_ids), include=["metadatas"])
        return {i: _generation(m) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

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

    def _chunk_meta(self, a: Article, c: Chunk, gen: str, written: int) -> dict:
        return _clean({**self._common_meta(a), "chunk_id": c.chunk_id, "index": c.index, "start": c.start,
                       "end": c.end, "gen": gen, "written": written})

    def _article_meta(self, a: Article, n_chunks: int, gen: str) -> dict:
        return _clean({**self._common_meta(a), "url": a.url, "n_chunks": n_chunks, "gen": gen,
                       "undated": a.published is None, "content_hash": a.content_hash,
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

    def records(self, *, bodies: bool = True) -> Iterator[ArticleRecord]:
        """Every article record (a page at a time; body "" unless `bodies`)."""
        include = ["metadatas", "documents"] if bodies else ["metadatas"]
        for doc_id, body, m in self._scan(self._articles, include):
            yield ArticleRecord(doc_id=doc_id, body=body or "", generation=_generation(m),
                                n_chunks=m.get("n_chunks", 0), content_hash=m.get("content_hash", PENDING))

    def chunks(self, *, stale: bool = False) -> Iterator[StoredChunk]:
        """The chunks readers see: those of each article's current generation (a page at a time;
        a write that lands meanwhile may show up in part). With `stale`, all stored chunks."""
        current = {r.doc_id: r.generation for r in self.records(bodies=False)}
        for stored_id, text, m in self._scan(self._chunks, ["metadatas", "documents"]):
            if stale or current.get(m["doc_id"]) == _generation(m):
                yield StoredChunk(chunk_id=m.get("chunk_id", stored_id), doc_id=m["doc_id"], text=text,
                                  start=m["start"], end=m["end"], index=m["index"],
                                  generation=_generation(m), metadata=m)

    def count(self) -> int:
        return self._articles.count()

    def count_undated(self, filters: Filters | None) -> int:
        """How many articles `filters` leave out for having no publication date: 0 without a
        date bound, else the undated articles that match the rest of the filters (their source)."""
        if filters is None or not filters.has_dates():
            return 0
        where = _where(Filters(source=filters.source))
        where = {"undated": True} if where is None else {"$and": [{"undated": True}, where]}
        return len(self._articles.get(where=where, include=[])["ids"])

    def iter_chunks(self) -> Iterator[tuple[str, str, dict]]:
        """(chunk_id, text, metadata) of every chunk readers see (current generations)."""
        for c in self.chunks():
            yield c.chunk_id, c.text, c.metadata

    def passages(self, chunk_ids: Sequence[str], vector: Sequence[float]) -> list[Passage]:
        """The current chunks with these ids (missing ones left out), in the given order, each
        scored by cosine similarity to `vector` as `query` scores."""
        if not chunk_ids:
            return []
        ids = list(chunk_ids)
        where = {"chunk_id": ids[0]} if len(ids) == 1 else {"chunk_id": {"$in": ids}}
        got = self._chunks.get(where=where, include=["documents", "metadatas", "embeddings"])
        current = self._current_generations({m["doc_id"] for m in got["metadatas"]}) if got["ids"] else {}
        q = np.asarray(vector, dtype=np.float32)
        found = {}
        for sid, doc, m, e in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True):
            if current.get(m["doc_id"]) == _generation(m):
                p = self._passage(sid, doc, m, 1.0 - float(np.dot(np.asarray(e, dtype=np.float32), q)))
                found[p.chunk_id] = p
        return [found[c] for c in ids if c in found]

    def article_passages(self, doc_id: str) -> list[Passage]:
        """One article's current chunks in reading order, unscored (score 0); [] when there is
        no such article."""
        gen = self._current_generations([doc_id]).get(doc_id)
        if gen is None:
            return []
        got = self._chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        rows = [r for r in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
                if _generation(r[2]) == gen]
        return [self._passage(sid, text, m, 1.0) for sid, text, m in sorted(rows, key=lambda r: r[2]["index"])]

    def count_chunks(self) -> int:
        """Stored chunks, including any of a generation being written or swept."""
        return self._chunks.count()

    def query(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[Passage]:
        """The k nearest chunks of current generations. Chroma cannot join a chunk to its
        article's record, so this asks for a few more, drops stale ones, and asks again
        with more when too many were stale."""
        n = k + 4
        while True:
            got = self._chunks.query(query_embeddings=[list(vector)], n_results=n, where=_where(filters),
                                     include=["documents", "metadatas", "distances"])
            rows = list(zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0],
                            strict=True))
            found = len(rows)
            rows = [r for r in rows if r[2] and r[1] is not None]  # a chunk deleted while the query ran
            current = self._current_generations({m["doc_id"] for _, _, m, _ in rows}) if rows else {}
            live = [r for r in rows if current.get(r[2]["doc_id"]) == _generation(r[2])]
            if len(live) >= k or found < n:
                return [self._passage(*r) for r in live[:k]]
            n *= 4

    def ping(self) -> None:
        try:
            self.client.heartbeat()
        except Exception as e:
            raise BackendUnavailable(f"Chroma store not reachable: {e}") from None

    @staticmethod
    def _passage(stored_id: str, text: str, m: dict, distance: float) -> Passage:
        return Passage(chunk_id=m.get("chunk_id", stored_id), doc_id=m["doc_id"], text=text, start=m["start"],
                       end=m["end"], score=1.0 - distance, title=m.get("title", ""), source=m.get("source", ""),
                       published=_int_date(m.get("published")), place=m.get("place", ""),
                       dated=m.get("dated", ""))

    @staticmethod
    def _scan(collection, include: list[str]) -> Iterator[tuple[str, str | None, dict]]:
        """(id, document or None, metadata) of every record, PAGE at a time."""
        offset = 0
        while True:
            got = collection.get(include=include, limit=PAGE, offset=offset)
            docs = got.get("documents") or [None] * len(got["ids"])
            yield from zip(got["ids"], docs, got["metadatas"], strict=True)
            if len(got["ids"]) < PAGE:
                return
            offset += PAGE

    @staticmethod
    def _article(m: dict, body: str) -> Article:
        return Article(doc_id=m["doc_id"], title=m.get("title", ""), body=body,
                       published=_int_date(m.get("published")), source=m.get("source", ""),
                       url=m.get("url", ""), root=m.get("root", ""),
                       metadata=json.loads(m.get("metadata_json") or "{}"))


def _generation(meta: dict) -> str:
    """The generation a chunk or record belongs to ("" for stores written before generations)."""
    return meta.get("gen", "")


def _doc_ids_where(doc_ids: list[str]) -> dict:
    return {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": doc_ids}}


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
