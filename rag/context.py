"""Passages -> lean context: the sentences of the retrieved articles that carry the answer.

The local model spends most of an answer's time reading the prompt, and a small model
reads a short, focused text better than a long one. So the model gets, of each article
the search found, the sentences closest to the question, taken from the whole article
(the answer may sit in a chunk the search did not rank high), within a share of the
passages' length. Sentences are ranked as passages are: cosine similarity (by the same
embedder that found the passages) and BM25 over these sentences, fused by reciprocal rank,
so a sentence naming what the question names is not lost when the small embedder blurs it.
Every selection is a verbatim slice of the article, so citations still resolve to offsets
in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from rag import bm25
from rag.embedding import Embedder
from rag.errors import NotFound
from rag.retrieval import rrf
from rag.types import Passage
from rag.words import sentence_spans

RRF_K = 10  # measured with bench/bench_context.py (2026-12-06), not tuned further

Bodies = Callable[[str], str]  # doc_id -> the article's body


def lean(question: str, passages: list[Passage], embedder: Embedder, body_of: Bodies,
         neighbours: int = 0, share: float = 0.5) -> list[Passage]:
    """The sentences of the retrieved articles closest to the question, each with
    `neighbours` sentences each side: first the best of every article (so a question about
    two articles reaches both), then the next best of any, while the selection stays within
    `share` of the passages' length. Selections of one article that meet are merged; articles
    keep their retrieval order, sentences their article order."""
    bodies = {p.doc_id: _body(body_of, p.doc_id) for p in passages}
    first = {}  # doc_id -> its best-ranked passage (whose chunk id and score the selection keeps)
    for p in passages:
        if bodies[p.doc_id][p.start:p.end] == p.text:
            first.setdefault(p.doc_id, p)
    stale = [p for p in passages if p.doc_id not in first]  # replaced or deleted since the search: given whole
    spans = {doc: sentence_spans(bodies[doc]) for doc in first}
    units = [(doc, i) for doc in first for i in range(len(spans[doc]))]
    if not units:
        return passages
    texts = [bodies[doc][slice(*spans[doc][i])] for doc, i in units]
    order = [units[k] for k in ranked(question, texts, embedder)]
    budget = share * sum(len(p.text) for p in passages if p.doc_id in first)
    chosen: dict[str, set[int]] = {doc: set() for doc in first}

    def take(doc: str, i: int) -> None:
        chosen[doc].update(range(max(0, i - neighbours), min(len(spans[doc]), i + neighbours + 1)))

    for doc in first:  # the best sentence of every article
        take(doc, next(i for d, i in order if d == doc))
    for doc, i in order:  # then the best of any, within the budget
        if _length(chosen, spans) >= budget:
            break
        take(doc, i)
    out = [replace(first[doc], text=bodies[doc][a:b], start=a, end=b)
           for doc in first for a, b in _ranges(sorted(chosen[doc]), spans[doc])]
    return out + stale


def ranked(question: str, texts: list[str], embedder: Embedder) -> list[int]:
    """Indexes of `texts`, closest to the question first: cosine similarity and BM25 (texts
    sharing none of the question's words are ranked by cosine alone), fused by reciprocal rank."""
    vectors = np.asarray(embedder.embed_batch([question, *texts]), dtype=np.float32)
    by_cosine = np.argsort(-(vectors[1:] @ vectors[0]), kind="stable").tolist()
    keyword = bm25.scores(question, texts)
    by_words = [i for i in np.argsort(-keyword, kind="stable").tolist() if keyword[i] > 0]
    return rrf([by_cosine, by_words], [1.0, 1.0], RRF_K)


def _length(chosen: dict[str, set[int]], spans: dict[str, list[tuple[int, int]]]) -> int:
    return sum(spans[doc][i][1] - spans[doc][i][0] for doc, ids in chosen.items() for i in ids)


def _ranges(ids: list[int], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of consecutive sentences as (start, end) offsets into the body."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [(spans[r[0]][0], spans[r[-1]][1]) for r in runs]


def _body(body_of: Bodies, doc_id: str) -> str:
    try:
        return body_of(doc_id)
    except NotFound:
        return ""
