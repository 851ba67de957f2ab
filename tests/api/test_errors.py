"""The single exception -> HTTP mapping, and what a bug looks like from outside."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_retriever
from api.errors import BadRequest, Unauthorized, UnsupportedMediaType, describe
from api.limits import QueueTimeout
from rag.errors import (ArticleReadError, BackendTimeout, BackendUnavailable, BylineError, InvalidInput,
                        ModelError, NotFound, Overloaded, PayloadTooLarge)


@pytest.mark.parametrize("exc,status,code,headers", [
    (InvalidInput("the question is empty"), 422, "invalid_input", {}),
    (BadRequest("not JSON"), 400, "bad_request", {}),
    (UnsupportedMediaType("send JSON"), 415, "unsupported_media_type", {}),
    (PayloadTooLarge("too big"), 413, "payload_too_large", {}),
    (ArticleReadError("binary file"), 422, "unreadable_article", {}),
    (NotFound("no document with id 'x'"), 404, "not_found", {}),
    (Overloaded("busy", retry_after=7), 429, "overloaded", {"Retry-After": "7"}),
    (QueueTimeout("waited", retry_after=0), 503, "queue_timeout", {"Retry-After": "1"}),
    (BackendUnavailable("LLM down"), 503, "backend_unavailable", {}),
    (BackendTimeout("LLM slow"), 504, "backend_timeout", {}),
    (ModelError("checksum mismatch"), 503, "model_unavailable", {}),
    (Unauthorized("no key"), 401, "unauthorized", {"WWW-Authenticate": 'Bearer realm="byline"'}),
    (BylineError("odd"), 500, "internal_error", {}),
])
def test_each_rag_error_has_one_honest_status(exc, status, code, headers):
    got_status, body, got_headers = describe(exc, "rid")
    assert (got_status, got_headers) == (status, headers)
    assert body == {"error": {"code": code, "message": str(exc)}}


def test_unknown_exceptions_reveal_nothing():
    status, body, _ = describe(KeyError("/secret/path"), "rid-9")
    assert status == 500 and body["error"]["code"] == "internal_error"
    assert "secret" not in body["error"]["message"] and "rid-9" in body["error"]["message"]


class Exploding:
    def retrieve(self, query, top_k=None, filters=None):
        raise ZeroDivisionError("/home/byline/secret.py line 3")


def test_a_bug_is_a_logged_500_with_the_request_id(settings, api_components, caplog):
    app = create_app(settings, components=api_components)
    app.dependency_overrides[get_retriever] = Exploding
    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.INFO):
        r = client.post("/v1/search", json={"query": "NATO"}, headers={"X-Request-ID": "req-42"})
    assert r.status_code == 500 and r.headers["X-Request-ID"] == "req-42"
    assert r.json()["error"]["code"] == "internal_error" and "secret" not in r.text and "req-42" in r.text
    logged = [rec for rec in caplog.records if getattr(rec, "request_id", None) == "req-42"]
    assert any(rec.exc_info and rec.exc_info[0] is ZeroDivisionError for rec in logged)
    assert any(getattr(rec, "status", None) == 500 for rec in logged)  # and the access line says 500


@pytest.mark.parametrize("method,path,status,code", [("GET", "/nowhere", 404, "not_found"),
                                                     ("PUT", "/v1/search", 405, "method_not_allowed"),
                                                     ("GET", "/v1/search", 405, "method_not_allowed")])
def test_http_errors_use_the_same_shape(shared, method, path, status, code):
    client, _ = shared
    r = client.request(method, path)
    assert r.status_code == status and set(r.json()) == {"error"} and r.json()["error"]["code"] == code


def test_chroma_transport_errors_are_backend_errors_not_bugs():
    import httpx

    status, body, _ = describe(httpx.ConnectError("[Errno 111] Connection refused"))
    assert status == 503 and body["error"]["code"] == "backend_unavailable" and "Connection refused" in str(body)
    status, body, _ = describe(httpx.ReadTimeout("timed out"))
    assert status == 504 and body["error"]["code"] == "backend_timeout"
