"""What the runner records for each gold item: plain data, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field

from eval.gold import GoldItem


@dataclass
class CitationCheck:
    id: int
    doc_id: str
    quote: str
    start: int
    end: int
    valid: bool  # quote is verbatim in the article body and body[start:end] == quote


@dataclass
class ItemResult:
    item: GoldItem
    retrieved: list[str]  # doc_id of each retrieved passage (k=10), in rank order
    retrieve_ms: int
    answered: bool = False  # False in --retrieval-only runs
    answer: str = ""
    abstained: bool = False
    citations: list[CitationCheck] = field(default_factory=list)
    sentences: list[dict] = field(default_factory=list)  # {"text", "citations", "supported"}
    context: list[str] = field(default_factory=list)  # doc_id of each passage the LLM was given
    timings_ms: dict[str, int] = field(default_factory=dict)
    model: str = ""
    error: str | None = None  # an item-level failure (timeout, prompt too long); counted as wrong
    evidence: float | None = None  # score of the top passage of the k=10 retrieval (None: nothing retrieved)
    abstain_reason: str | None = None  # the answer's abstain_reason ("model", "no_evidence", ...), if any
    withheld: list[dict] = field(default_factory=list)  # {"text", "reason"}: sentences left out of the answer
