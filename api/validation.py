"""Request checks that depend on settings, raising `rag` errors (mapped in api/errors.py).

They run before any work is queued, so a bad streaming request still gets a 4xx status
instead of an error event."""

from __future__ import annotations

from api.schemas import FiltersIn
from rag.errors import InvalidInput
from rag.settings import Settings
from rag.types import Filters


def check_text(text: str, settings: Settings, what: str = "question") -> str:
    if not text.strip():
        raise InvalidInput(f"the {what} is empty")
    if len(text) > settings.max_question_chars:
        raise InvalidInput(f"the {what} is {len(text):,} characters long; the limit is "
                           f"{settings.max_question_chars:,}")
    return text


def check_top_k(top_k: int | None, settings: Settings) -> int | None:
    if top_k is not None and not 1 <= top_k <= settings.max_top_k:
        raise InvalidInput(f"top_k must be between 1 and {settings.max_top_k}, got {top_k}")
    return top_k


def to_filters(given: FiltersIn | None) -> Filters | None:
    if given is None:
        return None
    filters = Filters.parse(given.since, given.until, (given.source or "").strip())
    return None if filters.is_empty() else filters
