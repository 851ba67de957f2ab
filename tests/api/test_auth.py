"""API keys on /v1 routes, and the rule about binding beyond loopback."""

from __future__ import annotations

import pytest

from api.auth import bind_refusal, is_loopback, key_matches
from rag.settings import Settings
from tests.api.conftest import seeded_client

ROUTES = [("POST", "/v1/answer", {"question": "Who is NATO's Secretary General?"}),
          ("POST", "/v1/search", {"query": "NATO"}),
          ("GET", "/v1/documents", None),
          ("GET", "/v1/documents/000_8f42c0aa39f27bb1.txt", None)]


@pytest.fixture(scope="module")
def keyed(tmp_path_factory, embedder):
    with seeded_client(tmp_path_factory.mktemp("data"), embedder, api_keys="alpha-key, beta-key") as (client, _):
        yield client


@pytest.mark.parametrize("method,path,body", ROUTES)
@pytest.mark.parametrize("header", [None, "Bearer wrong", "Bearer alpha-ke", "Basic alpha-key", "alpha-key",
                                    "Bearer "])
def test_v1_routes_refuse_missing_or_wrong_keys(keyed, method, path, body, header):
    headers = {"Authorization": header} if header is not None else {}
    r = keyed.request(method, path, json=body, headers=headers)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Bearer")
    assert r.json()["error"]["code"] == "unauthorized" and "Bearer" in r.json()["error"]["message"]


@pytest.mark.parametrize("method,path,body", ROUTES)
@pytest.mark.parametrize("key", ["alpha-key", "beta-key"])
def test_v1_routes_accept_each_configured_key(keyed, method, path, body, key):
    r = keyed.request(method, path, json=body, headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200, r.text


def test_delete_and_upload_need_a_key_too(keyed):
    assert keyed.delete("/v1/documents/000_8f42c0aa39f27bb1.txt").status_code == 401
    assert keyed.post("/v1/documents", json={"id": "a", "body": "b"}).status_code == 401
    assert keyed.get("/v1/documents/000_8f42c0aa39f27bb1.txt",
                     headers={"Authorization": "Bearer alpha-key"}).status_code == 200
    assert keyed.get("/v1/documents/a", headers={"Authorization": "Bearer alpha-key"}).status_code == 404


def test_auth_is_checked_before_the_body(keyed):
    r = keyed.post("/v1/answer", json={"not": "valid"})
    assert r.status_code == 401


def test_health_and_docs_stay_open(keyed):
    for path in ("/healthz", "/readyz", "/docs", "/openapi.json"):
        assert keyed.get(path).status_code == 200, path


def test_without_keys_no_header_is_needed(shared):
    client, _ = shared
    assert client.post("/v1/search", json={"query": "NATO"}).status_code == 200
    assert client.post("/v1/search", json={"query": "NATO"}, headers={"Authorization": "Bearer x"}).status_code == 200


def test_key_matches():
    assert key_matches("k2", ["k1", "k2"]) and not key_matches("k", ["k1", "k2"]) and not key_matches("", [])
    assert key_matches("ключ", ["ключ"])


@pytest.mark.parametrize("host,loopback", [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True),
                                           ("localhost", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                           ("::", False), ("example.org", False)])
def test_is_loopback(host, loopback):
    assert is_loopback(host) == loopback


def test_bind_refusal_rules(tmp_path):
    open_settings = Settings(data_dir=tmp_path)
    assert bind_refusal("127.0.0.1", open_settings) is None
    why = bind_refusal("0.0.0.0", open_settings)
    assert "BYLINE_API_KEYS" in why and "BYLINE_ALLOW_PUBLIC_BIND" in why and "\n" not in why
    assert bind_refusal("0.0.0.0", Settings(data_dir=tmp_path, api_keys="k")) is None
    assert bind_refusal("0.0.0.0", Settings(data_dir=tmp_path, allow_public_bind=True)) is None
