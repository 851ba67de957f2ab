"""Can the local model check its own answer? (an experiment, not a test: prints numbers)

    BYLINE_DATA_DIR=/tmp/bl-eval python bench/bench_selfcheck.py REPORT.json [--gold FILE ...]

REPORT.json is a `byline eval` report of the same code and gold files: it gives each
item's verdict. For every answered item the question is answered again exactly as
`byline ask` does, then the conversation goes on with one more user turn asking whether
the answer is stated in the passages and answers the question; the model's log-odds of
"yes" over "no" for its next token is read from llama.cpp's logits (only the ~50 new
tokens are evaluated: the answer's prompt is still in the context). Prints each item's
score and the AUC of the score for right vs wrong answers (0.5 = no better than chance).

Measured 2026-11-30 on seed + seed_reader (38 answered items, 10 wrong): AUC 0.47, so
the check is not used; ~1 s per answer.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from eval.cli import corpus_components
from eval.corpora import DEFAULT_SHARED, default_corpus
from eval.gold import load_gold
from rag.answer import build_prompt, select
from rag.components import Components
from rag.llm import REPLY_START, chatml
from rag.prompts import messages
from rag.settings import Settings

from bench_signals import auc  # this script's folder is on sys.path

REPO = Path(__file__).resolve().parents[1]
CHECK = ("Question: {q}\nIs your answer stated in the passages, and does it answer exactly what the "
         "question asks? Reply yes or no.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--gold", type=Path, action="append")
    args = ap.parse_args()
    verdicts = {i["id"]: i["answer"] for r in json.loads(args.report.read_text())["runs"] for i in r["items"]}
    settings = Settings()
    base = Components(settings)
    llm = base.llm
    llama = llm._llama  # the experiment reads next-token logits, which the LLM protocol does not expose
    first = lambda words: {llama.tokenize(w.encode(), add_bos=False)[0] for w in words}  # noqa: E731
    yes, no = first(["yes", "Yes", " yes", " Yes"]), first(["no", "No", " no", " No"])
    scores: dict[bool, list[float]] = {True: [], False: []}
    for gold in args.gold or [REPO / "eval/gold/seed.jsonl", REPO / "eval/gold/seed_reader.jsonl"]:
        c = corpus_components(base, default_corpus(gold, settings.seeds_dir, DEFAULT_SHARED), with_llm=True)
        for item in load_gold(gold):
            verdict = verdicts.get(item.id)
            if not verdict or verdict["abstained"]:
                continue
            k = settings.top_k
            passages = select(c.retriever, item.question, k, margin=settings.article_margin)
            chat = messages(build_prompt(item.question, passages))
            raw = "".join(llm.stream(chat, max_tokens=settings.max_answer_tokens, temperature=0.0))
            chat += [{"role": "assistant", "content": raw.strip()},
                     {"role": "user", "content": CHECK.format(q=item.question)}]
            tokens = llm.tokenize(chatml(chat) + REPLY_START)
            have = llama.input_ids[:llama.n_tokens].tolist()
            n = next((i for i, (a, b) in enumerate(zip(have, tokens)) if a != b), min(len(have), len(tokens)))
            llama.n_tokens = n
            llama.eval(tokens[n:])
            logits = np.ctypeslib.as_array(llama._ctx.get_logits(), shape=(llama._n_vocab,))
            score = float(np.logaddexp.reduce(logits[list(yes)]) - np.logaddexp.reduce(logits[list(no)]))
            scores[bool(verdict["correct"])].append(score)
            print(f"{item.id:6} {'right' if verdict['correct'] else 'WRONG':5} yes-no log-odds {score:5.2f}  "
                  f"({len(tokens) - n} new tokens)  {raw.strip()[:70]}", flush=True)
    print(f"answered {sum(map(len, scores.values()))}, wrong {len(scores[False])}; "
          f"AUC of the self-check score (right above wrong): {auc(scores[True], scores[False]):.2f}")


if __name__ == "__main__":
    main()
