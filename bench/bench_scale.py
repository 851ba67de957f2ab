"""Retrieval at scale on a synthetic store (not a test): prints numbers, asserts nothing.

    python bench/bench_scale.py [--chunks 100000] [--queries 200] [--bbc ../shared/corpora/bbc]

Synthetic chunks are 5 sentences each, drawn at random from the BBC corpus's sentences,
10 chunks to an article. Embedding 100,000 chunks would take the MiniLM embedder ~15 min
alone on 2 free cores, so by default a pool of `--pool` sentences is embedded for real and
each chunk's vector is the normalised mean of its sentences' vectors (realistic
neighbourhoods for the HNSW index, none of the cost); the embedder's own rate is measured
on the pool and reported beside it. `--embed-all` embeds every chunk instead.

Reports: store write rate (Chroma, through ChromaStore.write), BM25 build and load time,
disk size of both, resident memory added by loading each index, and p50/p95 latency for
dense (Chroma query), BM25 and fused retrieval (each with the question's embedding, which
is timed on its own too).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.bm25 import Bm25Search
from rag.embedding import OnnxMiniLMEmbedder, embed_one
from rag.retrieval import HybridRetriever
from rag.store import ArticleWrite, ChromaStore, connect
from rag.types import Article, Chunk

REPO = Path(__file__).resolve().parents[1]
SENTENCE = re.compile(r"[^.!?\n]{30,300}[.!?]")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def disk_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Timer:
    def __enter__(self):
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.s = time.perf_counter() - self.t


def sentences(bbc: Path) -> list[str]:
    out = []
    for path in sorted(bbc.rglob("*.txt")):
        out += [m.group(0).strip() for m in SENTENCE.finditer(path.read_text(encoding="utf-8", errors="replace"))]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--pool", type=int, default=4000, help="sentences embedded for real")
    ap.add_argument("--embed-all", action="store_true", help="embed every chunk (slow)")
    ap.add_argument("--bbc", type=Path, default=REPO.parent / "shared" / "corpora" / "bbc")
    ap.add_argument("--write-batch", type=int, default=128, help="chunks per store write (ingest uses 128)")
    ap.add_argument("--keep", type=Path, help="build the store here and keep it (default: a temp dir)")
    args = ap.parse_args()
    started = time.perf_counter()
    rng = random.Random(7)
    all_sentences = sentences(args.bbc)
    pool = rng.sample(all_sentences, min(args.pool, len(all_sentences)))
    print(f"{len(all_sentences)} BBC sentences; pool of {len(pool)}; {args.chunks} chunks of 5 sentences")

    embedder = OnnxMiniLMEmbedder()
    with Timer() as t:
        pool_vecs = np.asarray(embedder.embed_batch(pool), dtype=np.float32)
    pieces = sum(len(embedder.word_pieces(s)) for s in pool)
    print(f"embedder: {len(pool) / t.s:.0f} sentences/s, {pieces / t.s:.0f} word pieces/s "
          f"(~{args.chunks * 5 * pieces / len(pool) / (pieces / t.s) / 60:.0f} min to embed {args.chunks} chunks)")

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="byline-scale-"))
    store = ChromaStore(connect(workdir / "chroma"), "scale", embedder.name)
    per_article = 10
    written, write_s, embed_s = 0, 0.0, 0.0
    rss0 = rss_mb()
    pending: list[ArticleWrite] = []

    def flush() -> None:
        nonlocal written, write_s
        with Timer() as t:
            store.write(pending)
        write_s += t.s
        before, written = written, written + sum(len(w.chunks) for w in pending)
        pending.clear()
        if written // 20_000 > before // 20_000:
            print(f"  {written} chunks written, {written / write_s:.0f} chunks/s to the store")

    for a in range(0, args.chunks, per_article):
        picks = [[rng.randrange(len(pool)) for _ in range(5)] for _ in range(min(per_article, args.chunks - a))]
        texts = [" ".join(pool[i] for i in p) for p in picks]
        body, chunks, pos = "", [], 0
        for n, text in enumerate(texts):
            chunks.append(Chunk(f"a{a // per_article}", n, text, pos, pos + len(text)))
            body += text + "\n"
            pos += len(text) + 1
        if args.embed_all:
            t0 = time.perf_counter()
            vecs = embedder.embed_batch(texts)
            embed_s += time.perf_counter() - t0
        else:
            mean = np.stack([pool_vecs[p].mean(axis=0) for p in picks])
            vecs = (mean / np.linalg.norm(mean, axis=1, keepdims=True)).tolist()
        article = Article(doc_id=f"a{a // per_article}", title=f"Article {a // per_article}", body=body,
                          source=rng.choice(["bbc", "reuters", "ap"]))
        pending.append(ArticleWrite(article, chunks, vecs))
        if sum(len(w.chunks) for w in pending) >= args.write_batch:
            flush()
    if pending:
        flush()
    print(f"store: {written} chunks in {write_s:.0f} s = {written / write_s:.0f} chunks/s "
          f"(through ChromaStore.write, {args.write_batch} chunks a call as ingest batches them)"
          + (f"; embedding {embed_s:.0f} s" if args.embed_all else ""))
    print(f"  RSS +{rss_mb() - rss0:.0f} MB while writing; Chroma on disk {disk_mb(workdir / 'chroma'):.0f} MB")

    bm25 = Bm25Search(store, workdir / "bm25")
    rss1 = rss_mb()
    with Timer() as t:
        bm25.current()
    print(f"BM25 build from the store: {t.s:.1f} s ({bm25.last_build_s:.1f} s reading + indexing), "
          f"RSS +{rss_mb() - rss1:.0f} MB, on disk {disk_mb(workdir / 'bm25'):.0f} MB")
    bm25 = Bm25Search(store, workdir / "bm25")
    rss2 = rss_mb()
    with Timer() as t:
        bm25.current()
    print(f"BM25 load from disk (another worker): {t.s:.2f} s, RSS +{rss_mb() - rss2:.0f} MB")

    queries = [" ".join(s.split()[: max(4, len(s.split()) // 2)]) for s in rng.sample(all_sentences, args.queries)]
    vectors = {}
    embed_ms = []
    for q in queries:
        t0 = time.perf_counter()
        vectors[q] = embed_one(embedder, q)
        embed_ms.append((time.perf_counter() - t0) * 1000)
    rss3 = rss_mb()
    store.query(vectors[queries[0]], 10)
    print(f"first dense query (HNSW index loaded): RSS +{rss_mb() - rss3:.0f} MB")
    hybrid = HybridRetriever(store, embedder, bm25, 10)
    timings: dict[str, list[float]] = {"embed question": embed_ms, "dense (query only)": [],
                                       "BM25": [], "fused (embed + both + fetch)": []}
    for q in queries:
        t0 = time.perf_counter()
        store.query(vectors[q], 50)
        t1 = time.perf_counter()
        bm25.search(q, 50)
        t2 = time.perf_counter()
        hybrid.retrieve(q, 10)
        t3 = time.perf_counter()
        timings["dense (query only)"].append((t1 - t0) * 1000)
        timings["BM25"].append((t2 - t1) * 1000)
        timings["fused (embed + both + fetch)"].append((t3 - t2) * 1000)
    print(f"retrieval over {written} chunks, {len(queries)} queries, depth 50, top 10:")
    for name, values in timings.items():
        print(f"  {name:<30} p50 {statistics.median(values):7.1f} ms   p95 {pct(values, 0.95):7.1f} ms")
    print(f"total bench time {time.perf_counter() - started:.0f} s; store at {workdir}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
