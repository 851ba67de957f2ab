"""API fixtures: the real embedder and an embedded Chroma in a temp dir (from
tests/conftest.py), a scripted LLM for HTTP mechanics, and helpers to run the app in a
TestClient or an in-thread uvicorn server (real processes: tests/processes.py)."""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager

import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.app import create_app
from rag.components import Components, part
from rag.settings import Settings
from tests.conftest import SEEDS
from tests.processes import free_port


LOCAL = "http://127.0.0.1"  # TestClient base URL: the app sees a loopback server address


class ScriptedLLM:
    """Echoes the first sentence of passage [1] of its prompt, cited [1], a word at a time.

    `delay_s` sleeps before each word (a slow model), or `first_delay_s` before the first
    when it is given (a model reading its prompt); `fail` is raised before word number
    `fail_after` (0: before any output)."""

    model = "scripted"

    def __init__(self, delay_s: float = 0.0, fail: Exception | None = None, fail_after: int = 0,
                 first_delay_s: float = 0.0):
        self.delay_s, self.fail, self.fail_after = delay_s, fail, fail_after
        self.first_delay_s = first_delay_s
        self.calls = 0
        self.words_sent = 0

    def stream(self, messages, *, max_tokens, temperature, after=None):
        self.calls += 1
        passage = messages[-1]["content"].split("<passage id=1", 1)[1].split("\n", 2)[1]
        sentence = re.split(r"(?<=[.!?])[\"'\u2019\u201d]*\s", passage, maxsplit=1)[0]
        sentence = sentence.strip("\"'\u2018\u2019\u201c\u201d").rstrip(".")
        for n, word in enumerate(f"{sentence} [1].".split(" ")):
            if self.fail is not None and n == self.fail_after:
                raise self.fail
            time.sleep(self.first_delay_s if n == 0 and self.first_delay_s else self.delay_s)
            self.words_sent += 1
            yield word if n == 0 else f" {word}"


@pytest.fixture
def llm() -> ScriptedLLM:
    return ScriptedLLM()


# The scripted LLM echoes passage [1], so the same passages in reverse order give another
# reply: these tests of HTTP mechanics run without the order check (rag.agreement), which
# tests/rag/test_answer.py and the real-model tests cover.
NO_ORDER_CHECK = {"check_order": False}


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", seeds_dir=SEEDS, **NO_ORDER_CHECK)


@pytest.fixture
def api_components(components, llm):
    """Real store and embedder, scripted LLM."""
    components.llm = llm
    return components


@pytest.fixture
def seeded(api_components):
    api_components.ingester.run([SEEDS])
    return api_components


@pytest.fixture
def make_client(settings, api_components):
    """make_client(**setting overrides) -> a started TestClient over the shared components."""
    started = []

    def make(**overrides) -> TestClient:
        app = create_app(settings.model_copy(update=overrides), components=api_components)
        client = TestClient(app, base_url=LOCAL, raise_server_exceptions=False)
        started.append(client.__enter__())
        return client

    yield make
    for client in started:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client, seeded) -> TestClient:
    return make_client()


def without_model(settings, embedder, error: Exception) -> Components:
    """Real store and embedder, but building the LLM raises `error` (a missing or broken model)."""
    class NoModel(Components):
        @part(model=True)
        def llm(self):
            raise error

    components = NoModel(settings)
    components.embedder = embedder
    return components


@contextmanager
def seeded_client(data_dir, embedder, **overrides):
    """(TestClient, scripted LLM) over a fresh store holding the seed article."""
    components = Components(Settings(data_dir=data_dir, seeds_dir=SEEDS, **(NO_ORDER_CHECK | overrides)))
    components.embedder, components.llm = embedder, ScriptedLLM()
    components.ingester.run([SEEDS])
    with TestClient(create_app(components.settings, components=components), base_url=LOCAL,
                    raise_server_exceptions=False) as client:
        yield client, components.llm


@pytest.fixture(scope="module")
def shared(tmp_path_factory, embedder):
    """(client, llm) shared by a module's tests that change no data."""
    with seeded_client(tmp_path_factory.mktemp("data"), embedder) as pair:
        yield pair


@contextmanager
def server_in_thread(app, host: str = "127.0.0.1"):
    """A real uvicorn server on a free port (loopback unless `host` says otherwise), in this
    process; yields its loopback base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
