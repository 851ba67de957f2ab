"""Progress for long eval steps, on stderr: a tqdm bar on a terminal, plain lines in logs."""

from __future__ import annotations

import sys
import time


class Progress:
    """A tqdm bar on a terminal; elsewhere (CI logs) a plain line about every tenth step."""

    def __init__(self, desc: str, unit: str):
        self.desc, self.unit = desc, unit
        self.bar, self.total, self.done, self.t0 = None, 0, 0, time.perf_counter()

    def start(self, total: int) -> None:
        self.total, self.done, self.t0 = total, 0, time.perf_counter()
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=self.desc, unit=self.unit, file=sys.stderr)

    def tick(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
        elif self.done % max(1, self.total // 10) == 0 or self.done == self.total:
            print(f"{self.desc}: {self.done}/{self.total} {self.unit}s, {time.perf_counter() - self.t0:.0f} s",
                  file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
