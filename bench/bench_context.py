"""Benchmark the model's context (not a test): prints numbers, asserts nothing.

    BYLINE_DATA_DIR=/tmp/bl-eval python bench/bench_context.py eval/gold/bbc.jsonl eval/gold/bbc_reader.jsonl

For each gold file (against the eval's own store of its corpus, ingested by `byline eval`
if missing): the passages `byline ask` would give the model, as whole passages and as lean
context (rag.context, 0 or 1 neighbours, 50% or 60% of the passages' length), and whole
passages without the best article's opening chunk (rag.retrieval.with_lead), and for each
- prompt tokens per question (the user message, counted by the local model's tokenizer;
  the system prompt and worked examples are a cached prefix, read once per process);
- answer in context: the share of answerable items whose gold string (must_contain_any,
  matched on word boundaries) is in the text the model reads: an upper bound for accuracy
  that needs no model;
- the time lean selection adds (embedding the sentences).

It needs no model, so it bounds what lean context can keep, not what the model does with
it: end to end on 2026-12-06 lean context (0 neighbours, 0.5) kept the answer in the prompt
as often as whole passages yet lost accuracy (README, BYLINE_LEAN_CONTEXT).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from llama_cpp import Llama

from eval.corpora import DEFAULT_SHARED, default_corpus, eval_settings
from eval.gold import load_gold
from eval.matching import mentions_any
from rag.answer import build_prompt, select
from rag.components import Components
from rag.context import lean
from rag.model_files import ensure_gguf
from rag.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", nargs="+", type=Path)
    args = ap.parse_args()
    settings = Settings()
    vocab = Llama(model_path=str(ensure_gguf(settings.cache_dir)), vocab_only=True, verbose=False)
    tokens = lambda text: len(vocab.tokenize(text.encode(), add_bos=False, special=True))  # noqa: E731
    for gold in args.gold:
        corpus = default_corpus(gold, settings.seeds_dir, DEFAULT_SHARED)
        c = Components(eval_settings(settings, corpus))
        c.ingester.run(corpus)
        items = load_gold(gold)
        body_of = lambda doc_id: c.store.get(doc_id).body  # noqa: E731
        rows: dict[str, dict[str, list]] = {}
        for item in items:
            found = select(c.retriever, item.question, settings.top_k, margin=settings.article_margin)
            whole = select(c.retriever, item.question, settings.top_k, margin=settings.article_margin,
                           lead_of=c.retriever.opening if settings.lead_passage else None)
            variants = {"whole": (whole, 0.0), "no lead": (found, 0.0)}
            for n, share in ((0, 0.5), (0, 0.6), (1, 0.5), (1, 0.6)):
                t = time.perf_counter()
                variants[f"n={n} s={share}"] = (lean(item.question, whole, c.embedder, body_of, n, share),
                                               time.perf_counter() - t)
            for name, (passages, secs) in variants.items():
                r = rows.setdefault(name, {"tokens": [], "hit": [], "ms": []})
                prompt = build_prompt(item.question, passages)
                r["tokens"].append(tokens(prompt))
                r["ms"].append(secs * 1000)
                if item.answerable and item.must_contain_any:
                    r["hit"].append(mentions_any(prompt.rsplit("Question:", 1)[0], item.must_contain_any))
        base = statistics.mean(rows["whole"]["tokens"])
        print(f"\n{gold.name}: {len(items)} items")
        print(f"{'context':<12} {'tokens mean':>11} {'p50':>5} {'share':>6} {'answer in context':>18} {'select ms p50':>14}")
        for name, r in rows.items():
            mean = statistics.mean(r["tokens"])
            print(f"{name:<12} {mean:>11.0f} {statistics.median(r['tokens']):>5.0f} {mean / base:>6.2f} "
                  f"{sum(r['hit']) / len(r['hit']):>10.3f} ({sum(r['hit'])}/{len(r['hit'])}) "
                  f"{statistics.median(r['ms']):>10.0f}")


if __name__ == "__main__":
    main()
