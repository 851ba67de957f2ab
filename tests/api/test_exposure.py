"""Who can reach what: every route of the app, with and without API keys, over a loopback
and a public server address. A route added without a decision here fails
`test_every_route_has_a_decision`."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import reached_over_loopback
from rag.settings import Settings
from tests.api.conftest import LOCAL, seeded_client, server_in_thread
from tests.conftest import SEED_FILE

KEY = "exposure-key"
PUBLIC = "http://192.0.2.10"  # TEST-NET-1: the app sees a non-loopback server address
ARTICLE = {"id": "exposure-1", "title": "Exposure", "body": "An article to upload and delete."}

# (method, route path) -> (URL, request arguments): one request that works with a key.
EXAMPLES = {
    ("POST", "/v1/answer"): ("/v1/answer", {"json": {"question": "Who is NATO's Secretary General?"}}),
    ("POST", "/v1/search"): ("/v1/search", {"json": {"query": "NATO"}}),
    ("POST", "/v1/documents"): ("/v1/documents", {"json": ARTICLE}),
    ("GET", "/v1/documents"): ("/v1/documents", {}),
    ("GET", "/v1/documents/{doc_id:path}"): (f"/v1/documents/{SEED_FILE.name}", {}),
    ("DELETE", "/v1/documents/{doc_id:path}"): ("/v1/documents/exposure-1", {}),
    ("GET", "/healthz"): ("/healthz", {}),
    ("GET", "/readyz"): ("/readyz", {}),
    ("GET", "/docs"): ("/docs", {}),
    ("GET", "/docs/oauth2-redirect"): ("/docs/oauth2-redirect", {}),
    ("GET", "/redoc"): ("/redoc", {}),
    ("GET", "/openapi.json"): ("/openapi.json", {}),
    ("GET", "/"): ("/", {}),  # the web page (api/web) and its files: no data in them
    ("GET", "/static/{name}"): ("/static/app.js", {}),
}
# Open without a key even when keys are set; every other route needs one.
OPEN = {"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/", "/static/{name}"}


def app_routes() -> list[tuple[str, str]]:
    """(method, path) of every route of the app, included routers and mounts too."""
    app = create_app(Settings(data_dir=Path("/nonexistent/byline")))  # builds nothing heavy
    return sorted((method, r.path) for r in iter_route_contexts(app.routes)
                  for method in (r.methods or {"GET"}) - {"HEAD"})


ROUTES = app_routes()


def call(client: TestClient, method: str, path: str, headers: dict | None = None) -> httpx.Response:
    url, kwargs = EXAMPLES[(method, path)]
    if method == "DELETE":  # something to delete (refused the same way as the delete when it is)
        client.post("/v1/documents", json=ARTICLE, headers=headers)
    return client.request(method, url, headers=headers, **kwargs)


def test_every_route_has_a_decision():
    assert {"/v1/answer", "/healthz", "/docs"} <= {p for _, p in ROUTES}
    assert set(ROUTES) <= set(EXAMPLES), "new route: add an example here and decide whether it is OPEN"


@pytest.fixture(scope="module")
def keyed(tmp_path_factory, embedder):
    with seeded_client(tmp_path_factory.mktemp("data"), embedder, api_keys=KEY) as (client, _):
        yield client


@pytest.fixture(scope="module")
def open_app(tmp_path_factory, embedder):
    with seeded_client(tmp_path_factory.mktemp("data"), embedder) as (client, _):
        yield client


def ok(r: httpx.Response) -> bool:
    return 200 <= r.status_code < 400


@pytest.mark.parametrize("method,path", ROUTES)
@pytest.mark.parametrize("base", [LOCAL, PUBLIC])
def test_with_keys_v1_needs_one_and_the_rest_is_open(keyed, method, path, base):
    client = TestClient(keyed.app, base_url=base, raise_server_exceptions=False)
    r = call(client, method, path)
    if path in OPEN:
        assert ok(r), r.text
    else:
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized", r.text
        assert ok(call(client, method, path, {"Authorization": f"Bearer {KEY}"}))


@pytest.mark.parametrize("method,path", ROUTES)
def test_without_keys_everything_works_on_loopback(open_app, method, path):
    assert ok(call(open_app, method, path))


@pytest.mark.parametrize("method,path", ROUTES)
def test_without_keys_nothing_is_served_beyond_loopback(open_app, method, path):
    open_app.post("/v1/documents", json=ARTICLE)  # over loopback: fine
    client = TestClient(open_app.app, base_url=PUBLIC, raise_server_exceptions=False)
    r = call(client, method, path)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", r.text
    assert "BYLINE_API_KEYS" in r.json()["error"]["message"] and r.headers["X-Request-ID"]
    assert open_app.get("/v1/documents/exposure-1").status_code == 200  # a refused DELETE deleted nothing


def test_consent_to_serve_openly_lifts_the_refusal(tmp_path, embedder):
    with seeded_client(tmp_path, embedder, allow_public_bind=True) as (client, _):
        public = TestClient(client.app, base_url=PUBLIC)
        assert public.post("/v1/search", json={"query": "NATO"}).status_code == 200


@pytest.mark.parametrize("server,local", [
    (("127.0.0.1", 8000), True), (("127.9.9.9", 80), True), (("::1", 8000), True),
    (("::ffff:127.0.0.1", 8000), True), (("/run/byline.sock", None), True),
    (("10.0.0.5", 8000), False), (("::", 8000), False), (("0.0.0.0", 8000), False),
    (("localhost", 8000), False),  # a name, not the socket's address: not trusted
    (("testserver", 80), False), (None, False)])
def test_reached_over_loopback(server, local):
    assert reached_over_loopback(server) == local


def outward_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_a_real_server_on_all_interfaces_serves_loopback_only(settings, seeded):
    address = outward_address()
    if address is None:
        pytest.skip("no non-loopback interface on this machine")
    app = create_app(settings, components=seeded)
    with server_in_thread(app, host="0.0.0.0") as base:
        port = base.rsplit(":", 1)[1]
        assert httpx.get(f"{base}/healthz").status_code == 200
        r = httpx.post(f"http://{address}:{port}/v1/search", json={"query": "NATO"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
