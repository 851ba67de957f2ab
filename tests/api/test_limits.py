"""The answer gate: unit tests of its rules, then N parallel answers against a real
uvicorn server with a slow scripted LLM (mechanics; no real model)."""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import httpx
import pytest

from api.app import create_app
from api.limits import AnswerGate, QueueTimeout
from rag.errors import Overloaded
from tests.api.conftest import ScriptedLLM, server_in_thread

QUESTION = {"question": "Who is NATO's Secretary General?"}


def test_gate_runs_up_to_concurrency_queues_then_refuses():
    async def main():
        gate = AnswerGate(concurrency=2, queue=1, timeout_s=5)
        first, second = await gate.acquire(), await gate.acquire()
        assert (gate.active, gate.waiting) == (2, 0)
        got = []

        async def third():
            release = await gate.acquire()
            got.append("third")
            release()

        async with anyio.create_task_group() as tg:
            tg.start_soon(third)
            await anyio.wait_all_tasks_blocked()
            assert gate.waiting == 1
            with pytest.raises(Overloaded) as refused:
                await gate.acquire()
            assert not isinstance(refused.value, QueueTimeout) and refused.value.retry_after >= 1
            first()
            first()  # releasing twice frees one slot only
        assert got == ["third"] and (gate.active, gate.waiting) == (1, 0)
        second()
        assert gate.active == 0

    anyio.run(main)


def test_waiting_too_long_is_a_queue_timeout_and_leaves_no_trace():
    async def main():
        gate = AnswerGate(concurrency=1, queue=3, timeout_s=0.2)
        release = await gate.acquire()
        started = time.monotonic()
        with pytest.raises(QueueTimeout) as timed_out:
            await gate.acquire()
        assert 0.15 < time.monotonic() - started < 2 and timed_out.value.retry_after >= 1
        assert (gate.active, gate.waiting) == (1, 0)
        release()
        async with gate.slot():
            assert gate.active == 1
        assert gate.active == 0

    anyio.run(main)


def test_waiters_are_served_in_order_and_cancelled_waiters_give_up_their_place():
    async def main():
        gate = AnswerGate(concurrency=1, queue=5, timeout_s=5)
        release = await gate.acquire()
        order = []

        async def waiter(name):
            async with gate.slot():
                order.append(name)

        async with anyio.create_task_group() as tg:
            for name in ("a", "b"):
                tg.start_soon(waiter, name)
                await anyio.wait_all_tasks_blocked()
            with anyio.CancelScope() as doomed:
                doomed.cancel()
                await gate.acquire()  # cancelled while queued
            assert gate.waiting == 2
            release()
        assert order == ["a", "b"] and gate.active == 0

    anyio.run(main)


def test_retry_after_grows_with_the_backlog():
    gate = AnswerGate(concurrency=1, queue=0, timeout_s=1)
    assert gate.retry_after() == 5  # nothing measured yet
    gate._mean_s, gate.active = 4.0, 1
    assert gate.retry_after() == 4


@pytest.fixture
def slow_server(settings, api_components, seeded):
    """A real uvicorn server: 1 answer at a time, 1 waiting, answers take ~1 s."""
    def start(llm: ScriptedLLM, queue: int, timeout_s: float):
        api_components.llm = llm
        app = create_app(settings.model_copy(update={"answer_concurrency": 1, "answer_queue": queue,
                                                      "answer_queue_timeout_s": timeout_s}),
                         components=api_components)
        return server_in_thread(app)
    return start


def parallel_answers(base: str, n: int, stream: bool = False) -> list[httpx.Response]:
    def ask(_):
        return httpx.post(f"{base}/v1/answer", json={**QUESTION, "stream": stream}, timeout=60)
    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(ask, range(n)))


@pytest.mark.parametrize("stream", [False, True])
def test_parallel_answers_beyond_the_queue_get_429_with_retry_after(slow_server, stream):
    with slow_server(ScriptedLLM(delay_s=0.05), queue=1, timeout_s=30) as base:
        responses = parallel_answers(base, 6, stream)
        statuses = sorted(r.status_code for r in responses)
        assert set(statuses) <= {200, 429} and statuses.count(200) >= 2 and statuses.count(429) >= 1, statuses
        for r in responses:
            if r.status_code == 429:
                assert int(r.headers["Retry-After"]) >= 1 and r.json()["error"]["code"] == "overloaded"
            elif stream:
                assert "event: answer" in r.text and "event: done" in r.text
            else:
                assert r.json()["citations"]
        assert httpx.get(f"{base}/healthz").status_code == 200
        assert httpx.post(f"{base}/v1/answer", json=QUESTION, timeout=60).status_code == 200  # no slot leaked


def test_waiting_past_the_queue_timeout_is_503_with_retry_after(slow_server):
    with slow_server(ScriptedLLM(delay_s=0.15), queue=4, timeout_s=0.4) as base:
        responses = parallel_answers(base, 4)
        statuses = sorted(r.status_code for r in responses)
        assert statuses.count(200) == 1 and set(statuses) == {200, 503}, statuses
        for r in responses:
            if r.status_code == 503:
                assert r.json()["error"]["code"] == "queue_timeout" and int(r.headers["Retry-After"]) >= 1
        assert httpx.get(f"{base}/readyz").status_code == 200
        assert httpx.post(f"{base}/v1/answer", json=QUESTION, timeout=60).status_code == 200


def test_search_is_not_gated(slow_server):
    with slow_server(ScriptedLLM(delay_s=0.2), queue=0, timeout_s=30) as base:
        with ThreadPoolExecutor(1) as pool:
            busy = pool.submit(httpx.post, f"{base}/v1/answer", json=QUESTION, timeout=60)
            time.sleep(0.5)
            assert httpx.post(f"{base}/v1/answer", json=QUESTION).status_code == 429
            started = time.monotonic()
            assert httpx.post(f"{base}/v1/search", json={"query": "NATO"}).status_code == 200
            assert time.monotonic() - started < 1.5
            assert busy.result().status_code == 200


def test_a_client_leaving_a_stream_stops_generation_and_frees_the_slot(slow_server):
    llm = ScriptedLLM(delay_s=0.2)
    with slow_server(llm, queue=0, timeout_s=30) as base:
        with httpx.stream("POST", f"{base}/v1/answer", json={**QUESTION, "stream": True}, timeout=30) as r:
            assert r.status_code == 200
            next(r.iter_lines())  # the first token arrived; now hang up
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            answer = httpx.post(f"{base}/v1/answer", json=QUESTION, timeout=60)
            if answer.status_code == 200:
                break
            time.sleep(0.1)
        assert answer.status_code == 200
        total_words = len(answer.json()["sentences"][0]["text"].split()) + 1
        assert llm.words_sent < 2 * total_words  # the first answer was cut short


def hang_up_after_sending(base: str, body: dict, wait_s: float) -> None:
    """Send a request on a raw connection, wait, then close it without reading anything."""
    host, port = base.removeprefix("http://").split(":")
    data = json.dumps(body).encode()
    with socket.create_connection((host, int(port))) as s:
        s.sendall(b"POST /v1/answer HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n%s" % (host.encode(), len(data), data))
        time.sleep(wait_s)


def first_served_within(base: str, body: dict, seconds: float) -> float | None:
    """Seconds until an answer request gets a slot (200), or None if it kept getting 429."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        with httpx.stream("POST", f"{base}/v1/answer", json={**body, "stream": True}, timeout=30) as r:
            if r.status_code == 200:
                return time.monotonic() - started
            assert r.status_code == 429
        time.sleep(0.1)
    return None


@pytest.mark.parametrize("stream", [True, False])
def test_a_client_leaving_before_the_first_token_frees_the_slot(slow_server, stream):
    # the model reads its prompt for 1 s, then writes a word every 3 s: 10 s or more an answer
    llm = ScriptedLLM(first_delay_s=1.0, delay_s=3.0)
    with slow_server(llm, queue=0, timeout_s=30) as base:
        hang_up_after_sending(base, {**QUESTION, "stream": stream}, wait_s=0.5)
        # the slot is free from the first word on (t = 1 s); the next answer's first word comes 1 s later
        waited = first_served_within(base, QUESTION, seconds=3)
        assert waited is not None, "the slot stayed taken by a client that had left"
        assert llm.calls == 2 and llm.words_sent <= 3  # the first answer stopped at its first word


def test_a_client_leaving_the_queue_gives_up_its_place(slow_server):
    llm = ScriptedLLM(first_delay_s=1.0, delay_s=0.05)  # ~1.2 s an answer
    with slow_server(llm, queue=1, timeout_s=30) as base:
        with ThreadPoolExecutor(1) as pool:
            busy = pool.submit(httpx.post, f"{base}/v1/answer", json=QUESTION, timeout=60)
            time.sleep(0.4)  # the first request holds the slot
            hang_up_after_sending(base, QUESTION, wait_s=0.3)  # queued, then gone
            time.sleep(0.2)
            assert busy.result().status_code == 200
        assert httpx.post(f"{base}/v1/answer", json=QUESTION, timeout=60).status_code == 200
        assert llm.calls == 2  # the queued request of the client that left never generated
