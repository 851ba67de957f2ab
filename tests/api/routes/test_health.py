"""GET /healthz and /readyz."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from rag.components import Components
from tests.api.conftest import without_model
from tests.processes import free_port


def test_healthz_and_readyz_when_everything_is_up(shared):
    client, _ = shared
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ready", "model": "scripted", "documents": 1}


def test_unreachable_store_is_not_ready_but_alive(settings, embedder):
    settings = settings.model_copy(update={"chroma_url": f"http://127.0.0.1:{free_port()}"})
    components = Components(settings)
    components.embedder = embedder
    with TestClient(create_app(settings, components=components)) as client:
        assert client.get("/healthz").status_code == 200
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "backend_unavailable"
        assert "Chroma" in r.json()["error"]["message"]
        r = client.post("/v1/search", json={"query": "NATO"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "backend_unavailable"
        assert "store" in client.app.state.startup_errors and "llm" not in client.app.state.startup_errors


def test_model_not_loaded_is_not_ready(settings, embedder):
    components = without_model(settings, embedder, RuntimeError("llama.cpp could not map the file"))
    with TestClient(create_app(settings, components=components)) as client:
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "model_unavailable"
        assert "llama.cpp could not map the file" in r.json()["error"]["message"]
