"""Browser-test fixtures: Debian's Chromium driven by Playwright, a real `byline serve`
process on a loopback port (temporary data dir, the seed article uploaded), and a fake
OpenAI-compatible LLM server (tests/api/web/fake_llm.py) so answers take a second.

Screenshots go to tests/api/web/out/ (git-ignored)."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, SEED_FILE
from tests.processes import free_port, running, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
OUT = Path(__file__).resolve().parent / "out"
WIDTHS = (1280, 360)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}: apt-get install -y chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright (the test extra)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def new_page(browser, width: int = 1280, **context_options):
    """A page in a fresh context (own sessionStorage); fails the test on any script error."""
    context = browser.new_context(viewport={"width": width, "height": 900}, **context_options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], f"script errors on the page: {errors}"


@pytest.fixture
def page(browser):
    with new_page(browser) as p:
        yield p


def screenshot(page, name: str, full_page: bool = True) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture(scope="session")
def fake_llm(tmp_path_factory):
    """The fake OpenAI-compatible chat server; yields its base URL (…/v1)."""
    port, log = free_port(), tmp_path_factory.mktemp("fake-llm") / "fake-llm.log"
    argv = [sys.executable, "-m", "tests.api.web.fake_llm", str(port), "0.05"]
    with running(argv, log, checkout_env()) as proc:
        wait_for(f"http://127.0.0.1:{port}/v1/models", 60, proc=proc)
        yield f"http://127.0.0.1:{port}/v1"


def checkout_env(**overrides: str) -> dict:
    """The environment for a subprocess that imports this checkout's code (not an installed copy)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BYLINE_", "OPENAI_"))}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.update(overrides)
    return env


def fake_llm_env(llm_url: str) -> dict:
    return {"BYLINE_LLM_BACKEND": "openai", "OPENAI_BASE_URL": llm_url, "OPENAI_API_KEY": "unused",
            "BYLINE_LLM_MODEL": "fake-llm", "BYLINE_LLM_MAX_RETRIES": "0"}


@contextmanager
def byline_serve(workdir: Path, *args: str, key: str | None = None, ready_s: float = 120, **env: str):
    """`byline serve` (python -m rag.cli, from this checkout) on a loopback port, with the
    seed article uploaded; yields its base URL."""
    port, log = free_port(), workdir / "serve.log"
    argv = [sys.executable, "-m", "rag.cli", "serve", "--port", str(port), *args]
    with running(argv, log, checkout_env(BYLINE_DATA_DIR=str(workdir / "data"), **env)) as proc:
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/readyz", ready_s, proc=proc)
            headers = {"Authorization": f"Bearer {key}"} if key else {}
            r = httpx.post(f"{base}/v1/documents", headers=headers, timeout=120,
                           files={"file": (SEED_FILE.name, SEED_FILE.read_bytes(), "text/plain")})
            assert r.status_code == 201, r.text
            yield base
        except BaseException:
            print(f"--- the end of {log}:\n" + log.read_text(errors="replace")[-5000:])
            raise


@pytest.fixture(scope="module")
def site(tmp_path_factory, fake_llm):
    """A served Byline (no API keys) answering with the fake LLM; yields its base URL."""
    with byline_serve(tmp_path_factory.mktemp("site"), **fake_llm_env(fake_llm)) as base:
        yield base
