"""The threaded answer job and the SSE rendering, without HTTP."""

from __future__ import annotations

import json
import threading
import time

import anyio

from api.sse import AnswerStream, Cancelled, ThreadedAnswer, answer_events, sse
from rag.errors import BackendTimeout
from rag.types import Answer


def an_answer() -> Answer:
    return Answer(question="q", answer="a [1].", abstained=False, citations=[], sentences=[], model="m",
                  timings_ms={"total": 1})


def tokens_until_cancelled(stopped: threading.Event, steps: int):
    """A job body that streams a token every 10 ms for `steps` tokens and sets `stopped`
    when it is cancelled."""
    def run(on_token, on_check):
        try:
            for _ in range(steps):
                on_token("x")
                time.sleep(0.01)
        except Cancelled:
            stopped.set()
            raise
        return an_answer()
    return run


def test_sse_frames_are_json_and_safe_for_newlines():
    frame = sse("token", {"text": "two\nlines"})
    assert frame.startswith("event: token\ndata: ") and frame.endswith("\n\n") and frame.count("\n") == 3
    assert json.loads(frame.split("data: ", 1)[1]) == {"text": "two\nlines"}


def collect(run) -> tuple[list[str], list[str]]:
    released, frames = [], []

    async def main():
        job = ThreadedAnswer(run)
        job.start(lambda: released.append(threading.current_thread().name))
        async for frame in answer_events(job, await job.next(), "rid"):
            frames.append(frame)
        await anyio.sleep(0.05)

    anyio.run(main)
    return frames, released


def test_tokens_come_from_the_worker_thread_in_order_then_checking_answer_and_done():
    seen_threads = set()

    def run(on_token, on_check):
        seen_threads.add(threading.current_thread().name)
        for piece in ("a", "b", "c"):
            on_token(piece)
        on_check()
        return an_answer()

    frames, released = collect(run)
    assert [f.split("\n")[0] for f in frames] == ["event: token"] * 3 + ["event: checking", "event: answer",
                                                                          "event: done"]
    assert [json.loads(f.split("data: ")[1])["text"] for f in frames[:3]] == ["a", "b", "c"]
    assert threading.main_thread().name not in seen_threads and len(released) == 1


def test_an_error_after_tokens_is_the_last_event():
    def run(on_token, on_check):
        on_token("a")
        raise BackendTimeout("slow")

    frames, released = collect(run)
    assert frames[-1].startswith("event: error") and '"backend_timeout"' in frames[-1] and len(released) == 1


def test_cancel_makes_the_next_token_stop_the_worker():
    stopped = threading.Event()
    run = tokens_until_cancelled(stopped, 1000)

    async def main():
        released = anyio.Event()
        job = ThreadedAnswer(run)
        job.start(released.set)
        events = answer_events(job, await job.next(), "rid")
        await events.__anext__()
        await events.aclose()  # what Starlette does when the client disconnects
        with anyio.fail_after(5):
            await released.wait()

    anyio.run(main)
    assert stopped.is_set()


def test_a_stream_whose_client_left_before_it_began_still_stops_its_job():
    stopped = threading.Event()
    run = tokens_until_cancelled(stopped, 500)  # ~5 s if nobody stops it

    async def main():
        released = anyio.Event()
        job = ThreadedAnswer(run)
        job.start(released.set)
        response = AnswerStream(job, await job.next(), "rid")

        async def receive():
            return {"type": "http.disconnect"}  # gone already: Starlette cancels the body unread

        async def send(message):
            await anyio.sleep(0)  # a real server yields here: the cancellation lands before the body

        await response({"type": "http", "asgi": {"spec_version": "2.3"}}, receive, send)
        with anyio.fail_after(2):
            await released.wait()

    anyio.run(main)
    assert stopped.is_set()
