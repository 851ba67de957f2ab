"""Per-document writer locks for one process: a fixed set of striped locks, so memory
stays bounded however many documents there are. Several documents are always locked in
one order (by stripe), so two writers of overlapping batches cannot deadlock."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager


class DocLocks:
    def __init__(self, stripes: int = 64):
        if stripes < 1:
            raise ValueError("stripes must be >= 1")
        self._locks = [threading.Lock() for _ in range(stripes)]

    @contextmanager
    def holding(self, doc_ids: Iterable[str]) -> Iterator[None]:
        """Hold the locks of every given document (in stripe order) for the block."""
        stripes = sorted({hash(d) % len(self._locks) for d in doc_ids})
        with ExitStack() as stack:
            for i in stripes:
                stack.enter_context(self._locks[i])
            yield
