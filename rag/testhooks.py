"""A test-only pause point, so a crash test can SIGKILL a real process at a known step.

`BYLINE_TEST_PAUSE_AT=NAME@N` (N defaults to 1): the N-th time the process reaches the
point NAME, it prints `byline-test: paused at NAME@N` to stderr and sleeps until killed.
Unset (always, outside tests), every point is a no-op. This module is the one place
that reads the variable.
"""

from __future__ import annotations

import os
import sys
import time

ENV = "BYLINE_TEST_PAUSE_AT"


class PausePoints:
    def __init__(self, spec: str | None):
        name, _, nth = (spec or "").partition("@")
        self.name, self.nth = name, int(nth or 1)
        self._seen = 0

    @classmethod
    def from_env(cls) -> PausePoints:
        return cls(os.environ.get(ENV))

    def reach(self, name: str) -> None:
        if name != self.name:
            return
        self._seen += 1
        if self._seen == self.nth:
            print(f"byline-test: paused at {name}@{self.nth}", file=sys.stderr, flush=True)
            while True:
                time.sleep(3600)
