"""POST /v1/search: the passages that best match a query (no LLM involved)."""

from __future__ import annotations

from functools import partial

import anyio
from fastapi import APIRouter

from api.auth import rate_limited
from api.deps import RetrieverDep, SearchLimiterDep, SettingsDep
from api.schemas import SearchOut, SearchRequest, error_responses
from api.validation import check_text, check_top_k, to_filters
from rag.retrieval import search_results

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchOut, summary="Find the passages that match a query",
             dependencies=[rate_limited("search")], responses=error_responses(400, 401, 413, 422, 429, 503, 504))
async def search(body: SearchRequest, retriever: RetrieverDep, settings: SettingsDep,
                 limiter: SearchLimiterDep) -> dict:
    retrieve = partial(retriever.retrieve, check_text(body.query, settings, "query"),
                       check_top_k(body.top_k, settings), to_filters(body.filters))
    passages = await anyio.to_thread.run_sync(retrieve, limiter=limiter)  # queued, not oversubscribed
    return search_results(body.query, passages)
