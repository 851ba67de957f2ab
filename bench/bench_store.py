"""Benchmark the store's generation bookkeeping (not a test): prints numbers, asserts nothing.

    python bench/bench_store.py --data-dir DIR [--collection byline] [--queries 200] [--k 10]

On an existing embedded store (e.g. one `byline eval` built over BBC): the latency of
`ChromaStore.query` (nearest chunks, then keeping only current generations, which costs
a look-up of the hits' article records) against a bare Chroma query of the same k
(what readers got before generations); then the time of `chunks()` (what a BM25
rebuild reads), `sweep()` (what every `byline ingest` runs) and `check_store`.
Works on a copy: point it at a copy of the store, not at one a process is using.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rag.consistency import check_store
from rag.embedding import OnnxMiniLMEmbedder
from rag.store import ChromaStore, connect


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--collection", default="byline")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--k", type=int, default=10)
    args = ap.parse_args()
    embedder = OnnxMiniLMEmbedder()
    store = ChromaStore(connect(args.data_dir / "chroma"), args.collection, embedder.name)
    print(f"store: {store.count()} articles, {store.count_chunks()} chunks")
    titles = [r.body.split("\n", 1)[0] for r, _ in zip(store.records(), range(args.queries), strict=False)]
    vectors = embedder.embed_batch(titles)
    for label, run in (("bare Chroma query", lambda v: store._chunks.query(
            query_embeddings=[list(v)], n_results=args.k, include=["documents", "metadatas", "distances"])),
                       ("store.query (current generations only)", lambda v: store.query(v, args.k))):
        for v in vectors[:5]:
            run(v)  # warm
        ms = [timed(lambda v=v: run(v))[0] for v in vectors]
        print(f"{label}, k={args.k}, {len(ms)} queries: p50 {statistics.median(ms):.1f} ms, "
              f"p95 {pct(ms, 0.95):.1f} ms")
    ms, n = timed(lambda: sum(1 for _ in store.chunks()))
    print(f"chunks(): {n} current chunks in {ms:.0f} ms")
    ms, removed = timed(store.sweep)
    print(f"sweep(): {removed} stale chunks removed in {ms:.0f} ms")
    ms, got = timed(lambda: check_store(store))
    print(f"check_store: {got} in {ms:.0f} ms")


if __name__ == "__main__":
    main()
