"""`python -m tests.storecheck DATA_DIR [EXPECTED_JSON]`: rag.consistency's check of an
embedded store, run in a fresh process (an embedded Chroma store must not be held open by
the test process while a `byline` subprocess writes to it). Prints the result as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.consistency import check_store
from rag.embedding import OnnxMiniLMEmbedder
from rag.store import ChromaStore, connect


def main(data_dir: str, expected_file: str | None = None) -> None:
    store = ChromaStore(connect(Path(data_dir) / "chroma"), "byline", OnnxMiniLMEmbedder.name)
    expected = json.loads(Path(expected_file).read_text(encoding="utf-8")) if expected_file else None
    got = check_store(store, expected)
    print(json.dumps({"ok": got.ok, "clean": got.clean, "articles": got.articles, "chunks": got.chunks,
                      "stale_chunks": got.stale_chunks, "problems": got.problems}))


if __name__ == "__main__":
    main(*sys.argv[1:])
