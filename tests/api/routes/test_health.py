"""GET /healthz and /readyz."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from rag.components import Components
from tests.api.conftest import LOCAL, ScriptedLLM, without_model
from tests.processes import free_port


def test_healthz_and_readyz_when_everything_is_up(shared):
    client, _ = shared
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {
        "ready": True, "parts": {"store": "ok", "embedder": "ok", "model": "ok"}, "model": "scripted", "documents": 1}


def test_unreachable_store_is_not_ready_but_alive(settings, embedder, caplog):
    url = f"http://127.0.0.1:{free_port()}"
    settings = settings.model_copy(update={"chroma_url": url})
    components = Components(settings)
    components.embedder, components.llm = embedder, ScriptedLLM()  # not the real model: this is about the store
    with TestClient(create_app(settings, components=components), base_url=LOCAL) as client:
        assert client.get("/healthz").status_code == 200
        r = client.get("/readyz", headers={"X-Request-ID": "ready-1"})
        assert r.status_code == 503 and r.json() == {
            "ready": False, "parts": {"store": "unavailable", "embedder": "ok", "model": "ok"},
            "model": "scripted", "documents": None}
        r = client.post("/v1/search", json={"query": "NATO"}, headers={"X-Request-ID": "search-1"})
        assert r.status_code == 503 and r.json()["error"] == {
            "code": "backend_unavailable",
            "message": "the document store is unavailable; try again later; request id search-1"}
        assert "store" in client.app.state.startup_errors and "llm" not in client.app.state.startup_errors
    logged = {rec.request_id: rec.getMessage() for rec in caplog.records if hasattr(rec, "request_id")}
    assert url.split("//")[1] in logged["ready-1"] + logged["search-1"]  # the address is in the log only


def test_model_not_loaded_is_not_ready_and_says_no_more(settings, embedder, caplog):
    components = without_model(settings, embedder, RuntimeError("llama.cpp could not map /srv/models/q.gguf"))
    with TestClient(create_app(settings, components=components), base_url=LOCAL) as client:
        r = client.get("/readyz")
    assert r.status_code == 503 and r.json() == {
        "ready": False, "parts": {"store": "ok", "embedder": "ok", "model": "unavailable"},
        "model": None, "documents": 0}
    assert "/srv/models/q.gguf" in caplog.text  # logged at start-up, for the operator
