"""Stop waiting on behalf of a client that has hung up.

Starlette does not cancel an endpoint when its client disconnects; a request waiting for
an answer slot or for the model's first word would wait on, and the answer would be
generated for nobody. `unless_gone` races the work against the client's disconnect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio
from fastapi import Request

T = TypeVar("T")
CLIENT_GONE = 499  # nobody reads it; the access log records that the client left first


async def unless_gone(request: Request, work: Callable[[], Awaitable[T]]) -> T | None:
    """`await work()`; None if the client disconnected first (work is then cancelled).
    Exceptions of `work` propagate unchanged. Call it after the request body was read."""
    outcome: list[tuple[bool, object]] = []

    async def run() -> None:
        try:
            outcome.append((True, await work()))
        except Exception as e:  # re-raised below, outside the task group (no ExceptionGroup)
            outcome.append((False, e))
        tg.cancel_scope.cancel()

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        while (await request.receive())["type"] != "http.disconnect":
            pass
        tg.cancel_scope.cancel()
    if not outcome:
        return None
    done, value = outcome[0]
    if not done:
        raise value
    return value
