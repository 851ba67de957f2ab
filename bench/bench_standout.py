"""Choose BYLINE_BM25_STANDOUT by measurement (not a test): prints numbers, asserts nothing.

    BYLINE_DATA_DIR=/tmp/bl-eval python bench/bench_standout.py [--ratio 0 1.2 1.3 ...]

For each ratio, the hybrid retriever (the default settings otherwise) answers every
answerable item of the BBC gold files on the BBC store and of the seed files on a store of
the seed article plus BBC (the issue 8 goal: seed questions as well answered there as on
the seed alone); hit@1 and MRR@10 of the gold source's article are printed per file. A
ratio puts a BM25 hit first when its score is at least that many times the next one's; 0
is plain fusion. Uses the eval's stores under BYLINE_DATA_DIR (ingests them if missing).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.corpora import DEFAULT_SHARED, eval_settings
from eval.gold import load_gold
from eval.metrics import first_relevant_rank, retrieval_metrics
from rag.components import Components
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]
BBC = ["bbc", "bbc_reader", "bbc_heldout", "bbc_heldout2", "bbc_heldout3", "bbc_heldout4", "bbc_heldout5"]
SEED = ["seed", "seed_reader"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ratio", type=float, nargs="+", default=[0.0, 1.1, 1.2, 1.3, 1.4, 1.5, 2.0])
    args = ap.parse_args()
    settings = Settings()
    bbc = DEFAULT_SHARED / "corpora" / "bbc"
    files = [(REPO / f"eval/gold/{g}.jsonl", [bbc]) for g in BBC]
    files += [(REPO / f"eval/gold/{g}.jsonl", [settings.seeds_dir, bbc]) for g in SEED]
    print(f"{'ratio':>6}  " + "  ".join(f"{f.stem.replace('bbc_', ''):>14}" for f, _ in files)
          + "   (hit@1/MRR@10; seed files on seed + BBC)")
    for ratio in args.ratio:
        cells, stores = [], {}
        for gold, corpus in files:
            key = tuple(map(str, corpus))
            if key not in stores:
                stores[key] = Components(eval_settings(settings, corpus).model_copy(update={"bm25_standout": ratio}))
                stores[key].ingester.run(corpus)
            c = stores[key]
            ranks = [first_relevant_rank([p.doc_id for p in c.retriever.retrieve(item.question, 10)], item.sources)
                     for item in load_gold(gold) if item.answerable]
            m = retrieval_metrics(ranks)
            cells.append(f"{m['hit_at_1']:.3f}/{m['mrr_at_10']:.3f}")
        print(f"{ratio:>6}  " + "  ".join(f"{c:>14}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
