"""`X-Undated-Excluded`: how many undated articles a request's date filter left out.

A date filter cannot vouch for an article without a publication date, so it leaves it out
(rag/store.py). The answer and search JSON of DESIGN.md have no field for saying so, so
/v1/answer and /v1/search say it in this header, sent only when the count is not 0."""

from __future__ import annotations

import anyio

from rag.store import ChromaStore
from rag.types import Filters

HEADER = "X-Undated-Excluded"
OPENAPI_HEADERS = {HEADER: {
    "description": "How many articles without a publication date the `since`/`until` filter left out "
                   "(sent only when some were)",
    "schema": {"type": "integer", "minimum": 1}}}


async def undated_header(store: ChromaStore, filters: Filters | None,
                         limiter: anyio.CapacityLimiter | None = None) -> dict[str, str]:
    """{HEADER: count} when `filters` left out undated articles, else {} (counted in a thread)."""
    if filters is None or not filters.has_dates():
        return {}  # nothing to count: no thread hop
    n = await anyio.to_thread.run_sync(store.count_undated, filters, limiter=limiter)
    return {HEADER: str(n)} if n else {}
