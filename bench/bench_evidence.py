"""Choose the evidence gate (`min_evidence`) by measurement (not a test): prints numbers.

    BYLINE_DATA_DIR=/tmp/bl-eval python bench/bench_evidence.py [--gold FILE ...] [--gate 0.12]

For each gold file (default: all of eval/gold) it scores every question as the answerer
does (the best cosine among the passages it would give the model) and prints the lowest
answerable scores and the unanswerable ones; then the off-topic questions
(bench/offtopic_questions.txt, nothing to do with the seed article) against the seed
store. The gate should sit below every answerable item and above most off-topic ones;
in-domain unanswerable questions score like answerable ones, so the gate cannot stop them.
Uses the eval's stores (ingests a corpus that is missing).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.cli import corpus_components
from eval.corpora import DEFAULT_SHARED, default_corpus
from eval.gold import load_gold
from rag.answer import select
from rag.components import Components
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def evidence(c: Components, question: str) -> float:
    return max(p.score for p in select(c.retriever, question, c.settings.top_k, margin=c.settings.article_margin))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, action="append")
    ap.add_argument("--gate", type=float, help="the gate to report (default: the setting)")
    args = ap.parse_args()
    settings = Settings()
    gate = settings.min_evidence if args.gate is None else args.gate
    base = Components(settings)
    lowest = []
    for gold in args.gold or sorted((REPO / "eval/gold").glob("*.jsonl")):
        corpus = default_corpus(gold, settings.seeds_dir, DEFAULT_SHARED)
        c = corpus_components(base, corpus, with_llm=False)
        c.ingester.run(corpus)
        items = load_gold(gold)
        scored = sorted((evidence(c, i.question), i) for i in items)
        answerable = [(s, i) for s, i in scored if i.answerable]
        unanswerable = [s for s, i in scored if not i.answerable]
        lowest.append(answerable[0][0])
        print(f"{gold.name}: {len(answerable)} answerable, lowest:")
        for s, i in answerable[:3]:
            print(f"  {s:.3f}  {i.id}  {i.question[:80]}")
        print(f"  answerable below the gate {gate}: {sum(s < gate for s, _ in answerable)}")
        print(f"  unanswerable ({len(unanswerable)}): " + " ".join(f"{s:.2f}" for s in unanswerable))
    seed = corpus_components(base, default_corpus(Path("seed.jsonl"), settings.seeds_dir, DEFAULT_SHARED),
                             with_llm=False)
    questions = [q.strip() for q in (REPO / "bench/offtopic_questions.txt").read_text().splitlines() if q.strip()]
    off = sorted((evidence(seed, q), q) for q in questions)
    print(f"off-topic questions on the seed store ({len(off)}), highest:")
    for s, q in off[-4:]:
        print(f"  {s:.3f}  {q}")
    print(f"  stopped by the gate {gate}: {sum(s < gate for s, _ in off)} of {len(off)}")
    print(f"lowest answerable over all gold files: {min(lowest):.3f}")


if __name__ == "__main__":
    main()
