"""The one place where exceptions become HTTP responses.

Every error body is `{"error": {"code": "...", "message": "..."}}`. The `rag` exception
tree maps to status codes in `STATUS` (most specific class first), transport errors of
the Chroma HTTP client in `FOREIGN`; FastAPI's request validation and Starlette's HTTP
errors get the same shape. Anything else is a bug: the request-context middleware logs
it with the request id and answers a 500 that names only that id.
"""

from __future__ import annotations

from http import HTTPStatus

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from api.limits import QueueTimeout
from rag.errors import (ArticleReadError, BackendTimeout, BackendUnavailable, BylineError, InvalidInput,
                        ModelError, NotFound, Overloaded, PayloadTooLarge)


class Unauthorized(BylineError):
    """No API key, or not one of the configured keys."""


class BadRequest(InvalidInput):
    """The request cannot be parsed at all (malformed JSON, ...)."""


class UnsupportedMediaType(InvalidInput):
    """A body in a content type the route does not read."""


STATUS: list[tuple[type[BaseException], int, str]] = [
    (Unauthorized, 401, "unauthorized"),
    (BadRequest, 400, "bad_request"),
    (UnsupportedMediaType, 415, "unsupported_media_type"),
    (PayloadTooLarge, 413, "payload_too_large"),
    (InvalidInput, 422, "invalid_input"),
    (ArticleReadError, 422, "unreadable_article"),
    (NotFound, 404, "not_found"),
    (QueueTimeout, 503, "queue_timeout"),
    (Overloaded, 429, "overloaded"),
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


def describe(exc: BaseException, request_id: str = "") -> tuple[int, dict, dict[str, str]]:
    """(status, error body, extra headers) for an exception; unknown ones say nothing inside."""
    status, code = next(((s, c) for cls, s, c in STATUS + FOREIGN if isinstance(exc, cls)), INTERNAL)
    if isinstance(exc, BylineError):
        message = str(exc) or code.replace("_", " ")
    elif status != 500:
        message = f"a backend (the Chroma server) failed: {exc or type(exc).__name__}"
    else:
        message = f"internal error; quote request id {request_id} when reporting it"
    headers: dict[str, str] = {}
    if isinstance(exc, Overloaded):
        headers["Retry-After"] = str(max(1, int(exc.retry_after)))
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="byline"'
    return status, error_body(code, message), headers


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
        return error_response(exc, getattr(request.state, "request_id", ""))

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
