"""The app factory: state, lifespan, dependency overrides, OpenAPI docs."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_retriever
from rag.types import Passage
from tests.api.conftest import LOCAL


def test_lifespan_builds_the_heavy_parts_once_before_requests(settings, api_components):
    app = create_app(settings, components=api_components)
    assert "store" not in vars(api_components)  # nothing heavy happens in create_app
    with TestClient(app, base_url=LOCAL) as client:
        assert {"embedder", "store", "retriever", "llm", "answerer"} <= set(vars(api_components))
        store = api_components.store
        client.post("/v1/search", json={"query": "NATO"})
        assert api_components.store is store and app.state.startup_errors == {}


def test_dependencies_can_be_overridden(settings, api_components):
    class OnePassage:
        def retrieve(self, query, top_k=None, filters=None):
            return [Passage(chunk_id="x#0", doc_id="x", text=f"about {query}", start=0, end=9, score=0.5)]

    app = create_app(settings, components=api_components)
    app.dependency_overrides[get_retriever] = OnePassage
    with TestClient(app, base_url=LOCAL) as client:
        got = client.post("/v1/search", json={"query": "tea"}).json()
    assert got["results"][0]["text"] == "about tea" and got["results"][0]["doc_id"] == "x"


def test_docs_and_openapi_with_examples(shared):
    client, _ = shared
    assert client.get("/docs").status_code == 200 and "swagger" in client.get("/docs").text.lower()
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {"/v1/answer", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}",
                                  "/healthz", "/readyz"}
    schemas = spec["components"]["schemas"]
    for name in ("AnswerRequest", "SearchRequest", "AnswerOut", "ErrorOut"):
        assert schemas[name]["examples"], name
    answer = spec["paths"]["/v1/answer"]["post"]
    assert "text/event-stream" in answer["responses"]["200"]["content"]
    assert {"401", "422", "429", "503", "504"} <= set(answer["responses"])
    assert "HTTPValidationError" not in schemas  # every error is documented in our own shape
    upload = spec["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} == set(upload)
    assert "securitySchemes" not in spec["components"]  # no keys configured: the spec claims no auth
    question = schemas["AnswerRequest"]["properties"]["question"]
    assert question["maxLength"] == 2000 and question["pattern"] == r"\S"
    assert schemas["SearchRequest"]["properties"]["top_k"]["anyOf"][0]["maximum"] == 20


def test_spec_states_this_servers_limits_and_auth(settings, api_components):
    app = create_app(settings.model_copy(update={"max_question_chars": 300, "max_top_k": 6, "api_keys": "k"}),
                     components=api_components)
    spec = app.openapi()
    schemas = spec["components"]["schemas"]
    assert schemas["SearchRequest"]["properties"]["query"]["maxLength"] == 300
    assert schemas["AnswerRequest"]["properties"]["top_k"]["anyOf"][0]["maximum"] == 6
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert spec["paths"]["/v1/search"]["post"]["security"] == [{"HTTPBearer": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]
