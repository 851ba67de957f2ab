"""POST /v1/search: the passages that best match a query (no LLM involved)."""

from __future__ import annotations

from functools import partial

import anyio
from fastapi import APIRouter, Response

from api.auth import rate_limited
from api.deps import RetrieverDep, SearchLimiterDep, SettingsDep, StoreDep
from api.schemas import SearchOut, SearchRequest, error_responses
from api.undated import OPENAPI_HEADERS, undated_header
from api.validation import check_text, check_top_k, to_filters
from rag.retrieval import search_results

router = APIRouter(tags=["search"])


@router.post("/search", response_model=SearchOut, summary="Find the passages that match a query",
             dependencies=[rate_limited("search")],
             responses={200: {"headers": OPENAPI_HEADERS}, **error_responses(400, 401, 413, 422, 429, 503, 504)})
async def search(body: SearchRequest, retriever: RetrieverDep, store: StoreDep, settings: SettingsDep,
                 limiter: SearchLimiterDep, response: Response) -> dict:
    query, top_k = check_text(body.query, settings, "query"), check_top_k(body.top_k, settings)
    filters = to_filters(body.filters)
    passages = await anyio.to_thread.run_sync(partial(retriever.retrieve, query, top_k, filters),
                                              limiter=limiter)  # queued, not oversubscribed
    response.headers.update(await undated_header(store, filters, limiter))
    return search_results(body.query, passages)
