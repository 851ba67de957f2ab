"""Pure ASGI middleware (streaming-safe): request ids, access logs, loopback-only serving,
the body size limit.

`RequestContext` is the outermost layer: it takes `X-Request-ID` (or makes one), echoes
it on the response, writes one structured access-log line per request, and answers an
unexpected exception with a bare 500 (logged with the request id and traceback).
`LoopbackOnly` (installed when there are no API keys and no BYLINE_ALLOW_PUBLIC_BIND)
refuses with 403 any request that did not reach the server on a loopback address.
`BodyLimit` reads the request body (up to `max_bytes`) before the app sees it, so an
oversized upload gets 413 without being buffered whole.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import reached_over_loopback
from api.errors import Forbidden, error_response
from rag.errors import PayloadTooLarge

access_log = logging.getLogger("byline.access")
error_log = logging.getLogger("byline.error")
_GOOD_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def request_id_from(scope: Scope) -> str:
    given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
    return given if _GOOD_ID.match(given) else uuid.uuid4().hex


class RequestContext:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = request_id_from(scope)
        scope.setdefault("state", {})["request_id"] = rid
        started, status = time.perf_counter(), None

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            error_log.exception("unhandled error", extra={"request_id": rid})
            if status is None:
                await error_response(RuntimeError(), rid)(scope, receive, send_with_id)
        finally:
            access_log.info("%s %s %s", scope["method"], scope["path"], status, extra={
                "request_id": rid, "method": scope["method"], "path": scope["path"], "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1)})


class LoopbackOnly:
    REFUSAL = ("this server has no API keys, so it answers only requests made on its own machine; its "
               "operator can set BYLINE_API_KEYS (or BYLINE_ALLOW_PUBLIC_BIND=true to serve everyone)")

    def __init__(self, app: ASGIApp):
        self.app, self.warned = app, False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or reached_over_loopback(scope.get("server")):
            return await self.app(scope, receive, send)
        if not self.warned:  # once: the access log has every refusal
            self.warned = True
            error_log.warning("refusing requests that reach %s: no API keys are set and "
                              "BYLINE_ALLOW_PUBLIC_BIND is false", (scope.get("server") or ["?"])[0],
                              extra={"request_id": scope.get("state", {}).get("request_id", "")})
        await error_response(Forbidden(self.REFUSAL))(scope, receive, send)


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = PayloadTooLarge(f"request body over the limit of {self.max_bytes:,} bytes")
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await error_response(too_large)(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return await error_response(too_large)(scope, receive, send)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: wait for the disconnect
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)
