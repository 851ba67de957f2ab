"""Does the local model's own confidence tell right answers from wrong ones? (prints numbers,
asserts nothing)

    BYLINE_DATA_DIR=/tmp/bl-eval python bench/bench_confidence.py REPORT.json [--limit N] [--rows OUT.json]

For every item a `byline eval` report answered (any gold files; the report gives the verdict),
this rebuilds the prompt `byline ask` gives the model (same passages, same messages,
evaluated the same way: the stable prefix, then the question's tail), has the local model
reply greedily token by token, and keeps each reply token's log-probability. Signals:

- mean_lp: the mean log-probability of the reply's tokens (citation markers left out);
- min_lp: the lowest one (the least sure token);
- first_lp: the first token's;
- fact_lp: the lowest among tokens that carry a number or a capitalised word (the fact);
- abstain_lp: the log-probability the model gives "The articles do not say." as its whole
  reply (about 6 more one-token steps); lower should mean a right answer;
- evidence: the best retrieval cosine, from the report (what the evidence gate uses).

It prints, per gold file and over all, the AUC of right answers against wrong ones (0.5 =
chance; for every signal the direction is "right answers score higher", abstain_lp negated),
and of right answers against the answered unanswerable items: the case an abstention gate
must catch. The replies are the model's first replies only (no "A or B?" follow-ups); the
verdict is the report's. About 8 s per item on 2 cores.

Measured 2026-12-07 on all four gold files (151 answered items: 113 right, 38 wrong, 17 of
them unanswerable), AUC right vs wrong / right vs answered unanswerable: mean_lp 0.55/0.59,
min_lp 0.64/0.61, first_lp 0.67/0.66, fact_lp 0.65/0.63, abstain_lp 0.62/0.74, evidence
0.55/0.50. The best gate chosen on these very items (abstain when abstain_lp > -2.59) would
catch 4 of the 17 invented answers and drop 5 right ones: no threshold of any signal gains
more right abstentions than it loses right answers, so Byline gates on none of them. The
model is as sure of an invented answer as of a right one.
"""

from __future__ import annotations

import argparse
import json
import math
import re
from pathlib import Path

import numpy as np

from eval.corpora import DEFAULT_SHARED, default_corpus, eval_settings
from rag.answer import build_prompt, select
from rag.components import Components
from rag.llm import REPLY_START, STOP, chatml
from rag.model_files import ensure_gguf
from rag.prompts import ABSTAIN_PHRASE, messages
from rag.settings import Settings

from bench_signals import auc  # this script's folder is on sys.path

SIGNALS = ("mean_lp", "min_lp", "first_lp", "fact_lp", "abstain_lp", "evidence")
LOWER_IS_RIGHT = {"abstain_lp"}
_FACT = re.compile(r"\d|^\s*[A-Z]")


class Scorer:
    """The local model, evaluating prompts as rag.llm.LlamaCppLLM does, with log-probabilities."""

    def __init__(self, settings: Settings):
        import llama_cpp

        self._cpp = llama_cpp
        self.llama = llama_cpp.Llama(model_path=str(ensure_gguf(settings.cache_dir)), n_ctx=settings.llm_context,
                                     n_batch=512, n_threads=settings.llm_threads, verbose=False)
        self.stop = {t for s in STOP for t in self.tokenize(s)}
        self.stop.add(self.llama.token_eos())
        self.abstain = self.tokenize(ABSTAIN_PHRASE)

    def tokenize(self, text: str) -> list[int]:
        return self.llama.tokenize(text.encode(), add_bos=False, special=True)

    def _log_softmax(self) -> np.ndarray:
        logits = np.ctypeslib.as_array(self._cpp.llama_get_logits_ith(self.llama.ctx, -1),
                                       shape=(self.llama.n_vocab(),)).astype(np.float64)
        top = logits.max()
        return logits - (top + math.log(np.exp(logits - top).sum()))

    def evaluate(self, chat: list[dict]) -> int:
        """Evaluate the prompt (prefix kept from the previous one when it is the same); its length."""
        llama = self.llama
        prefix = self.tokenize(chatml(chat[:-1]))
        tail = self.tokenize(chatml(chat[-1:]) + REPLY_START)
        if llama.n_tokens >= len(prefix) and llama.input_ids[:len(prefix)].tolist() == prefix:
            llama.n_tokens = len(prefix)
        else:
            llama.reset()
            llama.eval(prefix)
        llama.eval(tail)
        return len(prefix) + len(tail)

    def reply(self, chat: list[dict], max_tokens: int) -> tuple[list[tuple[str, float]], float]:
        """The greedy reply as (piece, log-probability) per token, and the log-probability of
        the abstention phrase as the whole reply."""
        end = self.evaluate(chat)
        first = self._log_softmax()
        pieces, lps = [], first
        for _ in range(max_tokens):
            best = int(np.argmax(lps))
            if best in self.stop:
                break
            pieces.append((self.llama.detokenize([best]).decode("utf-8", "replace"), float(lps[best])))
            self.llama.eval([best])
            lps = self._log_softmax()
        self.llama.n_tokens = end
        abstain = float(first[self.abstain[0]])
        for prev, nxt in zip(self.abstain, self.abstain[1:]):
            self.llama.eval([prev])
            abstain += float(self._log_softmax()[nxt])
        return pieces, abstain


def outside_markers(pieces: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The reply's tokens that are not part of a citation marker ("[", "2", "]")."""
    kept, inside = [], False
    for piece, lp in pieces:
        opens, closes = "[" in piece, "]" in piece
        if not (inside or opens or closes):
            kept.append((piece, lp))
        inside = (inside or opens) and not closes
    return kept


def signals(pieces: list[tuple[str, float]]) -> dict[str, float]:
    text = outside_markers(pieces)
    lps = [lp for _, lp in text] or [0.0]
    facts = [lp for piece, lp in text if _FACT.search(piece)] or [0.0]
    return {"mean_lp": sum(lps) / len(lps), "min_lp": min(lps), "first_lp": pieces[0][1] if pieces else 0.0,
            "fact_lp": min(facts)}


def table(rows: list[dict]) -> None:
    def aucs(s: str, high: list[dict], low: list[dict]) -> float:
        sign = -1 if s in LOWER_IS_RIGHT else 1
        return auc([sign * r[s] for r in high], [sign * r[s] for r in low])

    for label, group in [*((g, [r for r in rows if r["gold"] == g]) for g in sorted({r["gold"] for r in rows})),
                         ("all", rows)]:
        right = [r for r in group if r["right"]]
        wrong = [r for r in group if not r["right"]]
        invented = [r for r in group if r["type"] == "unanswerable"]
        print(f"{label:12} answered {len(group):3}, wrong {len(wrong):3} (unanswerable {len(invented):2})  AUC "
              + "  ".join(f"{s} {aucs(s, right, wrong):.2f}/{aucs(s, right, invented):.2f}" for s in SIGNALS))
    print("(AUC right vs wrong / right vs answered unanswerable)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="items per gold file (0: all)")
    ap.add_argument("--rows", type=Path, help="write every item's signals here (JSON)")
    args = ap.parse_args()
    settings = Settings()
    scorer = Scorer(settings)
    rows = []
    for run in json.loads(args.report.read_text())["runs"]:
        gold = Path(run["gold"])
        c = Components(eval_settings(settings, default_corpus(gold, settings.seeds_dir, DEFAULT_SHARED)))
        items = [i for i in run["items"] if i.get("answer") and not i["answer"]["abstained"] and not i.get("error")]
        for item in items[: args.limit or None]:
            passages = select(c.retriever, item["question"], settings.top_k, margin=settings.article_margin)
            pieces, abstain = scorer.reply(messages(build_prompt(item["question"], passages)),
                                           settings.max_answer_tokens)
            row = {"gold": gold.stem, "id": item["id"], "type": item["type"], "right": item["answer"]["correct"],
                   "reply": "".join(p for p, _ in pieces), "answer": item["answer"]["text"], "tokens": pieces,
                   **signals(pieces), "abstain_lp": abstain, "evidence": item["retrieval"]["evidence"]}
            rows.append(row)
            print(f"  {row['id']:5} {'right' if row['right'] else 'WRONG'} "
                  + " ".join(f"{s} {row[s]:6.2f}" for s in SIGNALS) + f"  {row['reply'][:50]!r}", flush=True)
    print()
    table(rows)
    if args.rows:
        args.rows.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
