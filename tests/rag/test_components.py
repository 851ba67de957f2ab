"""Components: each part built once under a lock; a model that fails to load is remembered
for `model_retry_s` instead of being re-hashed and re-loaded on every use."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import rag.components
from rag.components import Components
from rag.errors import ModelError
from rag.model_files import ensure_gguf
from rag.settings import Settings


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def counted_ensure_gguf(monkeypatch):
    """The real ensure_gguf, counting its calls."""
    calls = []

    def counting(cache_dir):
        calls.append(cache_dir)
        return ensure_gguf(cache_dir)

    monkeypatch.setattr(rag.components, "ensure_gguf", counting)
    return calls


@pytest.fixture
def broken_cache(tmp_path) -> Settings:
    """Settings whose model cache dir is a plain file: assembling the model there must fail."""
    cache = tmp_path / "cache-is-a-file"
    cache.write_text("not a directory")
    return Settings(data_dir=tmp_path / "data", cache_dir=cache, model_retry_s=30)


def test_a_model_that_fails_to_load_is_retried_only_after_the_back_off(broken_cache, counted_ensure_gguf):
    clock = Clock()
    components = Components(broken_cache, clock=clock)
    for _ in range(3):
        with pytest.raises(ModelError):
            components.llm
        with pytest.raises(ModelError):
            components.answerer  # built on the llm: the same remembered failure
    assert len(counted_ensure_gguf) == 1 and components.state("llm") == "unavailable"
    clock.now += 29
    with pytest.raises(ModelError):
        components.llm
    assert len(counted_ensure_gguf) == 1
    clock.now += 2  # past the 30 s back-off: tried once more
    with pytest.raises(ModelError):
        components.llm
    assert len(counted_ensure_gguf) == 2


def test_the_remembered_failure_keeps_its_message(broken_cache, counted_ensure_gguf):
    components = Components(broken_cache, clock=Clock())
    messages = []
    for _ in range(2):
        with pytest.raises(ModelError) as e:
            components.llm
        messages.append(str(e.value))
    assert messages[0] == messages[1] and messages[0]


class SlowModel:
    built = 0

    def __init__(self, path, **kwargs):
        type(self).built += 1
        time.sleep(0.3)
        self.model = "slow"


def test_concurrent_first_uses_build_the_model_once(tmp_path, monkeypatch):
    monkeypatch.setattr(rag.components, "ensure_gguf", lambda cache_dir: tmp_path / "m.gguf")
    monkeypatch.setattr(rag.components, "LlamaCppLLM", SlowModel)
    SlowModel.built = 0
    components = Components(Settings(data_dir=tmp_path / "data"))
    assert components.state("llm") == "loading"
    with ThreadPoolExecutor(4) as pool:
        models = list(pool.map(lambda _: components.llm, range(4)))
    assert SlowModel.built == 1 and all(m is models[0] for m in models)
    assert components.state("llm") == "ok"


def test_a_load_error_from_the_library_becomes_a_model_error_and_recovery_is_kept(tmp_path, monkeypatch):
    fail = threading.Event()
    fail.set()

    def loader(path, **kwargs):
        if fail.is_set():
            raise ValueError(f"Failed to load model from file: {path}")
        return SlowModel(path)

    monkeypatch.setattr(rag.components, "ensure_gguf", lambda cache_dir: tmp_path / "m.gguf")
    monkeypatch.setattr(rag.components, "LlamaCppLLM", loader)
    clock = Clock()
    components = Components(Settings(data_dir=tmp_path / "data", model_retry_s=5), clock=clock)
    with pytest.raises(ModelError, match="could not load the llm: ValueError"):
        components.llm
    fail.clear()
    clock.now += 6
    assert components.llm.model == "slow" and components.state("llm") == "ok"


def test_parts_can_still_be_replaced_before_use(tmp_path):
    components = Components(Settings(data_dir=tmp_path / "data"))
    components.llm = "fake"
    assert components.llm == "fake" and components.state("llm") == "ok"


def test_warm_retries_a_failed_model_in_the_background_once_its_back_off_is_over(tmp_path, monkeypatch):
    fail, release = threading.Event(), threading.Event()
    fail.set()

    def loader(path, **kwargs):
        if fail.is_set():
            raise ValueError("cannot map the file")
        release.wait(5)  # a slow load: "loading" meanwhile
        return SlowModel(path)

    monkeypatch.setattr(rag.components, "ensure_gguf", lambda cache_dir: tmp_path / "m.gguf")
    monkeypatch.setattr(rag.components, "LlamaCppLLM", loader)
    clock = Clock()
    components = Components(Settings(data_dir=tmp_path / "data", model_retry_s=30), clock=clock)
    components.warm("llm")
    wait_for(lambda: components.state("llm") == "unavailable")
    fail.clear()
    components.warm("llm")  # within the back-off: nothing happens
    time.sleep(0.2)
    assert components.state("llm") == "unavailable"
    clock.now += 31
    components.warm("llm")
    wait_for(lambda: components.state("llm") == "loading")
    release.set()
    wait_for(lambda: components.state("llm") == "ok")


def wait_for(condition, timeout_s: float = 5) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)
