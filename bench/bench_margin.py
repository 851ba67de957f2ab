"""How the article margin shapes what the model reads (prints numbers, needs no model):

    BYLINE_DATA_DIR=/tmp/bl-eval python bench/bench_margin.py eval/gold/bbc.jsonl eval/gold/bbc_reader.jsonl

For each gold file (against the eval's own store of its corpus, ingested by `byline eval`
if missing) and each margin of rag.retrieval.diverse (BYLINE_ARTICLE_MARGIN; "none" keeps a
slot for a second article always): how many answerable items have their gold string in the
passages' text, and how many multi-article items have every gold source among the passages.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.corpora import DEFAULT_SHARED, default_corpus, eval_settings
from eval.gold import load_gold
from eval.matching import mentions_any
from rag.answer import select
from rag.components import Components
from rag.settings import Settings

MARGINS = (None, 0.05, 0.10, 0.15, 0.20, 0.30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", nargs="+", type=Path)
    args = ap.parse_args()
    settings = Settings()
    print("margin".ljust(20) + "".join(f"{'none' if m is None else m:>12}" for m in MARGINS))
    for gold in args.gold:
        c = Components(eval_settings(settings, default_corpus(gold, settings.seeds_dir, DEFAULT_SHARED)))
        items = load_gold(gold)
        answerable = [i for i in items if i.type != "unanswerable"]
        multi = [i for i in items if i.type == "multi"]
        found, whole = [], []
        for m in MARGINS:
            picked = {i.id: select(c.retriever, i.question, settings.top_k, margin=m) for i in answerable}
            found.append(sum(mentions_any(" ".join(p.text for p in picked[i.id]), i.must_contain_any)
                             for i in answerable))
            whole.append(sum(all(any(d in {p.doc_id for p in picked[i.id]} for d in group) for group in i.source_groups)
                             for i in multi))
        print(f"{gold.stem + ' answer':20}" + "".join(f"{f'{n}/{len(answerable)}':>12}" for n in found))
        if multi:
            print(f"{gold.stem + ' sources':20}" + "".join(f"{f'{n}/{len(multi)}':>12}" for n in whole))


if __name__ == "__main__":
    main()
