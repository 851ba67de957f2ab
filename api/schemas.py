"""Request and response bodies of the HTTP API (the JSON of DESIGN.md), with examples
for /docs. Limits that depend on settings (question length, top_k) are checked in
api/validation.py; the schema carries the hard bounds."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

_STRICT = ConfigDict(extra="forbid", strict=True)
DATE_HELP = "ISO date (YYYY-MM-DD; a datetime is also accepted)"
UNDATED_HELP = ("; articles without a publication date are left out, and the X-Undated-Excluded response "
                "header says how many")
_DATE = {"format": "date"}
NOT_BLANK = r"\S"  # at least one non-space character


class FiltersIn(BaseModel):
    model_config = _STRICT
    since: str | None = Field(None, max_length=40, description=f"published on or after; {DATE_HELP}{UNDATED_HELP}",
                              examples=["2024-12-01"], json_schema_extra=_DATE)
    until: str | None = Field(None, max_length=40, description=f"published on or before; {DATE_HELP}{UNDATED_HELP}",
                              json_schema_extra=_DATE)
    source: str | None = Field(None, max_length=200, description="source name, case-insensitive",
                               examples=["TASS"])


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"query": "NATO summit in Vilnius", "top_k": 3}]})
    query: str = Field(min_length=1, pattern=NOT_BLANK,
                       description="free text; at most BYLINE_MAX_QUESTION_CHARS characters")
    top_k: int | None = Field(None, ge=1, le=100, description="results wanted; at most BYLINE_MAX_TOP_K")
    filters: FiltersIn | None = None


class AnswerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra={"examples": [
        {"question": "Who is NATO's Secretary General?"},
        {"question": "What does Russia demand for peace?", "top_k": 4,
         "filters": {"source": "TASS"}, "stream": True}]})
    question: str = Field(min_length=1, pattern=NOT_BLANK, description="at most BYLINE_MAX_QUESTION_CHARS characters")
    top_k: int | None = Field(None, ge=1, le=100, description="passages given to the model; at most BYLINE_MAX_TOP_K")
    filters: FiltersIn | None = None
    stream: bool | None = Field(None, description="Server-Sent Events (also chosen by Accept: text/event-stream)")


class Citation(BaseModel):
    id: int
    doc_id: str
    title: str
    source: str
    published: str | None
    chunk_id: str
    quote: str = Field(description="verbatim article text == body[start:end]")
    start: int
    end: int


class Sentence(BaseModel):
    text: str
    citations: list[int]
    supported: bool = Field(description="a cited passage states it (numbers, names and wording checked)")
    kind: str = Field("claim", description='"claim", or "gap": says, uncited, what the articles do not cover')


class Withheld(BaseModel):
    text: str = Field(description="a sentence the model wrote that no cited passage supports")
    reason: str


class AnswerOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "question": "Who is NATO's Secretary General?", "answer": "Mark Rutte is NATO's Secretary General [1].",
        "abstained": False, "citations": [{
            "id": 1, "doc_id": "000_8f42c0aa39f27bb1.txt", "title": "The North Atlantic Alliance is not ...",
            "source": "TASS", "published": None, "chunk_id": "000_8f42c0aa39f27bb1.txt#0",
            "quote": "The North Atlantic Alliance is not discussing a membership invitation for Ukraine, "
                     "only weapons supplies, NATO Secretary General Mark Rutte said ...", "start": 30, "end": 236}],
        "sentences": [{"text": "Mark Rutte is NATO's Secretary General.", "citations": [1], "supported": True,
                       "kind": "claim"}],
        "model": "qwen2.5-coder-1.5b-instruct-q4_k_m",
        "timings_ms": {"retrieve": 12, "prompt": 4200, "generate": 5100, "total": 5112},
        "withheld": [], "abstain_reason": None}]})
    question: str
    answer: str
    abstained: bool = Field(description="true when the articles do not answer the question")
    citations: list[Citation]
    sentences: list[Sentence]
    model: str
    timings_ms: dict[str, int]
    withheld: list[Withheld] = Field(default_factory=list,
                                     description="sentences the model wrote that were left out of the answer, each with the reason")
    abstain_reason: str | None = Field(None, description='null when answered; else "model" (the model declined), '
                                       '"unsupported" (nothing it wrote was stated), "off_question" '
                                       '(what it stated does not give the amount or date asked for), "unstable" '
                                       '(the model stated something else from the same passages in reverse order) or '
                                       '"no_evidence" (nothing relevant enough was retrieved)')


class SearchHit(BaseModel):
    rank: int
    doc_id: str
    chunk_id: str
    title: str
    source: str
    published: str | None
    text: str
    start: int
    end: int
    score: float


class SearchOut(BaseModel):
    query: str
    results: list[SearchHit]


class ArticleIn(BaseModel):
    """A JSON article: `id` and a non-blank `body` (or `text`); other fields are kept as metadata."""
    model_config = ConfigDict(extra="allow", strict=True, json_schema_extra={
        "anyOf": [{"required": ["body"]}, {"required": ["text"]}],
        "examples": [{"id": "ecb-2024-12-12", "title": "ECB cuts rates again", "published_at": "2024-12-12",
                      "source": "Reuters",
                      "body": "The European Central Bank cut its deposit rate to 3% on Thursday."}]})
    id: str | int = Field(json_schema_extra={"minLength": 1})
    title: str | None = None
    body: str = Field(None, pattern=NOT_BLANK, description="the article text (or give it as 'text')")
    text: str = Field(None, pattern=NOT_BLANK)
    published_at: str | None = Field(None, description=DATE_HELP, json_schema_extra=_DATE)
    source: str | None = None
    url: str | None = None


class FailedFile(BaseModel):
    path: str
    reason: str


class IngestOut(BaseModel):
    added: int
    updated: int
    unchanged: int
    removed: int
    failed: list[FailedFile]
    chunks: int = Field(description="chunks written by this request")
    doc_ids: list[str] = Field(description="ids of the documents in the upload")


class PageQuery(BaseModel):
    """Query parameters of GET /v1/documents (unknown ones are refused, so typos show)."""
    model_config = ConfigDict(extra="forbid")
    offset: int = Field(0, ge=0, description="documents to skip (they are sorted by id)")
    limit: int = Field(50, ge=1, le=1000, description="documents to return")


class DocumentSummary(BaseModel):
    doc_id: str
    title: str
    source: str
    published: str | None
    chunks: int
    complete: bool = Field(description="false while (or if) its ingest did not finish")


class DocumentPage(BaseModel):
    total: int
    offset: int
    limit: int
    documents: list[DocumentSummary]


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    source: str
    published: str | None
    url: str
    metadata: dict
    body: str


class Deleted(BaseModel):
    deleted: str


class Status(BaseModel):
    status: str


PartState = Literal["ok", "loading", "unavailable"]


class PartStates(BaseModel):
    store: PartState = Field(description="the vector store answers")
    embedder: PartState = Field(description="the embedding model is loaded")
    model: PartState = Field(description="the answer model is loaded (or its endpoint configured)")


class Ready(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"ready": False, "parts": {"store": "ok", "embedder": "ok", "model": "unavailable"},
         "model": None, "documents": 1}]})
    ready: bool
    parts: PartStates
    model: str | None = Field(description="the answer model's name, once it is loaded")
    documents: int | None = Field(description="articles in the store, when it answers")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error": {"code": "invalid_input", "message": "the question is empty"}}]})
    error: ErrorDetail


_MEANING = {400: "Malformed request", 401: "Missing or invalid API key", 404: "No such document",
            413: "Body over BYLINE_MAX_UPLOAD_BYTES", 415: "Unsupported content type",
            422: "Invalid input",
            429: "Too many answers in flight, or over this client's rate limit (see Retry-After)",
            503: "A backend, the model or an answer slot is unavailable", 504: "A backend timed out"}


def error_responses(*codes: int) -> dict[int | str, dict]:
    """OpenAPI `responses` entries for the given error statuses (all share ErrorOut)."""
    return {code: {"model": ErrorOut, "description": _MEANING[code]} for code in codes}
