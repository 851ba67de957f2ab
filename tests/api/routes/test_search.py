"""POST /v1/search over the real embedder and an embedded Chroma."""

from __future__ import annotations

import pytest

from tests.api.conftest import LOCAL
from tests.conftest import SEED_FILE

UNDATED = "X-Undated-Excluded"
HIT_KEYS = {"rank", "doc_id", "chunk_id", "title", "source", "published", "text", "start", "end", "score"}


def test_search_json_follows_the_contract(shared):
    client, llm = shared
    calls = llm.calls
    r = client.post("/v1/search", json={"query": "NATO summit in Vilnius", "top_k": 2})
    assert r.status_code == 200
    got = r.json()
    assert got["query"] == "NATO summit in Vilnius" and [h["rank"] for h in got["results"]] == [1, 2]
    body = SEED_FILE.read_text(encoding="utf-8")
    for hit in got["results"]:
        assert set(hit) == HIT_KEYS and body[hit["start"]:hit["end"]] == hit["text"]
    assert "summit" in got["results"][0]["text"] and got["results"][0]["score"] >= got["results"][1]["score"]
    assert llm.calls == calls  # search never touches the LLM


def test_default_top_k_comes_from_settings(shared):
    client, _ = shared
    assert len(client.post("/v1/search", json={"query": "NATO"}).json()["results"]) == 5


@pytest.mark.parametrize("filters,expect_hits", [
    ({"source": "TASS"}, True), ({"source": "tass"}, True), ({"source": "Reuters"}, False),
    ({"since": "2020-01-01"}, False),  # the seed article has no date, so a date filter excludes it
    ({"since": None, "until": None, "source": ""}, True),
])
def test_filters(shared, filters, expect_hits):
    client, _ = shared
    r = client.post("/v1/search", json={"query": "NATO", "filters": filters})
    assert r.status_code == 200 and bool(r.json()["results"]) == expect_hits


def test_a_header_says_how_many_undated_articles_a_date_filter_left_out(shared):
    client, _ = shared
    for filters, header in [
        ({"since": "2020-01-01"}, "1"), ({"until": "2030-01-01", "source": "tass"}, "1"),  # the undated seed
        (None, None), ({"source": "TASS"}, None),  # no date filter
        ({"since": "2020-01-01", "source": "Reuters"}, None),  # its source leaves it out, not its date
    ]:
        r = client.post("/v1/search", json={"query": "NATO", "filters": filters})
        assert r.status_code == 200 and set(r.json()) == {"query", "results"}  # the body as the contract has it
        assert r.headers.get(UNDATED) == header, filters


def test_no_undated_header_once_every_article_is_dated(client):
    since = {"since": "2024-12-01"}
    assert client.post("/v1/search", json={"query": "NATO", "filters": since}).headers.get(UNDATED) == "1"
    assert client.delete(f"/v1/documents/{SEED_FILE.name}").status_code == 200
    article = {"id": "ecb-1", "title": "ECB cuts rates", "published_at": "2024-12-12",
               "body": "The European Central Bank cut its deposit rate to 3% on Thursday."}
    assert client.post("/v1/documents", json=article).status_code == 201
    r = client.post("/v1/search", json={"query": "ECB rate cut", "filters": since})
    assert [h["doc_id"] for h in r.json()["results"]] == ["ecb-1"] and UNDATED not in r.headers


def test_openapi_documents_the_undated_header(shared):
    client, _ = shared
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/search", "/v1/answer"):
        assert UNDATED in paths[path]["post"]["responses"]["200"]["headers"]


@pytest.mark.parametrize("body,needle", [
    ({"query": " \n "}, "body.query: must not be blank"),
    ({"query": "q" * 2001}, "limit is 2,000"),
    ({"query": "q", "top_k": 21}, "between 1 and 20"),
    ({"query": "q", "top_k": 0}, "top_k"),
    ({"query": "q", "top_k": 101}, "top_k"),
    ({"query": "q", "filters": {"since": "yesterday"}}, "not an ISO date"),
    ({"query": "q", "filters": {"since": "2005-03-01", "until": "2005-01-01"}}, "is after until"),
    ({"query": "q", "filters": {"region": "EU"}}, "region"),
    ({"question": "q"}, "query"),
])
def test_bad_input_is_422(shared, body, needle):
    client, _ = shared
    r = client.post("/v1/search", json=body)
    assert r.status_code == 422 and needle in r.json()["error"]["message"]


def test_max_top_k_setting_is_the_bound(make_client, seeded):
    client = make_client(max_top_k=3)
    assert client.post("/v1/search", json={"query": "NATO", "top_k": 3}).status_code == 200
    r = client.post("/v1/search", json={"query": "NATO", "top_k": 4})
    assert r.status_code == 422 and "between 1 and 3" in r.json()["error"]["message"]


def test_searches_queue_for_the_search_threads_instead_of_piling_up(settings, api_components):
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    import anyio
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.deps import get_retriever, get_search_limiter

    running, peak, lock = 0, 0, threading.Lock()

    class SlowRetriever:
        def retrieve(self, query, top_k=None, filters=None):
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.2)
            with lock:
                running -= 1
            return []

    app = create_app(settings, components=api_components)
    limiter = anyio.CapacityLimiter(2)
    app.dependency_overrides[get_retriever] = SlowRetriever
    app.dependency_overrides[get_search_limiter] = lambda: limiter
    with TestClient(app, base_url=LOCAL) as client, ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda _: client.post("/v1/search", json={"query": "q"}).status_code, range(6)))
    assert statuses == [200] * 6 and peak == 2
