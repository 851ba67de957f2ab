"""Per-client rate limits (search, uploads): a token bucket per client identity.

A bucket holds up to `rate_per_min` tokens (one minute's allowance, as a burst) and
refills continuously; a request that finds it empty is refused with RateLimited (429,
with Retry-After: the seconds until a token is back). A rate of 0 turns the limit off.
Who a client is (its API key, or its address without keys) is decided in api/auth.py.
At most `max_clients` buckets are kept: the least recently seen is forgotten first (it
comes back full, as a new client would). Runs on the event loop thread: no lock needed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from rag.errors import Overloaded


class RateLimited(Overloaded):
    """This client sent more requests of one kind than its per-minute allowance."""


class RateLimiter:
    def __init__(self, what: str, rate_per_min: int, *, clock: Callable[[], float] = time.monotonic,
                 max_clients: int = 10_000):
        if rate_per_min < 0 or max_clients < 1:
            raise ValueError("need rate_per_min >= 0 and max_clients >= 1")
        self.what, self.rate_per_min, self.max_clients = what, rate_per_min, max_clients
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # identity -> (tokens, when); oldest first

    def take(self, identity: str) -> None:
        """Spend one token of `identity`'s bucket, or raise RateLimited."""
        if not self.rate_per_min:
            return
        now, per_s = self._clock(), self.rate_per_min / 60
        tokens, then = self._buckets.pop(identity, (float(self.rate_per_min), now))
        tokens = min(float(self.rate_per_min), tokens + (now - then) * per_s)
        spend = 1 if tokens >= 1 else 0
        self._buckets[identity] = (tokens - spend, now)  # re-inserted last: the most recently seen
        while len(self._buckets) > self.max_clients:
            del self._buckets[next(iter(self._buckets))]
        if not spend:
            wait = math.ceil((1 - tokens) / per_s)
            raise RateLimited(f"too many {self.what} from this client: the limit is {self.rate_per_min} a "
                              f"minute; retry in {wait} s", wait)
