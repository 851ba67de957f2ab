"""POST /v1/answer over the real store and embedder, with a scripted LLM (HTTP mechanics;
the real model is exercised in tests/api/test_e2e.py)."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest

from rag.errors import BackendBusy, BackendTimeout, BackendUnavailable, InvalidInput, ModelError
from rag.llm import OpenAICompatibleLLM
from tests.api.conftest import LOCAL, seeded_client, without_model
from tests.conftest import SEED_FILE
from tests.endpoints import context_too_small, drops_mid_stream, endpoint, rate_limited
from tests.processes import free_port

QUESTION = "Who is NATO's Secretary General?"
ANSWER_KEYS = {"question", "answer", "abstained", "citations", "sentences", "model", "timings_ms",
               "withheld", "abstain_reason"}


def events(text: str) -> list[tuple[str, dict]]:
    """(event, data) pairs of an SSE body."""
    out = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((fields["event"], json.loads(fields["data"])))
    return out


def assert_verbatim(answer: dict) -> None:
    body = SEED_FILE.read_text(encoding="utf-8")
    assert answer["citations"], answer
    for c in answer["citations"]:
        assert c["doc_id"] == SEED_FILE.name
        assert body[c["start"]:c["end"]] == c["quote"] and c["quote"]


def test_answer_json_follows_the_contract(shared):
    client, _ = shared
    r = client.post("/v1/answer", json={"question": QUESTION})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    got = r.json()
    assert set(got) == ANSWER_KEYS
    assert got["question"] == QUESTION and not got["abstained"] and got["model"] == "scripted"
    assert "[1]" in got["answer"] and got["sentences"][0]["citations"] == [1]
    assert_verbatim(got)


def test_filters_and_top_k_reach_the_retriever(client, llm):
    r = client.post("/v1/answer", json={"question": QUESTION, "top_k": 1, "filters": {"source": "nobody"}})
    assert r.status_code == 200
    assert r.json()["abstained"] and r.json()["citations"] == [] and llm.calls == 0  # nothing matched
    r = client.post("/v1/answer", json={"question": QUESTION, "top_k": 1, "filters": {"source": "tass"}})
    assert not r.json()["abstained"] and llm.calls == 1


@pytest.mark.parametrize("stream", [False, True])
def test_a_header_says_how_many_undated_articles_a_date_filter_left_out(shared, stream):
    client, _ = shared
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": stream, "filters": {"since": "2020-01-01"}})
    assert r.status_code == 200 and r.headers["X-Undated-Excluded"] == "1"  # the seed article has no date
    got = events(r.text)[-2][1] if stream else r.json()
    assert set(got) == ANSWER_KEYS and got["abstained"]  # the body as the contract has it
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": stream, "filters": {"source": "tass"}})
    assert r.status_code == 200 and "X-Undated-Excluded" not in r.headers


def test_stream_without_matching_passages_abstains_without_tokens(client, llm):
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": True, "filters": {"source": "nobody"}})
    got = events(r.text)
    assert [k for k, _ in got] == ["answer", "done"] and got[0][1]["abstained"] and llm.calls == 0


@pytest.mark.parametrize("how", [{"json": {"question": QUESTION, "stream": True}},
                                 {"json": {"question": QUESTION}, "headers": {"Accept": "text/event-stream"}}])
def test_stream_sends_tokens_then_the_answer_then_done(shared, how):
    client, _ = shared
    r = client.post("/v1/answer", **how)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    got = events(r.text)
    kinds = [k for k, _ in got]
    assert kinds[-2:] == ["answer", "done"] and set(kinds[:-2]) == {"token"} and len(kinds) > 3
    answer = got[-2][1]
    assert set(answer) == ANSWER_KEYS
    assert "".join(d["text"] for k, d in got if k == "token") == answer["answer"]  # the scripted model's words
    assert_verbatim(answer)


def test_a_stream_says_when_the_model_reads_the_passages_again(tmp_path, embedder):
    """With the order check (rag.agreement) the model reads the passages a second time after
    the streamed reply; a `checking` event comes between the tokens and the answer."""
    with seeded_client(tmp_path, embedder, check_order=True) as (client, llm):
        r = client.post("/v1/answer", json={"question": QUESTION, "stream": True})
    kinds = [k for k, _ in events(r.text)]
    assert kinds[-3:] == ["checking", "answer", "done"] and set(kinds[:-3]) == {"token"} and len(kinds) > 4
    assert llm.calls == 2


def test_stream_false_wins_over_accept_header(shared):
    client, _ = shared
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": False},
                    headers={"Accept": "text/event-stream"})
    assert r.headers["content-type"] == "application/json" and set(r.json()) == ANSWER_KEYS


@pytest.mark.parametrize("body,status,needle", [
    ({"question": ""}, 422, "question"),
    ({"question": "   "}, 422, "body.question: must not be blank"),
    ({"question": "x" * 2001}, 422, "limit is 2,000"),
    ({"question": "q", "top_k": 0}, 422, "top_k"),
    ({"question": "q", "top_k": 21}, 422, "between 1 and 20"),
    ({"question": "q", "top_k": "many"}, 422, "top_k"),
    ({"question": "q", "filters": {"since": "last week"}}, 422, "not an ISO date"),
    ({"question": "q", "filters": {"until": "2005-13-45"}}, 422, "not an ISO date"),
    ({"question": "q", "filters": {"since": "2005-02-01", "until": "2005-01-01"}}, 422, "is after until"),
    ({"question": "q", "colour": "red"}, 422, "colour"),
    ({}, 422, "question"),
    ([1, 2], 422, "body"),
])
@pytest.mark.parametrize("stream", [False, True])
def test_bad_input_is_a_clear_4xx_even_when_streaming(shared, body, status, needle, stream):
    client, llm = shared
    calls = llm.calls
    headers = {"Accept": "text/event-stream"} if stream else {}
    r = client.post("/v1/answer", json=body, headers=headers)
    assert r.status_code == status, r.text
    assert set(r.json()) == {"error"} and needle in r.json()["error"]["message"]
    assert llm.calls == calls


def test_malformed_json_is_400(shared):
    client, _ = shared
    r = client.post("/v1/answer", content=b'{"question": ', headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("error,status,code,message", [
    (BackendUnavailable("cannot reach the LLM endpoint at http://10.0.0.7:8080/v1: connection refused"), 503,
     "backend_unavailable", "a backend is unavailable; try again later"),
    (BackendTimeout("the LLM endpoint http://10.0.0.7:8080/v1 did not answer in time"), 504, "backend_timeout",
     "a backend did not answer in time; try again later"),
    (ModelError("model file missing: /home/byline/.cache/x.gguf"), 503, "model_unavailable",
     "the model could not be loaded; try again later, or ask the operator to check the server log"),
])
@pytest.mark.parametrize("stream", [False, True])
def test_llm_failure_before_output_gets_its_status_and_a_message_without_internals(
        client, llm, caplog, error, status, code, message, stream):
    llm.fail = error
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": stream}, headers={"X-Request-ID": "rq-7"})
    assert r.status_code == status and r.json() == {"error": {"code": code, "message": f"{message}; request id rq-7"}}
    logged = [rec for rec in caplog.records if getattr(rec, "request_id", None) == "rq-7" and rec.name == "byline.error"]
    assert any(str(error) in rec.getMessage() for rec in logged)  # the operator still gets the detail


def test_failure_mid_stream_is_an_error_event(client, llm):
    llm.fail, llm.fail_after = BackendTimeout("the LLM endpoint did not answer in time"), 3
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": True})
    assert r.status_code == 200
    got = events(r.text)
    assert [k for k, _ in got] == ["token"] * 3 + ["error"]
    assert got[-1][1]["status"] == 504 and got[-1][1]["error"]["code"] == "backend_timeout"
    assert got[-1][1]["error"]["message"].startswith("a backend did not answer in time; try again later")


def test_busy_backend_mid_stream_is_an_error_event_with_retry_after(client, llm):
    llm.fail, llm.fail_after = BackendBusy("the LLM endpoint answered 429", retry_after=9), 2
    got = events(client.post("/v1/answer", json={"question": QUESTION, "stream": True}).text)
    assert [k for k, _ in got] == ["token"] * 2 + ["error"]
    assert got[-1][1]["status"] == 503 and got[-1][1]["retry_after"] == 9
    assert got[-1][1]["error"]["code"] == "backend_busy"


def test_unexpected_failure_mid_stream_hides_internals(client, llm, caplog):
    llm.fail, llm.fail_after = RuntimeError("secret internals"), 2
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": True}, headers={"X-Request-ID": "abc-123"})
    kind, data = events(r.text)[-1]
    assert kind == "error" and data["status"] == 500 and data["error"]["code"] == "internal_error"
    assert "secret" not in r.text and "abc-123" in data["error"]["message"]
    assert any(getattr(rec, "request_id", None) == "abc-123" and rec.exc_info for rec in caplog.records)


@pytest.fixture
def openai_llm_client(make_client, seeded):
    def make(base_url: str):
        seeded.llm = OpenAICompatibleLLM("some-model", base_url=base_url, api_key="k", timeout_s=1.0, max_retries=0)
        return make_client()
    return make


def test_llm_endpoint_down_is_503_and_search_keeps_working(openai_llm_client):
    client = openai_llm_client(f"http://127.0.0.1:{free_port()}/v1")  # nothing listens there
    for stream in (False, True):
        r = client.post("/v1/answer", json={"question": QUESTION, "stream": stream})
        assert r.status_code == 503 and r.json()["error"]["message"].startswith(
            "the model endpoint is unavailable; try again later")
        assert "127.0.0.1" not in r.text and "onnection" not in r.text
    r = client.post("/v1/search", json={"query": "NATO Secretary General"})
    assert r.status_code == 200 and r.json()["results"]


def test_llm_endpoint_past_its_timeout_is_504(openai_llm_client):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        client = openai_llm_client(f"http://127.0.0.1:{silent.getsockname()[1]}/v1")
        r = client.post("/v1/answer", json={"question": QUESTION})
    assert r.status_code == 504 and r.json()["error"]["code"] == "backend_timeout"


def test_llm_endpoint_rate_limit_is_503_with_its_retry_after(openai_llm_client):
    """The endpoint's 429 is not the client's doing (its own limits give 429): a busy backend, 503."""
    with endpoint(rate_limited("17")) as (url, received):
        client = openai_llm_client(url)
        for stream in (False, True):
            r = client.post("/v1/answer", json={"question": QUESTION, "stream": stream})
            assert r.status_code == 503 and r.headers["Retry-After"] == "17", r.text
            assert r.json()["error"]["code"] == "backend_busy"
            assert r.json()["error"]["message"].startswith("the model endpoint is busy")
    assert len(received) == 2 and received[0]["messages"][-1]["content"].endswith(QUESTION)


def test_llm_endpoint_context_too_small_is_422_as_with_the_local_model(openai_llm_client):
    with endpoint(context_too_small()) as (url, _):
        r = openai_llm_client(url).post("/v1/answer", json={"question": QUESTION, "stream": True})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input"
    assert "smaller top_k" in r.json()["error"]["message"]


def test_llm_endpoint_dropping_the_stream_ends_it_with_an_error_event(openai_llm_client):
    with endpoint(drops_mid_stream(["Mark", " Rutte"])) as (url, _):
        r = openai_llm_client(url).post("/v1/answer", json={"question": QUESTION, "stream": True})
    assert r.status_code == 200
    got = events(r.text)
    assert got[:2] == [("token", {"text": "Mark"}), ("token", {"text": " Rutte"})] and len(got) == 3
    kind, data = got[-1]
    assert kind == "error" and data["status"] == 503 and data["error"]["code"] == "backend_unavailable"
    assert "retry_after" not in data


def test_model_that_cannot_load_is_503_but_search_works(settings, embedder):
    from api.app import create_app
    from fastapi.testclient import TestClient

    c = without_model(settings, embedder, ModelError("model file missing: /nowhere/model.gguf"))
    with TestClient(create_app(settings, components=c), base_url=LOCAL) as client:
        r = client.post("/v1/answer", json={"question": QUESTION})
        assert r.status_code == 503 and r.json()["error"]["code"] == "model_unavailable"
        assert "nowhere" not in r.text and "could not be loaded" in r.text
        assert client.post("/v1/search", json={"query": "NATO"}).status_code == 200
        assert client.get("/readyz").status_code == 503


def test_a_broken_model_is_loaded_once_not_on_every_request(settings, embedder, tmp_path, monkeypatch):
    import rag.components
    from api.app import create_app
    from fastapi.testclient import TestClient
    from rag.components import Components
    from rag.model_files import ensure_gguf

    calls = []
    monkeypatch.setattr(rag.components, "ensure_gguf", lambda cache_dir: calls.append(1) or ensure_gguf(cache_dir))
    (tmp_path / "cache").write_text("a file where the model cache dir should be")
    components = Components(settings.model_copy(update={"cache_dir": tmp_path / "cache"}))
    components.embedder = embedder
    with TestClient(create_app(components.settings, components=components), base_url=LOCAL) as client:
        assert len(calls) == 1  # the lifespan tried once
        for stream in (False, True, False):
            r = client.post("/v1/answer", json={"question": QUESTION, "stream": stream})
            assert r.status_code == 503 and r.json()["error"]["code"] == "model_unavailable"
        assert client.get("/readyz").status_code == 503
    assert len(calls) == 1  # remembered for BYLINE_MODEL_RETRY_S, not re-tried per request


class WordTokenLlama:
    """Stands in for llama_cpp.Llama (no model loaded): a token per word; replies "Unknown."."""

    def __init__(self, model_path, n_ctx, **kwargs):
        self.n_ctx = n_ctx
        self.n_tokens = 0
        self.input_ids = np.zeros(n_ctx, dtype=np.intc)

    def tokenize(self, data: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        return list(range(len(data.split())))

    def reset(self):
        self.n_tokens = 0

    def eval(self, tokens):
        self.input_ids[self.n_tokens:self.n_tokens + len(tokens)] = tokens
        self.n_tokens += len(tokens)

    def create_completion(self, prompt, max_tokens, temperature, stop, stream):
        yield {"choices": [{"text": "Unknown."}]}


@pytest.fixture
def local_backend(make_client, seeded, monkeypatch, tmp_path):
    """The llama.cpp backend's own prompt check, over a stand-in for the model itself."""
    import llama_cpp

    from rag.llm import LlamaCppLLM

    monkeypatch.setattr(llama_cpp, "Llama", WordTokenLlama)

    def make(n_ctx: int):
        seeded.__dict__.pop("answerer", None)  # rebuilt on the new llm
        seeded.llm = LlamaCppLLM(tmp_path / "model.gguf", model="local", n_ctx=n_ctx)
        return make_client()
    return make


@pytest.mark.parametrize("stream", [False, True])
def test_a_prompt_over_the_model_context_is_a_clear_422(local_backend, stream):
    client = local_backend(n_ctx=1024)
    long_question = "What did NATO's Secretary General say " + "about Ukraine and the alliance " * 60 + "?"
    r = client.post("/v1/answer", json={"question": long_question, "top_k": 20, "stream": stream})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_input", r.text
    assert "exceeds the model context of 1024" in r.json()["error"]["message"]
    assert "smaller top_k" in r.json()["error"]["message"]
    r = client.post("/v1/answer", json={"question": "Who leads NATO?", "top_k": 1, "stream": stream})
    assert r.status_code == 200  # a prompt that fits goes through, and the slot was given back


@pytest.mark.parametrize("stream", [False, True])
def test_invalid_input_from_the_model_is_422_in_json_and_in_streams(client, llm, stream):
    llm.fail = InvalidInput("prompt of ~3000 tokens plus 200 answer tokens exceeds the model context of 2048; "
                            "ask with a smaller top_k")
    r = client.post("/v1/answer", json={"question": QUESTION, "stream": stream})
    assert r.status_code == 422 and r.json() == {"error": {"code": "invalid_input", "message": str(llm.fail)}}
