"""Is the store consistent? One check, shared by the crash and concurrency tests and
usable by benchmarks: every article record points to one whole generation of chunks
(indexes 0..n-1, each chunk's text equal to body[start:end]), and, when the expected
bodies are given, no article was lost, added or left at a wrong version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from rag.store import ChromaStore


@dataclass
class Consistency:
    articles: int = 0
    chunks: int = 0  # chunks of current generations (what readers see)
    stale_chunks: int = 0  # chunks of any other generation (not yet swept; never read)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Readers see only whole articles (stale chunks may still await the sweep)."""
        return not self.problems

    @property
    def clean(self) -> bool:
        """Whole articles and nothing else stored: exactly one generation per article."""
        return self.ok and self.stale_chunks == 0

    def __str__(self) -> str:
        head = f"{self.articles} articles, {self.chunks} chunks, {self.stale_chunks} stale"
        return "; ".join([head, *self.problems[:10]]) + (" ..." if len(self.problems) > 10 else "")


def check_store(store: ChromaStore, expected: Mapping[str, str] | None = None) -> Consistency:
    """Check `store`; `expected` maps every doc_id that should be there to its body."""
    out = Consistency()
    records = {r.doc_id: r for r in store.records()}
    out.articles = len(records)
    current: dict[str, list] = defaultdict(list)
    for c in store.chunks(stale=True):
        rec = records.get(c.doc_id)
        if rec is None or c.generation != rec.generation:
            out.stale_chunks += 1
            continue
        out.chunks += 1
        current[c.doc_id].append(c)
        if rec.body[c.start:c.end] != c.text:
            out.problems.append(f"{c.chunk_id}: text is not body[{c.start}:{c.end}]")
    for doc_id, rec in sorted(records.items()):
        indexes = sorted(c.index for c in current[doc_id])
        if rec.n_chunks < 1 or indexes != list(range(rec.n_chunks)):
            out.problems.append(f"{doc_id}: generation {rec.generation!r} has chunks {_span(indexes)}, "
                                f"the record says {rec.n_chunks}")
    if expected is not None:
        for doc_id in sorted(set(expected) - set(records)):
            out.problems.append(f"{doc_id}: lost")
        for doc_id in sorted(set(records) - set(expected)):
            out.problems.append(f"{doc_id}: not expected")
        for doc_id in sorted(set(expected) & set(records)):
            if records[doc_id].body != expected[doc_id]:
                out.problems.append(f"{doc_id}: body is not the expected version")
    return out


def _span(indexes: list[int]) -> str:
    return f"{indexes[:5]}{'...' if len(indexes) > 5 else ''} ({len(indexes)})"
