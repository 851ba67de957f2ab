"""The page's routes without a browser: what is served, with which headers, and the
eval report behind the same keys as /v1 (no LLM, no store: the app is never started)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.main import REPORT_ENV, app_from_env
from api.web.routes import STATIC
from rag.settings import Settings

PAGE_FILES = sorted(p for p in STATIC.iterdir() if p.is_file())
LOCAL = "http://127.0.0.1"  # a loopback address: a server without keys serves only its own machine


def client_for(tmp_path: Path, report: Path | None = None, **settings) -> TestClient:
    """A client over an app whose lifespan never runs (nothing heavy is built)."""
    app = create_app(Settings(data_dir=tmp_path / "data", **settings), report=report)
    return TestClient(app, base_url=LOCAL)


def basic(password: str, user: str = "me") -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_the_page_and_its_files_are_served_without_a_key(tmp_path):
    client = client_for(tmp_path, api_keys="k1")
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script type="module" src="static/app.js">' in page.text
    for src in re.findall(r'(?:src|href)="(static/[^"]+)"', page.text):
        assert client.get(f"/{src}").status_code == 200, src
    assert client.get("/static/app.js").headers["content-type"].endswith("javascript; charset=utf-8")
    assert client.get("/static/app.css").headers["content-type"] == "text/css; charset=utf-8"
    assert client.head("/").status_code == 200
    assert client.get("/v1/documents").status_code == 401  # the data still needs the key


def test_every_page_response_carries_a_strict_policy(tmp_path):
    client = client_for(tmp_path)
    for path in ("/", "/static/app.js"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "default-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"


def test_unchanged_files_revalidate_with_304(tmp_path):
    client = client_for(tmp_path)
    first = client.get("/static/ask.js")
    assert first.headers["cache-control"] == "no-cache" and first.headers["etag"]
    again = client.get("/static/ask.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("name", ["nope.js", "..%2Fapp.py", "index.html"])
def test_unknown_static_files_are_a_json_404(tmp_path, name):
    r = client_for(tmp_path).get(f"/static/{name}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_the_page_is_small_hand_written_and_self_contained():
    assert sum(p.stat().st_size for p in PAGE_FILES) < 100_000  # HTML + JS + CSS, uncompressed
    for path in PAGE_FILES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), f"{path.name} loads something from the internet"
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text and "document.write" not in text, path.name


def test_the_page_uses_only_public_routes():
    """Every API path in the scripts is one of the documented public routes."""
    scripts = "\n".join(p.read_text(encoding="utf-8") for p in PAGE_FILES if p.suffix == ".js")
    used = set(re.findall(r"['`](v1/[a-z/]*|openapi\.json)", scripts))
    assert used == {"v1/answer", "v1/documents", "v1/documents/", "openapi.json"}


def test_the_page_is_not_in_the_api_spec(tmp_path):
    paths = client_for(tmp_path).get("/openapi.json").json()["paths"]
    assert not {"/", "/static/{name}", "/report"} & set(paths)


def test_without_a_report_the_page_has_no_link_and_there_is_no_report_route(tmp_path):
    client = client_for(tmp_path, api_keys="k1")
    assert '<meta name="byline-report" content="">' in client.get("/").text
    r = client.get("/report")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"  # not 401: nothing is there


def test_a_report_is_linked_and_served_sandboxed(tmp_path):
    report = tmp_path / "seed.html"
    report.write_text("<!doctype html><title>eval</title><script>1</script>", encoding="utf-8")
    client = client_for(tmp_path, report=report)
    assert '<meta name="byline-report" content="report">' in client.get("/").text
    r = client.get("/report")
    assert r.status_code == 200 and r.text == report.read_text() and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"].startswith("sandbox allow-scripts")  # an opaque origin
    report.unlink()
    assert client.get("/report").status_code == 404


def test_with_keys_the_report_needs_one_too(tmp_path):
    report = tmp_path / "seed.html"
    report.write_text("<title>eval</title>", encoding="utf-8")
    client = client_for(tmp_path, report=report, api_keys="k1,k2")
    refused = client.get("/report")
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith('Basic realm="byline report"')
    assert client.get("/report", headers=basic("wrong")).status_code == 401
    assert client.get("/report", headers={"Authorization": "Basic !!not-base64"}).status_code == 401
    assert client.get("/report", headers=basic("k2")).status_code == 200  # any user name, the key as password
    assert client.get("/report", headers={"Authorization": "Bearer k1"}).status_code == 200


def test_worker_processes_get_the_report_from_the_environment(tmp_path, monkeypatch):
    report = tmp_path / "seed.html"
    report.write_text("<title>eval</title>", encoding="utf-8")
    monkeypatch.setenv("BYLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(REPORT_ENV, str(report))
    assert TestClient(app_from_env(), base_url=LOCAL).get("/report").status_code == 200
