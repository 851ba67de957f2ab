"""The app factory. `create_app(settings)` wires state, errors, middleware and routers;
the lifespan builds the heavy parts (store, embedder, retriever, LLM) once, in a worker
thread, before the first request. A part that fails to build is logged and reported by
/readyz; the server still starts, so /v1/search works while the model is unavailable.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI

from api import errors
from api.auth import ApiKey, serves_only_loopback
from api.limits import AnswerGate
from api.middleware import BodyLimit, LoopbackOnly, RequestContext
from api.openapi import state_limits
from api.ratelimit import RateLimiter
from api.routes import answer, documents, health, search
from api.web import install as install_web
from rag.components import Components
from rag.settings import Settings

log = logging.getLogger("byline.app")
PARTS = ("embedder", "store", "retriever", "llm", "answerer")
SEARCH_THREADS = os.cpu_count() or 2


def build_parts(components: Components) -> dict[str, str]:
    """Build each heavy part now; returns {part: why it failed} for those that did not build."""
    failed = {}
    for part in PARTS:
        try:
            getattr(components, part)
        except Exception as e:  # reported by /readyz and retried on first use
            failed[part] = str(e) or type(e).__name__
            log.warning("could not build the %s: %s", part, failed[part])
    if "store" not in failed:
        try:  # chunks an upload interrupted by a crash left behind (the client retries the upload)
            components.store.sweep()
        except Exception as e:
            log.warning("could not sweep the store: %s", e)
    return failed


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.startup_errors = await anyio.to_thread.run_sync(build_parts, app.state.components)
    yield


def create_app(settings: Settings, *, components: Components | None = None,
               report: Path | None = None) -> FastAPI:
    """The Byline HTTP API and web page over `components` (built from `settings` when not given);
    `report` is an eval HTML report the page links to (served at /report).

    `settings` decide the HTTP side (keys, limits, the answer gate); the parts themselves
    are built from `components.settings`."""
    app = FastAPI(title="Byline", version="0.1.0", lifespan=lifespan,
                  description="Cited, honest answers to questions about news articles. Every error is "
                              '`{"error": {"code": "...", "message": "..."}}`.')
    app.state.settings = settings
    app.state.components = components or Components(settings)
    app.state.gate = AnswerGate(settings.answer_concurrency, settings.answer_queue,
                                settings.answer_queue_timeout_s)
    # searches at once: embedding is CPU-bound, so more threads than cores only add latency
    app.state.search_limiter = anyio.CapacityLimiter(SEARCH_THREADS)
    app.state.upload_limiter = anyio.CapacityLimiter(settings.upload_concurrency)  # uploads embedded at once
    app.state.rate_limits = {"search": RateLimiter("searches", settings.search_rate_per_min),
                             "upload": RateLimiter("uploads", settings.upload_rate_per_min)}
    app.state.startup_errors = {}
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    if serves_only_loopback(settings):  # refuses before reading a body
        app.add_middleware(LoopbackOnly)
    app.add_middleware(RequestContext)  # outermost: sees every response, including 403s and 413s
    auth = [ApiKey] if settings.api_key_list else []  # the spec claims security only when it is on
    for module in (answer, search, documents):
        app.include_router(module.router, prefix="/v1", dependencies=auth)
    app.include_router(health.router)
    install_web(app, settings, report)
    state_limits(app, settings)
    return app
