"""`Annotated` dependencies: what a route needs, taken from the app state that
`create_app` filled. Tests replace any of them with `app.dependency_overrides`.

The app-state getters are `async` (they only read attributes, so no thread-pool hop per
request). The component getters are plain functions, so FastAPI calls them in its thread
pool: if a part was not built in the lifespan (or failed there), building it never blocks
the event loop.
"""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import Depends, Request

from api.limits import AnswerGate
from api.ratelimit import RateLimiter
from rag.answer import Answerer
from rag.components import Components
from rag.ingest import Ingester
from rag.retrieval import Retriever
from rag.settings import Settings
from rag.store import ChromaStore


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_components(request: Request) -> Components:
    return request.app.state.components


async def get_gate(request: Request) -> AnswerGate:
    return request.app.state.gate


async def get_search_limiter(request: Request) -> anyio.CapacityLimiter:
    return request.app.state.search_limiter


async def get_upload_limiter(request: Request) -> anyio.CapacityLimiter:
    return request.app.state.upload_limiter


async def get_rate_limits(request: Request) -> dict[str, RateLimiter]:
    return request.app.state.rate_limits


SettingsDep = Annotated[Settings, Depends(get_settings)]
ComponentsDep = Annotated[Components, Depends(get_components)]
GateDep = Annotated[AnswerGate, Depends(get_gate)]
SearchLimiterDep = Annotated[anyio.CapacityLimiter, Depends(get_search_limiter)]
UploadLimiterDep = Annotated[anyio.CapacityLimiter, Depends(get_upload_limiter)]
RateLimitsDep = Annotated[dict[str, RateLimiter], Depends(get_rate_limits)]


def get_store(components: ComponentsDep) -> ChromaStore:
    return components.store


def get_retriever(components: ComponentsDep) -> Retriever:
    return components.retriever


def get_answerer(components: ComponentsDep) -> Answerer:
    return components.answerer


def get_ingester(components: ComponentsDep) -> Ingester:
    return components.ingester


StoreDep = Annotated[ChromaStore, Depends(get_store)]
RetrieverDep = Annotated[Retriever, Depends(get_retriever)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
IngesterDep = Annotated[Ingester, Depends(get_ingester)]
