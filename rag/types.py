"""Plain data that flows one way: Article -> Chunk -> Passage -> Answer."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date

from rag.dates import parse_date
from rag.errors import InvalidInput


@dataclass(frozen=True)
class Article:
    doc_id: str  # path relative to the corpus root, or a JSON article's id
    title: str
    body: str  # exactly as read; every offset points into this
    published: date | None = None
    source: str = ""
    url: str = ""
    root: str = ""  # absolute corpus root it came from ("" for uploaded JSON)
    metadata: dict = field(default_factory=dict)  # dateline, unknown JSON fields, ...

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        for part in (self.title, self.body, str(self.published or ""), self.source, self.url):
            h.update(part.encode("utf-8"))
            h.update(b"\0")
        return h.hexdigest()[:32]


def chunk_id(doc_id: str, index: int) -> str:
    """The id of an article's chunk number `index` (0: its opening)."""
    return f"{doc_id}#{index}"


@dataclass(frozen=True)
class Chunk:
    doc_id: str
    index: int
    text: str  # == article.body[start:end]
    start: int
    end: int

    @property
    def chunk_id(self) -> str:
        return chunk_id(self.doc_id, self.index)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with what a reader needs to cite it."""

    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    score: float
    title: str = ""
    source: str = ""
    published: date | None = None
    place: str = ""  # from the article's dateline ("BRUSSELS")
    dated: str = ""  # the dateline's own date text ("December 3")


@dataclass(frozen=True)
class Filters:
    """Which articles a search may use; a `since` after `until` is refused when built."""
    since: date | None = None
    until: date | None = None
    source: str | None = None

    def __post_init__(self):
        if self.since and self.until and self.since > self.until:
            raise InvalidInput(f"since ({self.since}) is after until ({self.until})")

    @classmethod
    def parse(cls, since=None, until=None, source: str | None = None) -> Filters:
        """From user input: ISO dates or datetimes (InvalidInput when unreadable)."""
        return cls(since=parse_date(since), until=parse_date(until), source=source or None)

    def is_empty(self) -> bool:
        return self.since is None and self.until is None and not self.source

    def has_dates(self) -> bool:
        """Whether a date bound is set: then only articles with a publication date can match."""
        return self.since is not None or self.until is not None


@dataclass
class Citation:
    id: int
    doc_id: str
    title: str
    source: str
    published: str | None
    chunk_id: str
    quote: str  # verbatim article text == body[start:end]
    start: int
    end: int


@dataclass
class Sentence:
    text: str
    citations: list[int]
    supported: bool  # a cited passage states it (rag.verify)
    kind: str = "claim"  # or "gap": says, uncited, what the articles do not cover


@dataclass
class Withheld:
    """A sentence the model wrote that no cited passage supports; never part of the answer."""
    text: str
    reason: str


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    citations: list[Citation]
    sentences: list[Sentence]
    model: str
    timings_ms: dict[str, int]
    passages: list[Passage] = field(default_factory=list, repr=False)
    withheld: list[Withheld] = field(default_factory=list)
    abstain_reason: str | None = None  # "model", "unsupported", "no_evidence"; None when answered

    def to_dict(self) -> dict:
        """The answer JSON of DESIGN.md (passages are internal and left out)."""
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(c) for c in self.citations],
            "sentences": [asdict(s) for s in self.sentences],
            "model": self.model,
            "timings_ms": dict(self.timings_ms),
            "withheld": [asdict(w) for w in self.withheld],
            "abstain_reason": self.abstain_reason,
        }


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    chunks: int = 0  # chunks written this run

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, "
            f"removed {self.removed}, failed {len(self.failed)}"
        )
