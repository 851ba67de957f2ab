"""Benchmark the core pipeline (not a test): prints numbers, asserts nothing.

    python bench/bench_core.py [--bbc ../shared/corpora/bbc] [--queries 100] [--asks 3]

1. ingest of the BBC corpus into a fresh temp store: seconds, articles/s, chunks/s;
   then a re-ingest (everything unchanged);
2. retrieval latency p50/p95 over N queries (BBC headlines, embed + Chroma query);
3. `ask` on the seed article with the local model: retrieve / prompt reading /
   generation / total per question, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from rag.components import Components
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEED_QUESTIONS = [
    "Who is NATO's Secretary General?",
    "Where did NATO hold its summit in 2023?",
    "What does Russia demand as conditions for peace?",
]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_ingest(c: Components, bbc: Path) -> None:
    t = time.perf_counter()
    report = c.ingester.run([bbc])
    secs = time.perf_counter() - t
    print(f"ingest   {report.summary()}; {report.chunks} chunks in {secs:.1f} s "
          f"= {report.added / secs:.1f} articles/s, {report.chunks / secs:.1f} chunks/s")
    t = time.perf_counter()
    again = c.ingester.run([bbc])
    print(f"re-ingest {again.summary()} in {time.perf_counter() - t:.1f} s")


def bench_retrieval(c: Components, bbc: Path, n: int) -> None:
    paths = sorted(bbc.rglob("*.txt"))
    queries = [p.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0] for p in paths[:: max(1, len(paths) // n)]][:n]
    c.retriever.retrieve("warm up")
    times = []
    for q in queries:
        t = time.perf_counter()
        c.retriever.retrieve(q, 5)
        times.append((time.perf_counter() - t) * 1000)
    print(f"retrieve {len(times)} queries over {c.store.count_chunks()} chunks: "
          f"p50 {pct(times, 0.5):.1f} ms, p95 {pct(times, 0.95):.1f} ms")


def bench_ask(c: Components, n: int) -> None:
    c.ingester.run([REPO / "seeds"])
    t = time.perf_counter()
    model = c.llm.model
    print(f"model load (incl. sha256 check) {time.perf_counter() - t:.1f} s: {model}")
    rows = []
    for q in SEED_QUESTIONS[:n]:
        a = c.answerer.run(q)
        t = a.timings_ms
        rows.append(t)
        print(f"ask      retrieve {t['retrieve']} ms, prompt reading {t['prompt']} ms, "
              f"generation {t['generate'] - t['prompt']} ms, total {t['total']} ms | {a.answer[:70]!r}")
    print(f"ask      mean total {statistics.mean(r['total'] for r in rows) / 1000:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bbc", type=Path, default=REPO.parent / "shared" / "corpora" / "bbc")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--asks", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        c = Components(Settings(data_dir=Path(tmp)))
        if args.bbc.is_dir():
            bench_ingest(c, args.bbc)
            bench_retrieval(c, args.bbc, args.queries)
        else:
            print(f"BBC corpus not found at {args.bbc}; skipping ingest and retrieval")
        print(f"peak RSS after ingest/retrieval {peak_rss_mb():.0f} MB")
        if args.asks:
            seed_c = Components(Settings(data_dir=Path(tmp) / "seed"))
            seed_c.embedder = c.embedder
            bench_ask(seed_c, args.asks)
            print(f"peak RSS with the local model {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
