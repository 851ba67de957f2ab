"""Request ids, structured access logs and the body size limit."""

from __future__ import annotations

import logging

import pytest

from api.middleware import request_id_from


def test_request_id_is_echoed_or_made(shared):
    client, _ = shared
    assert client.get("/healthz", headers={"X-Request-ID": "abc.123-x"}).headers["X-Request-ID"] == "abc.123-x"
    made = {client.get("/healthz").headers["X-Request-ID"] for _ in range(3)}
    assert len(made) == 3 and all(len(m) == 32 for m in made)


@pytest.mark.parametrize("given", [b"", b"has space", b"x" * 129, b"\xff\xfe", b"new\nline"])
def test_unusable_request_ids_are_replaced(given):
    made = request_id_from({"headers": [(b"x-request-id", given)]})
    assert made != given.decode("latin-1") and len(made) == 32


def test_one_access_line_per_request_with_its_fields(shared, caplog):
    client, _ = shared
    with caplog.at_level(logging.INFO, logger="byline.access"):
        client.post("/v1/search", json={"query": "NATO"}, headers={"X-Request-ID": "log-1"})
        client.get("/v1/documents/missing", headers={"X-Request-ID": "log-2"})
    lines = [r for r in caplog.records if r.name == "byline.access"]
    assert [(r.request_id, r.method, r.path, r.status) for r in lines] == [
        ("log-1", "POST", "/v1/search", 200), ("log-2", "GET", "/v1/documents/missing", 404)]
    assert all(isinstance(r.duration_ms, float) and r.duration_ms >= 0 for r in lines)


def test_streams_are_logged_once_they_end(shared, caplog):
    client, _ = shared
    with caplog.at_level(logging.INFO, logger="byline.access"):
        r = client.post("/v1/answer", json={"question": "Who leads NATO?", "stream": True})
    assert "event: done" in r.text
    (line,) = [rec for rec in caplog.records if rec.name == "byline.access"]
    assert line.status == 200 and line.path == "/v1/answer"


def test_body_limit_by_declared_length_and_by_counting(make_client, seeded):
    client = make_client(max_upload_bytes=100)
    r = client.post("/v1/search", json={"query": "x" * 200})
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert r.headers["X-Request-ID"]

    def chunked():  # no Content-Length: the limit is enforced while reading
        for _ in range(10):
            yield b'{"query": "' + b"x" * 20

    r = client.post("/v1/search", content=chunked(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert client.post("/v1/search", json={"query": "NATO"}).status_code == 200
