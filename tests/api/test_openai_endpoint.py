"""End to end over a real OpenAI-compatible model server: llama-cpp-python's own
(`python -m llama_cpp.server`) serving the packaged GGUF on loopback, `byline serve
--workers 2` on a `chroma run` server pointed at it with BYLINE_LLM_BACKEND=openai.
Plain and streamed answers with verified citations, the same answer twice (temperature 0,
the same messages as the local path), the log-probabilities a grounding check may use,
a prompt over the server's context (503, where the local model gives 422), and the model
server dying mid-stream. Rate limits and dropped streams from endpoints
that misbehave on purpose: tests/rag/test_llm.py and tests/api/routes/test_answer.py.

The tests share one stack and run in file order; the last one kills the model server."""

from __future__ import annotations

import signal

import httpx
import openai
import pytest

from rag.model_files import ensure_gguf
from rag.settings import Settings
from tests.api.test_e2e import byline_serve, sse_events, upload_seed
from tests.conftest import SEED_FILE
from tests.processes import chroma_server, llama_cpp_server

pytestmark = pytest.mark.slow

MODEL = "byline-test-qwen"
QUESTION = "Who is NATO's Secretary General, according to the article?"
LONG_QUESTION = "What did Rutte say about Ukraine's path to NATO membership and about military aid?"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """(byline base URL, model server process, model server URL)."""
    work = tmp_path_factory.mktemp("openai-endpoint")
    gguf = ensure_gguf(Settings().cache_dir)
    with llama_cpp_server(work, gguf, MODEL) as (llama, llm_url), chroma_server(work) as (_, chroma_url):
        with byline_serve(work, chroma_url, BYLINE_LLM_BACKEND="openai", BYLINE_OPENAI_BASE_URL=llm_url,
                          OPENAI_API_KEY="unused", BYLINE_LLM_MODEL=MODEL,
                          BYLINE_MAX_QUESTION_CHARS="20000") as (base, _):
            assert upload_seed(base).status_code == 201
            yield base, llama, llm_url


def streamed(base: str, question: str, on_token=None) -> list[tuple[str, dict]]:
    seen = []
    with httpx.stream("POST", f"{base}/v1/answer", json={"question": question, "stream": True},
                      timeout=httpx.Timeout(10, read=300)) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for event in sse_events(r):
            seen.append(event)
            if event[0] == "token" and on_token:
                on_token()
    return seen


def assert_cited_from_the_article(answer: dict, body: str) -> None:
    assert not answer["abstained"] and answer["citations"] and answer["sentences"], answer
    ids = {c["id"] for c in answer["citations"]}
    for c in answer["citations"]:
        assert c["doc_id"] == SEED_FILE.name and c["quote"] and body[c["start"]:c["end"]] == c["quote"]
    for s in answer["sentences"]:
        assert s["supported"] and s["citations"] and set(s["citations"]) <= ids, s


def test_plain_and_streamed_answers_are_cited_verbatim_and_the_same(stack):
    base, _, _ = stack
    body = httpx.get(f"{base}/v1/documents/{SEED_FILE.name}").json()["body"]
    r = httpx.post(f"{base}/v1/answer", json={"question": QUESTION}, timeout=300)
    assert r.status_code == 200, r.text
    plain = r.json()
    assert plain["model"] == MODEL and "Rutte" in plain["answer"]
    assert_cited_from_the_article(plain, body)

    seen = streamed(base, QUESTION)
    kinds = [k for k, _ in seen]
    # the order check reads the passages again after the streamed reply
    assert kinds[0] == "token" and kinds[-3:] == ["checking", "answer", "done"] and set(kinds[:-3]) == {"token"}, kinds
    answer = seen[-2][1]
    assert_cited_from_the_article(answer, body)
    # temperature 0 and the same messages: the same answer, whichever worker asked
    assert (answer["answer"], answer["citations"]) == (plain["answer"], plain["citations"])
    assert "Rutte" in "".join(d["text"] for k, d in seen if k == "token")


def test_the_endpoint_gives_log_probabilities_streamed(stack):
    """What a log-probability grounding check would read: per-token logprobs, also when streamed."""
    _, _, llm_url = stack
    client = openai.OpenAI(base_url=llm_url, api_key="unused", timeout=120, max_retries=0)
    chunks = list(client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Say yes."}], max_tokens=3, temperature=0,
        logprobs=True, top_logprobs=2, stream=True))
    scored = [t for c in chunks if c.choices and c.choices[0].logprobs for t in c.choices[0].logprobs.content]
    assert scored and all(t.logprob <= 0 and len(t.top_logprobs) == 2 for t in scored)


def test_a_prompt_over_the_servers_context_is_refused_not_answered(stack):
    """llama-cpp-python's server has already answered 200 when it finds a streamed prompt over
    its context, so it just ends the stream (no finish_reason): Byline gives 503, where an
    endpoint that says 400 context_length_exceeded gives 422 (tests/rag/test_llm.py). Cheap:
    the server refuses before reading the prompt."""
    base, _, _ = stack
    question = "Who is NATO's Secretary General? " + "Say what Rutte said about NATO and Ukraine. " * 250
    r = httpx.post(f"{base}/v1/answer", json={"question": question}, timeout=120)
    assert r.status_code == 503 and r.json()["error"]["code"] == "backend_unavailable", r.text


def test_the_model_server_dying_mid_stream_ends_the_stream_with_an_error_event(stack):
    base, llama, _ = stack

    def kill_on_first_token():
        if llama.poll() is None:
            llama.send_signal(signal.SIGKILL)
            llama.wait(timeout=30)

    seen = streamed(base, LONG_QUESTION, on_token=kill_on_first_token)
    kinds = [k for k, _ in seen]
    assert kinds[0] == "token" and kinds[-1] == "error" and "answer" not in kinds, kinds
    error = seen[-1][1]
    assert error["status"] == 503 and error["error"]["code"] == "backend_unavailable", error
    assert error["error"]["message"].startswith("the model endpoint is unavailable")

    r = httpx.post(f"{base}/v1/answer", json={"question": QUESTION}, timeout=60)  # now down from the start
    assert r.status_code == 503 and r.json()["error"]["code"] == "backend_unavailable"
    assert httpx.post(f"{base}/v1/search", json={"query": "NATO"}, timeout=60).status_code == 200
