"""GET /healthz and /readyz."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from rag.components import Components
from rag.errors import ModelError
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


def test_a_model_that_failed_at_start_up_is_retried_by_the_probe_after_its_back_off(settings, embedder, monkeypatch):
    import time

    import rag.components

    clock = [1000.0]
    broken = [True]

    def load(cache_dir):
        if broken[0]:
            raise ModelError(f"model file missing: {cache_dir}/q.gguf")
        return ScriptedLLM()

    monkeypatch.setattr(rag.components, "ensure_gguf", lambda cache_dir: cache_dir)
    monkeypatch.setattr(rag.components, "LlamaCppLLM", lambda path, **kwargs: load(path))
    components = Components(settings, clock=lambda: clock[0])
    components.embedder = embedder
    with TestClient(create_app(settings, components=components), base_url=LOCAL) as client:
        assert client.get("/readyz").json()["parts"]["model"] == "unavailable"
        broken[0] = False  # the operator fixed it; nobody asks a question (an unready server gets no traffic)
        assert client.get("/readyz").json()["parts"]["model"] == "unavailable"  # still within the back-off
        clock[0] += settings.model_retry_s + 1
        deadline = time.monotonic() + 10
        while (r := client.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, r.json()
            time.sleep(0.05)
        assert r.json()["parts"]["model"] == "ok" and r.json()["model"] == "scripted"
