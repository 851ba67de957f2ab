"""Question -> passages: dense top-k from the store, with optional filters."""

from __future__ import annotations

from typing import Protocol

from rag.dates import iso_date
from rag.embedding import Embedder, embed_one
from rag.errors import InvalidInput
from rag.store import ChromaStore
from rag.types import Filters, Passage


class Retriever(Protocol):
    def retrieve(self, query: str, top_k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        ...


class DenseRetriever:
    def __init__(self, store: ChromaStore, embedder: Embedder, top_k: int = 5):
        if top_k < 1:
            raise ValueError("top_k must be >= 1")
        self.store = store
        self.embedder = embedder
        self.top_k = top_k

    def retrieve(self, query: str, top_k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        query = query.strip()
        if not query:
            raise InvalidInput("the query is empty")
        k = top_k or self.top_k
        if k < 1:
            raise InvalidInput("top_k must be at least 1")
        return self.store.query(embed_one(self.embedder, query), k, filters)


def diverse(passages: list[Passage], k: int, per_article: int = 2) -> list[Passage]:
    """The best k passages, at most `per_article` from one article while others are left
    (so a question about two articles reaches both); in rank order."""
    first = [p for i, p in enumerate(passages)
             if sum(1 for q in passages[:i] if q.doc_id == p.doc_id) < per_article][:k]
    rest = [p for p in passages if p not in first][: k - len(first)]
    return sorted(first + rest, key=passages.index)


def search_results(query: str, passages: list[Passage]) -> dict:
    """The search JSON of DESIGN.md."""
    return {"query": query, "results": [
        {"rank": n, "doc_id": p.doc_id, "chunk_id": p.chunk_id, "title": p.title, "source": p.source,
         "published": iso_date(p.published), "text": p.text,
         "start": p.start, "end": p.end, "score": round(p.score, 4)}
        for n, p in enumerate(passages, 1)]}
