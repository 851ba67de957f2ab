"""GET /healthz (the process is alive) and GET /readyz (which parts are ready to serve).

/readyz names each part's state ("ok", "loading" or "unavailable") and never why: the
reason (paths, URLs, library messages) is logged under the request id."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import ComponentsDep
from api.schemas import Ready, Status
from rag.components import Components, PartState

router = APIRouter(tags=["health"])
log = logging.getLogger("byline.error")


@router.get("/healthz", response_model=Status, summary="Liveness: the process answers")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", response_model=Ready, summary="Readiness: the store, the embedder and the model",
            responses={503: {"model": Ready, "description": "Some part is not ready (see `parts`)"}})
def readyz(request: Request, components: ComponentsDep) -> JSONResponse:
    for model in ("embedder", "llm"):
        components.warm(model)  # one that failed is tried again (in the background) once its back-off is over
    store, documents = store_state(components, request.state.request_id)
    parts = {"store": store, "embedder": components.state("embedder"), "model": components.state("llm")}
    ready = all(state == "ok" for state in parts.values())
    body = Ready(ready=ready, parts=parts, documents=documents,
                 model=components.llm.model if parts["model"] == "ok" else None)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)


def store_state(components: Components, request_id: str) -> tuple[PartState, int | None]:
    """("ok", article count) when the store answers, else ("unavailable", None) and a log line."""
    try:
        components.store.ping()
        return "ok", components.store.count()
    except Exception as e:  # any failure here means "not ready"; the log says which
        log.warning("readyz: the store is not ready: %s: %s", type(e).__name__, e,
                    extra={"request_id": request_id})
        return "unavailable", None
