"""The single exception -> HTTP mapping, and what a bug looks like from outside."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import get_retriever
from api.errors import BadRequest, Forbidden, Unauthorized, UnsupportedMediaType, describe
from api.limits import QueueTimeout
from api.ratelimit import RateLimited
from rag.errors import (ArticleReadError, BackendTimeout, BackendUnavailable, BylineError, ContextOverflow,
                        InvalidInput, ModelError, NotFound, Overloaded, PayloadTooLarge)
from tests.api.conftest import LOCAL


@pytest.mark.parametrize("exc,status,code,headers", [
    (InvalidInput("the question is empty"), 422, "invalid_input", {}),
    (ContextOverflow("prompt plus 200 answer tokens exceeds the model context of the LLM endpoint (model m); "
                     "ask with a smaller top_k"), 422, "invalid_input", {}),  # local model or endpoint alike
    (BadRequest("not JSON"), 400, "bad_request", {}),
    (UnsupportedMediaType("send JSON"), 415, "unsupported_media_type", {}),
    (PayloadTooLarge("too big"), 413, "payload_too_large", {}),
    (ArticleReadError("binary file"), 422, "unreadable_article", {}),
    (NotFound("no document with id 'x'"), 404, "not_found", {}),
    (Overloaded("busy", retry_after=7), 429, "overloaded", {"Retry-After": "7"}),
    (QueueTimeout("waited", retry_after=0), 503, "queue_timeout", {"Retry-After": "1"}),
    (RateLimited("too many searches", retry_after=12), 429, "rate_limited", {"Retry-After": "12"}),
    (Unauthorized("no key"), 401, "unauthorized", {"WWW-Authenticate": 'Bearer realm="byline"'}),
    (Forbidden("not from there"), 403, "forbidden", {}),
])
def test_client_errors_have_one_honest_status_and_say_what_to_change(exc, status, code, headers):
    got_status, body, got_headers = describe(exc, "rid")
    assert (got_status, got_headers) == (status, headers)
    assert body == {"error": {"code": code, "message": str(exc)}}


@pytest.mark.parametrize("exc,status,code,message", [
    (BackendUnavailable("cannot open the Chroma store at /srv/byline/chroma: disk I/O error"), 503,
     "backend_unavailable", "a backend is unavailable; try again later"),
    (BackendTimeout("the LLM endpoint http://10.1.2.3:8000/v1 did not answer in time"), 504, "backend_timeout",
     "a backend did not answer in time; try again later"),
    (ModelError("checksum mismatch for /home/u/.cache/byline/q.gguf"), 503, "model_unavailable",
     "the model could not be loaded; try again later, or ask the operator to check the server log"),
    (BylineError("odd /etc/secret"), 500, "internal_error", "internal error; quote the request id when reporting it"),
])
def test_server_side_errors_say_what_to_do_and_nothing_inside(exc, status, code, message):
    got_status, body, headers = describe(exc, "rid-3")
    assert (got_status, headers) == (status, {})
    assert body == {"error": {"code": code, "message": f"{message}; request id rid-3"}}


def test_the_raising_module_names_the_backend(tmp_path):
    from rag.store import connect

    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(BackendUnavailable) as raised:
        connect(tmp_path / "file" / "chroma")
    assert str(tmp_path) in str(raised.value)
    assert describe(raised.value)[1]["error"]["message"] == "the document store is unavailable; try again later"


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
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client, caplog.at_level(logging.INFO):
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
    assert status == 503 and body["error"]["code"] == "backend_unavailable" and "Errno" not in str(body)
    status, body, _ = describe(httpx.ReadTimeout("timed out"))
    assert status == 504 and body["error"]["code"] == "backend_timeout"
