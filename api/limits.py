"""The answer gate: generation is the scarce resource, so at most `concurrency` answers
run at once and at most `queue` wait for a slot. A request that finds the queue full is
refused at once (Overloaded -> 429); one that waits longer than `timeout_s` gives up
(QueueTimeout -> 503). Both carry a Retry-After estimated from recent answer times.

Everything here runs on the event loop thread, so plain counters need no lock.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import anyio

from rag.errors import Overloaded

Release = Callable[[], None]


class QueueTimeout(Overloaded):
    """Waited the longest allowed time for an answer slot without getting one."""


class AnswerGate:
    def __init__(self, concurrency: int, queue: int, timeout_s: float):
        if concurrency < 1 or queue < 0 or timeout_s <= 0:
            raise ValueError("need concurrency >= 1, queue >= 0 and timeout_s > 0")
        self.concurrency, self.queue, self.timeout_s = concurrency, queue, timeout_s
        self.active = 0
        self._waiters: deque[anyio.Event] = deque()
        self._mean_s: float | None = None  # moving average of how long an answer holds a slot

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def retry_after(self) -> int:
        """Seconds until a slot is likely free for one more request."""
        if self._mean_s is None:
            return 5
        ahead = self.active + self.waiting
        return min(300, max(1, math.ceil(self._mean_s * ahead / self.concurrency)))

    async def acquire(self) -> Release:
        """Take a slot (waiting in the queue if allowed); returns its idempotent release."""
        if self.active < self.concurrency and not self._waiters:
            self.active += 1
        elif self.waiting >= self.queue:
            raise Overloaded(f"too many answers in progress ({self.active} running, {self.waiting} waiting); "
                             "retry later", self.retry_after())
        else:
            await self._wait()
        started, released = time.monotonic(), False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                held = time.monotonic() - started
                self._mean_s = held if self._mean_s is None else 0.7 * self._mean_s + 0.3 * held
                self._hand_over()

        return release

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        release = await self.acquire()
        try:
            yield
        finally:
            release()

    async def _wait(self) -> None:
        event = anyio.Event()
        self._waiters.append(event)
        try:
            with anyio.move_on_after(self.timeout_s):
                await event.wait()
        except BaseException:  # cancelled while waiting
            if event.is_set():
                self._hand_over()  # pass on the slot we were just handed
            else:
                self._waiters.remove(event)
            raise
        if not event.is_set():
            self._waiters.remove(event)
            raise QueueTimeout(f"no answer slot became free within {self.timeout_s:g} s; retry later",
                               self.retry_after())

    def _hand_over(self) -> None:
        """Give a freed slot to the longest waiter, or return it to the pool."""
        if self._waiters:
            self._waiters.popleft().set()
        else:
            self.active -= 1
