"""The one place where exceptions become HTTP responses.

Every error body is `{"error": {"code": "...", "message": "..."}}`. The `rag` exception
tree maps to status codes in `STATUS` (most specific class first), transport errors of
the Chroma HTTP client in `FOREIGN`; FastAPI's request validation and Starlette's HTTP
errors get the same shape.

What the client reads is meant for the client: the message of a 4xx error (and of an
Overloaded 429/503, which we word ourselves) says what to change. A server-side failure
(model, backend, bug) gets a fixed message for its code that says what to do next, plus
the request id; its detail (paths, URLs, library messages) goes only to the log, under
that request id. Unexpected exceptions are logged with their traceback by the
request-context middleware, which answers a 500 that names only the request id.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.limits import QueueTimeout
from api.ratelimit import RateLimited
from rag.errors import (ArticleReadError, BackendBusy, BackendTimeout, BackendUnavailable, BylineError,
                        InvalidInput, ModelError, NotFound, Overloaded, PayloadTooLarge)


class Unauthorized(BylineError):
    """No API key, or not one of the configured keys."""


class Forbidden(BylineError):
    """Not served to this caller at all (a request from beyond loopback to a server without keys)."""


class BadRequest(InvalidInput):
    """The request cannot be parsed at all (malformed JSON, ...)."""


class UnsupportedMediaType(InvalidInput):
    """A body in a content type the route does not read."""


STATUS: list[tuple[type[BaseException], int, str]] = [
    (Unauthorized, 401, "unauthorized"),
    (Forbidden, 403, "forbidden"),
    (BadRequest, 400, "bad_request"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (PayloadTooLarge, 413, "payload_too_large"),
    (InvalidInput, 422, "invalid_input"),
    (ArticleReadError, 422, "unreadable_article"),
    (NotFound, 404, "not_found"),
    (QueueTimeout, 503, "queue_timeout"),
    (RateLimited, 429, "rate_limited"),
    (Overloaded, 429, "overloaded"),
    (BackendBusy, 503, "backend_busy"),  # the endpoint's 429 is not the client's fault: 503 + Retry-After
    (BackendTimeout, 504, "backend_timeout"),
    (BackendUnavailable, 503, "backend_unavailable"),
    (ModelError, 503, "model_unavailable"),
]
# Not ours, but not bugs either: a backstop for transport errors a client library lets through
# (rag.store already turns the Chroma HttpClient's into BackendUnavailable).
FOREIGN: list[tuple[type[BaseException], int, str]] = [
    (httpx.TimeoutException, 504, "backend_timeout"),
    (httpx.TransportError, 503, "backend_unavailable"),
]
INTERNAL = (500, "internal_error")

log = logging.getLogger("byline.error")
# The module that raised a backend error says which backend it was (no message text needed).
BACKENDS = {"rag.llm": "the model endpoint", "rag.embedding": "the embedding endpoint",
            "rag.store": "the document store"}
HIDDEN = {  # code -> what the client reads instead of the exception's text
    "model_unavailable": "the model could not be loaded; try again later, or ask the operator to check "
                         "the server log",
    "backend_unavailable": "{backend} is unavailable; try again later",
    "backend_timeout": "{backend} did not answer in time; try again later",
    "backend_busy": "{backend} is busy; try again after the Retry-After delay",
    "internal_error": "internal error; quote the request id when reporting it",
}


def describe(exc: BaseException, request_id: str = "") -> tuple[int, dict, dict[str, str]]:
    """(status, error body, extra headers) for an exception; nothing internal in the body."""
    status, code = next(((s, c) for cls, s, c in STATUS + FOREIGN if isinstance(exc, cls)), INTERNAL)
    if speaks_for_itself(exc, status):
        message = str(exc) or code.replace("_", " ")
    else:
        message = HIDDEN.get(code, HIDDEN["internal_error"]).format(backend=backend_of(exc))
        message += f"; request id {request_id}" if request_id else ""
    headers: dict[str, str] = {}
    if isinstance(exc, (Overloaded, BackendBusy)):
        headers["Retry-After"] = str(max(1, int(exc.retry_after)))
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="byline"'
    return status, error_body(code, message), headers


def speaks_for_itself(exc: BaseException, status: int) -> bool:
    """Whether the exception's own message is for the client (the rest is for the log)."""
    return isinstance(exc, BylineError) and (status < 500 or isinstance(exc, Overloaded))


def backend_of(exc: BaseException) -> str:
    """Which backend failed ("the document store", ...), from the innermost rag module that raised."""
    name, tb = "a backend", exc.__traceback__
    while tb is not None:
        name = BACKENDS.get(tb.tb_frame.f_globals.get("__name__"), name)
        tb = tb.tb_next
    return name


def report(exc: BaseException, request_id: str = "") -> tuple[int, dict, dict[str, str]]:
    """describe(), and log under the request id what the client is not told."""
    status, body, headers = describe(exc, request_id)
    if not speaks_for_itself(exc, status):
        extra = {"request_id": request_id, "status": status}
        if status == 500:
            log.error("internal error", exc_info=exc, extra=extra)
        else:
            log.warning("%s: %s: %s", body["error"]["code"], type(exc).__name__, exc, extra=extra)
    return status, body, headers


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(exc: BaseException, request_id: str = "") -> JSONResponse:
    status, body, headers = describe(exc, request_id)
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> tuple[int, str, str]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return 400, "bad_request", "the request body is not valid JSON"
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {_problem(e)}" for e in errors[:5]]
    return 422, "invalid_request", "; ".join(parts) or "invalid request"


def _problem(error: dict) -> str:
    if error.get("type") == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == r"\S":
        return "must not be blank"
    return error.get("msg", "invalid")


def install(app: FastAPI) -> None:
    """Register the handlers on the app (BylineError, validation errors, HTTP errors)."""

    async def on_byline(request: Request, exc: Exception) -> JSONResponse:
        status, body, headers = report(exc, getattr(request.state, "request_id", ""))
        return JSONResponse(body, status_code=status, headers=headers)

    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, message = _validation_message(exc)
        return JSONResponse(error_body(code, message), status_code=status)

    async def on_http(request: Request, exc: HTTPException) -> JSONResponse:
        code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code,
                            headers=exc.headers)

    app.add_exception_handler(BylineError, on_byline)
    app.add_exception_handler(httpx.TransportError, on_byline)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
