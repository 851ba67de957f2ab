"""An answer generated in a worker thread, its tokens carried to the event loop through a
queue, and rendered as Server-Sent Events: `token`*, `checking` when the model is asked
again to check what it wrote (rag.answer's second reading), then `answer` then `done`; or
an `error` event if it fails after the stream began.

The worker owns the answer slot and releases it when the thread ends, whatever happens
to the client. Once the job is cancelled (its client left, its stream ended) the next
token raises `Cancelled` inside the thread, which stops generation there. `AnswerStream`
cancels its job however the response ends, even if the body was never iterated.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable

import anyio
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from api.errors import report
from api.limits import Release
from rag.answer import OnCheck, OnToken
from rag.types import Answer

Event = tuple[str, object]  # ("token", str) | ("checking", None) | ("answer", Answer) | ("error", Exception)
PROGRESS = ("token", "checking")  # events before the outcome


class Cancelled(Exception):
    """The stream's reader is gone; stop generating."""


class ThreadedAnswer:
    def __init__(self, run: Callable[[OnToken, OnCheck], Answer]):
        self._run = run
        self._loop = asyncio.get_running_loop()
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._stop = threading.Event()
        self._task: asyncio.Task | None = None

    def start(self, release: Release) -> None:
        self._task = self._loop.create_task(self._work(release))

    async def next(self) -> Event:
        return await self._events.get()

    async def outcome(self) -> Event:
        """The final event, ("answer", Answer) or ("error", Exception), skipping the progress."""
        while True:
            event = await self.next()
            if event[0] not in PROGRESS:
                return event

    def cancel(self) -> None:
        self._stop.set()

    async def _work(self, release: Release) -> None:
        try:
            answer = await anyio.to_thread.run_sync(self._run, self._on_token, self._on_check)
            self._events.put_nowait(("answer", answer))
        except Exception as e:  # handed to the reader, which reports it
            self._events.put_nowait(("error", e))
        finally:
            release()

    def _on_token(self, piece: str) -> None:  # runs in the worker thread
        self._put(("token", piece))

    def _on_check(self) -> None:  # runs in the worker thread
        self._put(("checking", None))

    def _put(self, event: Event) -> None:
        if self._stop.is_set():
            raise Cancelled()
        self._loop.call_soon_threadsafe(self._events.put_nowait, event)


# How /docs and schemathesis see the stream: one schema per event, its data JSON in a string.
def _event(name: str, data: dict) -> dict:
    return {"type": "object", "required": ["event", "data"], "properties": {
        "event": {"const": name},
        "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": data}}}


ERROR_EVENT = {"type": "object", "required": ["error", "status"], "properties": {
    "error": {"$ref": "#/components/schemas/ErrorDetail"}, "status": {"type": "integer"},
    "retry_after": {"type": "integer", "minimum": 1}}}
OPENAPI_CONTENT = {"text/event-stream": {
    "schema": {"oneOf": [
        _event("token", {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}),
        _event("checking", {"type": "object"}),
        _event("answer", {"$ref": "#/components/schemas/AnswerOut"}),
        _event("done", {"type": "object"}),
        _event("error", ERROR_EVENT)]},
    "example": 'event: token\ndata: {"text": "Mark"}\n\nevent: token\ndata: {"text": " Rutte"}\n\n'
               'event: checking\ndata: {}\n\n'
               'event: answer\ndata: {"question": "...", "answer": "...", "citations": []}\n\n'
               'event: done\ndata: {}\n\n'}}


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def answer_events(job: ThreadedAnswer, first: Event, request_id: str) -> AsyncIterator[str]:
    """The SSE body, starting from an event already taken from the job."""
    kind, value = first
    try:
        while kind in PROGRESS:
            yield sse("token", {"text": value}) if kind == "token" else sse(kind, {})
            kind, value = await job.next()
        if kind == "answer":
            yield sse("answer", value.to_dict())
            yield sse("done", {})
        else:
            yield sse("error", error_event(value, request_id))
    finally:
        job.cancel()


class AnswerStream(StreamingResponse):
    """The SSE response of a job; the job is cancelled when the response ends, however it ends
    (a client gone before the body was iterated included)."""

    def __init__(self, job: ThreadedAnswer, first: Event, request_id: str):
        super().__init__(answer_events(job, first, request_id), media_type="text/event-stream",
                         headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.job = job

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.job.cancel()


def error_event(exc: Exception, request_id: str) -> dict:
    """The `error` event's data: the error body, its status, and `retry_after` (seconds) when
    the response would have carried a Retry-After header."""
    status, body, headers = report(exc, request_id)
    event = {**body, "status": status}
    if "Retry-After" in headers:
        event["retry_after"] = int(headers["Retry-After"])
    return event
