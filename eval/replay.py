"""Record and replay the model's replies, so a change after the model (verification,
parsing, scoring) is measured on the whole gold set in seconds instead of an hour.

A reply is keyed by everything that determines it: the model's name, the chat messages,
the answer-token limit, the temperature, the prompt it follows up, if any, and, for the
local model, the instruction sets llama.cpp was built for (another build's arithmetic
changes some replies). The local model gives one prompt one reply (rag.llm evaluates
every prompt the same way), so a replayed reply is the reply the model would give; a
changed prompt (another passage, another prompt text) is a new key and goes to the model.
Latency measured on replayed items is not the model's: the report says so.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from rag.llm import LLM


class ReplayLLM:
    def __init__(self, inner: LLM, folder: Path):
        self.inner = inner
        self.model = inner.model
        self.folder = folder
        self.replayed = 0
        self.recorded = 0
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, messages: list[dict], max_tokens: int, temperature: float,
              after: list[dict] | None = None) -> Path:
        shape = [self.model, messages, max_tokens, temperature] + ([after] if after else [])
        build = getattr(self.inner, "build", "")  # a local backend's; a remote one's is unknown
        shape += [{"build": build}] if build else []
        key = json.dumps(shape, sort_keys=True, ensure_ascii=False)
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float,
               after: list[dict] | None = None) -> Iterator[str]:
        path = self._path(messages, max_tokens, temperature, after)
        if path.exists():
            self.replayed += 1
            yield json.loads(path.read_text(encoding="utf-8"))["reply"]
            return
        pieces = []
        for piece in self.inner.stream(messages, max_tokens=max_tokens, temperature=temperature, after=after):
            pieces.append(piece)
            yield piece
        tmp = path.with_suffix(f".{os.getpid()}.tmp")  # a reply is recorded whole or not at all
        tmp.write_text(json.dumps({"model": self.model, "reply": "".join(pieces)}, ensure_ascii=False),
                       encoding="utf-8")
        tmp.replace(path)
        self.recorded += 1
