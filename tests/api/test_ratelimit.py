"""Per-client rate limits for search and uploads, and uploads embedded a few at a time."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_ingester
from api.ratelimit import RateLimited, RateLimiter
from rag.types import IngestReport
from tests.api.conftest import LOCAL

SEARCH = {"query": "NATO"}


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_a_minute_of_burst_then_refills():
    clock = Clock()
    limiter = RateLimiter("searches", 2, clock=clock)
    limiter.take("a")
    limiter.take("a")
    with pytest.raises(RateLimited) as refused:
        limiter.take("a")
    assert refused.value.retry_after == 30 and "2 a minute" in str(refused.value)
    limiter.take("b")  # another client has its own bucket
    clock.now += 29
    with pytest.raises(RateLimited) as refused:
        limiter.take("a")
    assert refused.value.retry_after == 1  # refused requests cost nothing
    clock.now += 1
    limiter.take("a")


def test_zero_means_no_limit_and_the_number_of_buckets_is_bounded():
    unlimited = RateLimiter("searches", 0)
    for _ in range(1000):
        unlimited.take("a")
    clock = Clock()
    limiter = RateLimiter("uploads", 1, clock=clock, max_clients=3)
    for client in "abcd":
        limiter.take(client)
    assert len(limiter._buckets) == 3 and "a" not in limiter._buckets  # the least recently seen went first
    with pytest.raises(RateLimited):
        limiter.take("d")


def test_search_over_its_rate_is_429_with_retry_after_and_answers_are_not_counted(make_client, seeded):
    client = make_client(search_rate_per_min=2)
    assert [client.post("/v1/search", json=SEARCH).status_code for _ in range(2)] == [200, 200]
    r = client.post("/v1/search", json=SEARCH)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1 and "2 a minute" in r.json()["error"]["message"]
    assert client.post("/v1/answer", json={"question": "Who leads NATO?"}).status_code == 200
    assert client.get("/v1/documents").status_code == 200


def test_uploads_have_their_own_rate(make_client, seeded):
    client = make_client(upload_rate_per_min=1)
    assert client.post("/v1/documents", json={"id": "a", "body": "Some text."}).status_code == 201
    r = client.post("/v1/documents", json={"id": "b", "body": "More text."})
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited" and r.headers["Retry-After"]
    assert client.get("/v1/documents/b").status_code == 404
    assert client.post("/v1/search", json=SEARCH).status_code == 200


def test_with_keys_each_key_has_its_own_bucket_and_bad_keys_spend_nothing(make_client, seeded):
    client = make_client(search_rate_per_min=1, api_keys="k1,k2")
    k1, k2 = ({"Authorization": f"Bearer {k}"} for k in ("k1", "k2"))
    assert client.post("/v1/search", json=SEARCH, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.post("/v1/search", json=SEARCH, headers=k1).status_code == 200
    assert client.post("/v1/search", json=SEARCH, headers=k1).status_code == 429
    assert client.post("/v1/search", json=SEARCH, headers=k2).status_code == 200


def test_without_keys_each_client_address_has_its_own_bucket(settings, seeded):
    app = create_app(settings.model_copy(update={"search_rate_per_min": 1}), components=seeded)
    first, second = (TestClient(app, base_url=LOCAL, client=(host, 5000)) for host in ("127.0.0.2", "127.0.0.3"))
    assert first.post("/v1/search", json=SEARCH).status_code == 200
    assert first.post("/v1/search", json=SEARCH).status_code == 429
    assert second.post("/v1/search", json=SEARCH).status_code == 200


def test_the_spec_lists_429_for_search_and_uploads(shared):
    client, _ = shared
    paths = client.get("/openapi.json").json()["paths"]
    assert "429" in paths["/v1/search"]["post"]["responses"] and "429" in paths["/v1/documents"]["post"]["responses"]


def test_uploads_are_embedded_one_at_a_time_by_default(settings, seeded):
    running, peak, lock = 0, 0, threading.Lock()

    class SlowIngester:
        def add_articles(self, articles):
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.2)
            with lock:
                running -= 1
            return IngestReport(added=len(articles))

    app = create_app(settings, components=seeded)
    app.dependency_overrides[get_ingester] = SlowIngester
    with TestClient(app, base_url=LOCAL) as client, ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda n: client.post("/v1/documents", json={"id": f"d{n}", "body": "x"}).status_code,
                                 range(4)))
    assert statuses == [201] * 4 and peak == 1
