"""Choose the fusion settings by measurement (not a test): prints numbers, asserts nothing.

    BYLINE_DATA_DIR=/tmp/bl-hybrid python bench/bench_fusion.py [--gold eval/gold/bbc.jsonl ...]

Uses the eval's own store for the gold files' corpus (run `byline eval --retrieval-only`
with the same BYLINE_DATA_DIR first, or this ingests it). Each question's dense and BM25
candidate lists are computed once; then hit@1/5/10 and MRR@10 are printed for dense only,
BM25 only and reciprocal-rank fusion over a grid of `rrf_k` x `bm25_weight`, per gold file
and their mean, with the time each retriever took.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from eval.cli import corpus_components
from eval.corpora import DEFAULT_SHARED, default_corpus
from eval.gold import load_gold
from eval.metrics import first_relevant_rank, retrieval_metrics
from rag.components import Components
from rag.embedding import embed_one
from rag.retrieval import rrf
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]
GOLD = [REPO / "eval/gold/bbc.jsonl", REPO / "eval/gold/bbc_reader.jsonl"]


def doc_of(chunk_id: str) -> str:
    return chunk_id.rsplit("#", 1)[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, action="append")
    ap.add_argument("--depth", type=int, default=50)
    args = ap.parse_args()
    golds = args.gold or GOLD
    settings = Settings()
    base = Components(settings)
    runs = {}
    for gold in golds:
        corpus = default_corpus(gold, settings.seeds_dir, DEFAULT_SHARED)
        c = corpus_components(base, corpus, with_llm=False)
        c.ingester.run(corpus)
        t = time.perf_counter()
        c.bm25.current()
        print(f"{gold.name}: store {c.settings.data_dir} ({c.store.count_chunks()} chunks); "
              f"BM25 ready in {time.perf_counter() - t:.1f} s (rebuild {c.bm25.last_build_s or 0:.1f} s)")
        items = [i for i in load_gold(gold) if i.answerable]
        lists, dense_ms, bm25_ms = [], [], []
        for item in items:
            t = time.perf_counter()
            dense = [p.chunk_id for p in c.store.query(embed_one(c.embedder, item.question), args.depth)]
            t1 = time.perf_counter()
            keyword = [cid for cid, _ in c.bm25.search(item.question, args.depth)]
            t2 = time.perf_counter()
            dense_ms.append((t1 - t) * 1000)
            bm25_ms.append((t2 - t1) * 1000)
            lists.append((item, dense, keyword))
        print(f"  p50 dense (embed + query) {statistics.median(dense_ms):.1f} ms, "
              f"BM25 {statistics.median(bm25_ms):.1f} ms, depth {args.depth}")
        runs[gold.name] = lists

    configs = [("dense", None, None), ("bm25", None, None)]
    configs += [("rrf", k, w) for k in (5, 20, 60) for w in (0.25, 0.5, 0.75, 1.0)]
    header = f"{'config':<22}" + "".join(f"{g[:18]:>34}" for g in runs) + f"{'mean':>12}"
    print(header)
    print(f"{'':<22}" + "".join(f"{'hit@1  hit@5  hit@10  MRR':>34}" for _ in runs) + f"{'hit1/MRR':>12}")
    for mode, k, w in configs:
        cells, h1s, mrrs = [], [], []
        for lists in runs.values():
            ranks = []
            for item, dense, keyword in lists:
                if mode == "dense":
                    order = dense
                elif mode == "bm25":
                    order = keyword
                else:
                    order = rrf([dense, keyword], [1.0, w], k)
                ranks.append(first_relevant_rank([doc_of(c) for c in order[:10]], item.sources))
            m = retrieval_metrics(ranks)
            cells.append(f"{m['hit_at_1']:.3f}  {m['hit_at_5']:.3f}  {m['hit_at_10']:.3f}  {m['mrr_at_10']:.3f}")
            h1s.append(m["hit_at_1"])
            mrrs.append(m["mrr_at_10"])
        name = mode if mode != "rrf" else f"rrf k={k} w={w}"
        print(f"{name:<22}" + "".join(f"{cell:>34}" for cell in cells)
              + f"{statistics.mean(h1s):>6.3f}/{statistics.mean(mrrs):.3f}")


if __name__ == "__main__":
    main()
