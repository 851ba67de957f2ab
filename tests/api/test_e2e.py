"""End to end: `byline serve --workers 2` as a real process over a real `chroma run`
server, everything over loopback HTTP. The fast test uses an LLM endpoint that is down
(search must keep working); the slow one asks the real local model and reads its SSE
stream."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import SEED_FILE
from tests.processes import byline_env, byline_serving, chroma_server, free_port


@pytest.fixture
def chroma(tmp_path):
    with chroma_server(tmp_path) as pair:
        yield pair


@contextmanager
def byline_serve(tmp_path: Path, chroma_url: str, workers: int = 2, **env_overrides: str):
    """`byline serve --workers N` on a loopback port; yields (base URL, log file)."""
    port, log = free_port(), tmp_path / "serve.log"
    env = byline_env(tmp_path / "data", BYLINE_CHROMA_URL=chroma_url, **env_overrides)
    with byline_serving(port, workers, env, log, 900) as (base, _):
        yield base, log


def upload_seed(base: str) -> httpx.Response:
    return httpx.post(f"{base}/v1/documents", timeout=120,
                      files={"file": (SEED_FILE.name, SEED_FILE.read_bytes(), "text/plain")})


def test_two_workers_on_a_chroma_server_with_the_llm_down(tmp_path, chroma):
    chroma_proc, chroma_url = chroma
    dead_llm = f"http://127.0.0.1:{free_port()}/v1"
    with byline_serve(tmp_path, chroma_url, BYLINE_LLM_BACKEND="openai", BYLINE_OPENAI_BASE_URL=dead_llm,
                      BYLINE_LLM_MODEL="some-model", BYLINE_LLM_MAX_RETRIES="0") as (base, log):
        assert upload_seed(base).status_code == 201
        assert [upload_seed(base).json()["unchanged"] for _ in range(4)] == [1] * 4  # whichever worker answers
        for _ in range(6):
            r = httpx.post(f"{base}/v1/search", json={"query": "NATO foreign ministers", "top_k": 2})
            assert r.status_code == 200 and r.json()["results"][0]["doc_id"] == SEED_FILE.name
        for stream in (False, True):
            r = httpx.post(f"{base}/v1/answer", json={"question": "Who is NATO's chief?", "stream": stream},
                           headers={"X-Request-ID": f"dead-llm-{stream}"}, timeout=60)
            assert r.status_code == 503 and r.json()["error"]["message"] == (
                f"the model endpoint is unavailable; try again later; request id dead-llm-{stream}")
            assert r.headers["X-Request-ID"] == f"dead-llm-{stream}"
        chroma_proc.terminate()
        chroma_proc.wait(timeout=30)
        r = httpx.post(f"{base}/v1/search", json={"query": "NATO"}, timeout=60)
        assert r.status_code == 503 and r.json()["error"]["code"] == "backend_unavailable"
        assert r.json()["error"]["message"].startswith("the document store is unavailable; try again later")
        ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 503 and ready.json()["parts"]["store"] == "unavailable"
        assert httpx.get(f"{base}/healthz").status_code == 200
    lines = log.read_text(errors="replace").splitlines()
    assert sum("Started server process" in line for line in lines) >= 2
    access = [json.loads(line) for line in lines if line.startswith("{") and '"byline.access"' in line]
    assert {"request_id": "dead-llm-False", "method": "POST", "path": "/v1/answer", "status": 503}.items() \
        <= next(a for a in access if a["request_id"] == "dead-llm-False").items()
    errors = [json.loads(line) for line in lines if line.startswith("{") and '"byline.error"' in line]
    assert any(e.get("request_id") == "dead-llm-False" and "cannot reach the LLM endpoint" in e["message"]
               for e in errors), errors  # the detail the client was not told is in the log


def sse_events(response: httpx.Response):
    event = None
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            yield event, json.loads(line[6:])


@pytest.mark.slow
def test_real_model_streams_a_cited_answer_through_two_workers(tmp_path, chroma):
    _, chroma_url = chroma
    with byline_serve(tmp_path, chroma_url) as (base, _):
        assert upload_seed(base).status_code == 201
        body = httpx.get(f"{base}/v1/documents/{SEED_FILE.name}").json()["body"]
        seen = []
        with httpx.stream("POST", f"{base}/v1/answer", timeout=600,
                          json={"question": "Who is the head of NATO quoted in the article?"},
                          headers={"Accept": "text/event-stream"}) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            seen = list(sse_events(r))
        kinds = [k for k, _ in seen]
        assert kinds[0] == "token" and kinds[-2:] == ["answer", "done"], kinds
        answer = seen[-2][1]
        assert not answer["abstained"] and "Rutte" in answer["answer"], answer
        assert answer["citations"]
        for c in answer["citations"]:
            assert c["quote"] in SEED_FILE.read_text(encoding="utf-8")
            assert body[c["start"]:c["end"]] == c["quote"]
        streamed = "".join(d["text"] for k, d in seen if k == "token")
        assert "Rutte" in streamed
        r = httpx.post(f"{base}/v1/answer", timeout=600,
                       json={"question": "How many fighter jets did Germany promise to deliver to Ukraine?"})
        assert r.status_code == 200 and r.json()["abstained"] and r.json()["citations"] == []
