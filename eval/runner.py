"""Gold items -> ItemResults, through the public rag API only (the `byline ask` code path).

For each item: `retriever.retrieve(question, 10)` gives the ranks for the retrieval
metrics (independent of the answer's own top_k); unless retrieval-only,
`answerer.run(question)` gives the answer exactly as `byline ask` would, and every
citation is checked against the stored article body. The top passage's score of the
k=10 retrieval is kept as the item's `evidence` (the abstention-calibration signal).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from collections.abc import Callable, Sequence

from eval.gold import GoldItem
from eval.metrics import RETRIEVAL_K, quote_is_valid
from eval.results import CitationCheck, ItemResult
from rag.answer import Answerer
from rag.errors import BackendTimeout, InvalidInput, NotFound
from rag.retrieval import Retriever
from rag.store import ChromaStore
from rag.types import Answer


def check_sources(store: ChromaStore, items: Sequence[GoldItem], gold_name: str) -> None:
    """InvalidInput at FILE:LINE for a gold source that is not an article of the corpus."""
    known = set(store.hashes())
    for item in items:
        for source in item.sources:
            if source not in known:
                raise InvalidInput(f"{gold_name}:{item.line}: source {source!r} is not an article "
                                   f"of the corpus ({len(known)} articles); check the path or --corpus")


class Runner:
    def __init__(self, retriever: Retriever, store: ChromaStore, answerer: Answerer | None = None):
        self.retriever = retriever
        self.store = store
        self.answerer = answerer  # None: retrieval only
        self._bodies: dict[str, str | None] = {}

    def run(self, items: Sequence[GoldItem], progress: Callable[[], None] | None = None) -> list[ItemResult]:
        results = []
        for item in items:
            results.append(self.run_item(item))
            if progress:
                progress()
        return results

    def run_item(self, item: GoldItem) -> ItemResult:
        t0 = time.perf_counter()
        passages = self.retriever.retrieve(item.question, RETRIEVAL_K)
        result = ItemResult(item=item, retrieved=[p.doc_id for p in passages],
                            retrieve_ms=round((time.perf_counter() - t0) * 1000),
                            evidence=float(passages[0].score) if passages else None)
        if self.answerer is None:
            return result
        result.answered = True
        try:
            answer = self.answerer.run(item.question)
        except (InvalidInput, BackendTimeout) as e:  # this item failed; the run goes on
            result.error = f"{type(e).__name__}: {e}"
            return result
        self._record(result, answer)
        return result

    def _record(self, result: ItemResult, answer: Answer) -> None:
        result.answer = answer.answer
        result.abstained = answer.abstained
        result.abstain_reason = answer.abstain_reason
        result.withheld = [asdict(w) for w in answer.withheld]
        result.citations = [CitationCheck(c.id, c.doc_id, c.quote, c.start, c.end,
                                          self._valid(c.doc_id, c.quote, c.start, c.end))
                            for c in answer.citations]
        result.sentences = [asdict(s) for s in answer.sentences]
        result.context = [p.doc_id for p in answer.passages]
        result.timings_ms = dict(answer.timings_ms)
        result.model = answer.model

    def _valid(self, doc_id: str, quote: str, start: int, end: int) -> bool:
        if doc_id not in self._bodies:
            try:
                self._bodies[doc_id] = self.store.get(doc_id).body
            except NotFound:
                self._bodies[doc_id] = None
        body = self._bodies[doc_id]
        return body is not None and quote_is_valid(body, quote, start, end)
