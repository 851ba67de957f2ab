"""Benchmark onnxruntime's graph optimisation levels for the default embedder (not a test):
prints texts/s per level and how far the vectors differ, asserts nothing.

The int8 all-MiniLM-L6-v2 runs as Byline runs it (rag.embedding.OnnxMiniLMEmbedder: one
text per run, one thread per run, a run on every core), over 100-word pieces of BBC
articles, the levels taking turns for --rounds rounds so a noisy machine hits them alike.

    PYTHONPATH=. python bench/bench_onnx_levels.py [--texts 600] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from rag.embedding import OnnxMiniLMEmbedder

REPO = Path(__file__).resolve().parents[1]
LEVELS = ("basic", "extended", "all")


def bbc_texts(folder: Path, n: int) -> list[str]:
    texts = []
    for f in sorted(folder.rglob("*.txt")):
        words = f.read_text(encoding="utf-8", errors="replace").split()
        texts += [" ".join(words[i:i + 100]) for i in range(0, max(0, len(words) - 100), 90)]
        if len(texts) >= n:
            break
    return texts[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bbc", type=Path, default=REPO.parent / "shared/corpora/bbc")
    ap.add_argument("--texts", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    texts = bbc_texts(args.bbc, args.texts)
    embedders = {level: OnnxMiniLMEmbedder(graph_level=level) for level in LEVELS}
    for e in embedders.values():
        e.embed_batch(texts[:20])  # warm up
    rates: dict[str, list[float]] = {level: [] for level in LEVELS}
    vectors = {}
    for _ in range(args.rounds):
        for level, e in embedders.items():
            t = time.perf_counter()
            vectors[level] = np.asarray(e.embed_batch(texts))
            rates[level].append(len(texts) / (time.perf_counter() - t))
    print(f"{len(texts)} texts of 100 words, {args.rounds} rounds, levels by turns")
    for level in LEVELS:
        diff = np.abs(vectors[level] - vectors["all"]).max()
        print(f"{level:9} texts/s {' '.join(f'{r:6.1f}' for r in rates[level])}   median {np.median(rates[level]):6.1f}"
              f"   max |vector - all's| {diff:.1e}")


if __name__ == "__main__":
    main()
