"""Question -> passages: dense and BM25 top-k fused (BYLINE_RETRIEVAL=hybrid, the default),
or dense top-k from the store alone; with optional filters. Then the passages the model
reads: each text once (`distinct`), and more than one article when others come close
(`diverse`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, Protocol

from rag.bm25 import Bm25Search
from rag.dates import iso_date
from rag.embedding import Embedder, embed_one
from rag.errors import InvalidInput
from rag.store import ChromaStore
from rag.types import Filters, Passage, chunk_id
from rag.words import normalise


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
        query, k = self._checked(query, top_k)
        return self.store.query(embed_one(self.embedder, query), k, filters)

    def opening(self, query: str, doc_id: str) -> Passage | None:
        """The article's first chunk, scored against the query (None: no such article now)."""
        found = self.store.passages([chunk_id(doc_id, 0)], embed_one(self.embedder, query))
        return found[0] if found else None

    def article(self, doc_id: str) -> list[Passage]:
        """The article's chunks in reading order (score 0: ranked against nothing)."""
        return self.store.article_passages(doc_id)

    def _checked(self, query: str, top_k: int | None) -> tuple[str, int]:
        query = query.strip()
        if not query:
            raise InvalidInput("the query is empty")
        k = top_k or self.top_k
        if k < 1:
            raise InvalidInput("top_k must be at least 1")
        return query, k


Mode = Literal["hybrid", "bm25"]


def rrf(rankings: Sequence[Sequence[str]], weights: Sequence[float], k: float = 60.0) -> list[str]:
    """Reciprocal rank fusion: ids ordered by sum(weight / (k + rank)) over the rankings
    (ties keep first-seen order)."""
    scores: dict[str, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, 1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
    return sorted(scores, key=lambda i: -scores[i])


class HybridRetriever(DenseRetriever):
    """Dense (Chroma) and keyword (BM25) candidates, fused by reciprocal rank ("bm25": the
    keyword candidates alone, for measurement).

    Every passage's `score` stays its cosine similarity to the question (as dense search
    gives it), so evidence thresholds mean the same whatever found the passage; the order
    is the fused one, except that a keyword hit scoring at least `standout` times the next
    one (a rare word only it holds) comes first: dense search blurs such a word ("Maria
    Zakharova" reads like the tennis stories about Maria Sharapova), and fusion would rank
    a hit that only BM25 has below twenty dense ones."""

    def __init__(self, store: ChromaStore, embedder: Embedder, bm25: Bm25Search, top_k: int = 5, *,
                 mode: Mode = "hybrid", depth: int = 50, rrf_k: float = 20.0, bm25_weight: float = 0.5,
                 standout: float = 0.0):
        super().__init__(store, embedder, top_k)
        if depth < 1:
            raise ValueError("depth must be >= 1")
        self.bm25, self.mode, self.depth = bm25, mode, depth
        self.rrf_k, self.bm25_weight, self.standout = rrf_k, bm25_weight, standout

    def retrieve(self, query: str, top_k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        query, k = self._checked(query, top_k)
        vector = embed_one(self.embedder, query)
        hits = self.bm25.search(query, max(k, self.depth), filters)
        keyword = [cid for cid, _ in hits]
        if self.mode == "bm25":
            return self.store.passages(keyword[:k], vector)
        dense = self.store.query(vector, max(k, self.depth), filters)
        order = rrf([[p.chunk_id for p in dense], keyword], [1.0, self.bm25_weight], self.rrf_k)
        if self.standout and hits and (len(hits) == 1 or hits[0][1] >= self.standout * hits[1][1]):
            order = [keyword[0], *(c for c in order if c != keyword[0])]
        order = order[:k]
        known = {p.chunk_id: p for p in dense}
        fetched = {p.chunk_id: p for p in self.store.passages([c for c in order if c not in known], vector)}
        return [known.get(c) or fetched[c] for c in order if c in known or c in fetched]


def distinct(passages: list[Passage]) -> list[Passage]:
    """The passages in rank order, each text once: a passage whose words (case, punctuation
    and spacing aside) are those of a higher-ranked one is dropped. A corpus may hold a story
    twice (the BBC set holds 136 stories twice over); reading it twice tells the model
    nothing and costs a slot another article could use."""
    seen: set[str] = set()
    out = []
    for p in passages:
        words = normalise(p.text)
        if words not in seen:
            seen.add(words)
            out.append(p)
    return out


def diverse(passages: list[Passage], k: int, per_article: int | None = None,
            margin: float | None = None) -> list[Passage]:
    """The best k passages, at most `per_article` from one article while others are left
    (so a question about two articles reaches both); in rank order. By default one slot is
    kept for another article (k - 1 per article): a question about one article reads most
    of it, with one passage of the next-best article rather than half the prompt.

    With a `margin`, that slot is kept only when another article comes within `margin` of
    the best one (each article scored by its best passage's cosine similarity); an article
    that stands out alone fills every slot it can, as if the store held nothing else."""
    per_article, ranked = per_article or max(1, k - 1), passages
    if margin is not None and passages:
        best: dict[str, float] = {}
        for p in passages:
            best[p.doc_id] = max(best.get(p.doc_id, p.score), p.score)
        top = max(best, key=best.__getitem__)
        if all(best[top] - score > margin for doc, score in best.items() if doc != top):
            per_article = k
            passages = sorted(passages, key=lambda p: p.doc_id != top)  # stable: rank order within each
    first = [p for i, p in enumerate(passages)
             if sum(1 for q in passages[:i] if q.doc_id == p.doc_id) < per_article][:k]
    rest = [p for p in passages if p not in first][: k - len(first)]
    return sorted(first + rest, key=ranked.index)


def with_sides(passages: list[Passage], sides: list[Passage]) -> list[Passage]:
    """The passages with each side's best passage (`sides`: the best hit of a search for each
    side of a two-sided question, rag.compare.sides) when its article is missing: it takes
    the slot of the lowest-ranked passage of an article that has two or more, else of the
    lowest-ranked one that is not another side's. A question that names two things is about
    both, however the whole question ranks them."""
    chosen, kept = list(passages), {s.doc_id for s in sides}
    for side in sides:
        if any(p.doc_id == side.doc_id for p in chosen):
            continue
        crowded = [i for i, p in enumerate(chosen) if sum(q.doc_id == p.doc_id for q in chosen) > 1]
        free = [i for i, p in enumerate(chosen) if p.doc_id not in kept]
        slot = (crowded or free or [None])[-1]
        if slot is not None:
            chosen[slot] = side
    return chosen


Lead = Callable[[str, str], "Passage | None"]  # (question, doc_id) -> its opening chunk, scored


def with_lead(question: str, passages: list[Passage], lead_of: Lead) -> list[Passage]:
    """The passages with the best article's opening chunk in place of its lowest-ranked one,
    when that article fills two or more of them and the opening is not among them. News is
    written top down: the first paragraph states what the story is about, in words a reader
    asks with, while the ranking may prefer later paragraphs that share the question's
    words and not its answer. A question about two articles (one passage of each) is left
    alone."""
    if not passages:
        return passages
    top = passages[0].doc_id
    own = [p for p in passages if p.doc_id == top]
    if len(own) < 2 or any(p.chunk_id == chunk_id(top, 0) for p in own):
        return passages
    lead = lead_of(question, top)
    if lead is None:
        return passages
    return [lead if p is own[-1] else p for p in passages]


def search_results(query: str, passages: list[Passage]) -> dict:
    """The search JSON of DESIGN.md."""
    return {"query": query, "results": [
        {"rank": n, "doc_id": p.doc_id, "chunk_id": p.chunk_id, "title": p.title, "source": p.source,
         "published": iso_date(p.published), "text": p.text,
         "start": p.start, "end": p.end, "score": round(p.score, 4)}
        for n, p in enumerate(passages, 1)]}
