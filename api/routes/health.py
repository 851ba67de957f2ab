"""GET /healthz (the process is alive) and GET /readyz (store reachable, model loaded)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import ComponentsDep
from api.schemas import Ready, Status, error_responses
from rag.errors import BackendUnavailable, ModelError

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Status, summary="Liveness: the process answers")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz", response_model=Ready, responses=error_responses(503),
            summary="Readiness: the store is reachable and the model is loaded")
def readyz(request: Request, components: ComponentsDep) -> dict:
    components.store.ping()
    if "llm" not in vars(components):  # Components builds it lazily (cached_property)
        why = request.app.state.startup_errors.get("llm") or "still loading"
        raise ModelError(f"the model is not loaded: {why}")
    try:
        documents = components.store.count()
    except Exception as e:
        raise BackendUnavailable(f"Chroma store not readable: {e}") from None
    return {"status": "ready", "model": components.llm.model, "documents": documents}
