"""Benchmark a fresh ingest (not a test): prints numbers, asserts nothing.

    python bench/bench_ingest.py [--corpus ../shared/corpora/bbc] [--sample 1500]

1. The embedder's ceiling: chunks/s and word pieces/s of the configured embedder alone,
   on a sample of the corpus's chunks (no reading, chunking or store).
2. A fresh ingest of the whole corpus into a new temporary store, as `byline ingest` runs
   it: wall clock, articles/s, chunks/s, word pieces/s, their share of the ceiling, and
   the process's peak RSS.
3. That all text is indexed: the store is checked (every article present with one whole
   generation, each chunk's text a verbatim slice of its article) and its chunk count
   compared with what the chunker makes of the corpus.

Uses only the library's public parts, so the same file runs on an older checkout: run it
there and here back to back to compare (this machine is noisy; compare within a run).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from rag.components import Components
from rag.consistency import check_store
from rag.corpus import read_file, scan
from rag.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared/corpora/bbc")
    ap.add_argument("--sample", type=int, default=1500, help="chunks embedded for the ceiling")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        parts = Components(Settings(data_dir=Path(tmp)))
        articles = [a for path, root in scan([args.corpus]) for a in read_file(path, root)]
        texts = [c.text for a in articles for c in parts.chunker.run(a)]
        tokenizer = parts.embedder._tokenizer  # the embedder's own word pieces
        pieces = sum(len(e.ids) for e in tokenizer.encode_batch(texts))
        print(f"corpus: {len(articles)} articles, {len(texts)} chunks, {pieces} word pieces "
              f"({pieces / len(texts):.0f} per chunk)")

        sample = texts[:: max(1, len(texts) // args.sample)][:args.sample]
        sample_pieces = sum(len(e.ids) for e in tokenizer.encode_batch(sample))
        parts.embedder.embed_batch(sample[:8])  # warm
        start = time.perf_counter()
        parts.embedder.embed_batch(sample)
        s = time.perf_counter() - start
        ceiling = len(sample) / s, sample_pieces / s
        print(f"embedder alone ({parts.embedder.name}, {len(sample)} chunks): "
              f"{ceiling[0]:.1f} chunks/s, {ceiling[1]:.0f} word pieces/s")

        start = time.perf_counter()
        report = parts.ingester.run([args.corpus])
        s = time.perf_counter() - start
        rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(f"fresh ingest: {s:.1f} s, {report.added / s:.1f} articles/s, "
              f"{report.chunks / s:.1f} chunks/s ({report.chunks / s / ceiling[0]:.0%} of the ceiling), "
              f"{pieces / s:.0f} word pieces/s; peak RSS {rss_gb:.2f} GB")

        check = check_store(parts.store)
        print(f"store: {check}; chunks written {report.chunks} vs chunked {len(texts)}; "
              f"failed files {len(report.failed)}")


if __name__ == "__main__":
    main()
