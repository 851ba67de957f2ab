"""Which signals tell a right answer from a wrong one, after the model? (prints numbers)

    python bench/bench_signals.py REPORT.json [REPORT.json ...]

Reads `byline eval` reports (any gold files; replayed runs are fine) and, for every item
the run answered, computes signals that need no model call:

- evidence: the best retrieval cosine (what the evidence gate uses);
- quote_cos: the best cosine between the question and a cited quote (same embedder);
- answer_cos: the cosine between the question and the answer text;
- asked_share: the share of the question's content words found in the cited quotes.

For each signal it prints the AUC of right answers against wrong ones (0.5 = chance), per
gold file and over all files, and for `quote_cos` the rule "withhold when below t" chosen
on one half of the gold files and applied to the other (a threshold chosen on the items it
is judged on proves nothing).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from rag.embedding import OnnxMiniLMEmbedder
from rag.words import content_words

SIGNALS = ("evidence", "quote_cos", "answer_cos", "asked_share")


def auc(right: list[float], wrong: list[float]) -> float:
    pairs = [(r > w) + 0.5 * (r == w) for r in right for w in wrong]
    return sum(pairs) / len(pairs) if pairs else float("nan")


def answered(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        for run in json.loads(path.read_text())["runs"]:
            for item in run["items"]:
                a = item.get("answer") or {}
                if a and not a.get("abstained") and not item.get("error"):
                    rows.append({"gold": Path(run.get("gold", "?")).stem, "id": item["id"],
                                 "question": item["question"], "answer": a.get("text", ""),
                                 "quotes": [c["quote"] for c in a.get("citations", [])],
                                 "evidence": (item.get("retrieval") or {}).get("evidence") or 0.0,
                                 "right": bool(a.get("correct"))})
    return rows


def score(rows: list[dict], embedder: OnnxMiniLMEmbedder) -> None:
    for r in rows:
        answer = re.sub(r"\s*\[\d+\]", "", r["answer"])
        vec = np.asarray(embedder.embed_batch([r["question"], answer, *r["quotes"]]), dtype=np.float32)
        r["answer_cos"] = float(vec[1] @ vec[0])
        r["quote_cos"] = float(max(vec[2:] @ vec[0])) if r["quotes"] else 0.0
        asked = content_words(r["question"])
        found = content_words(" ".join(r["quotes"]))
        r["asked_share"] = len(asked & found) / len(asked) if asked else 1.0


def best_threshold(rows: list[dict], signal: str) -> float:
    """The threshold maximising (wrong withheld - right withheld) on these rows."""
    values = sorted({r[signal] for r in rows})
    gain = lambda t: sum((r[signal] < t) * (-1 if r["right"] else 1) for r in rows)  # noqa: E731
    return max(values, key=gain, default=0.0)


def report(rows: list[dict], label: str) -> None:
    right = [r for r in rows if r["right"]]
    wrong = [r for r in rows if not r["right"]]
    aucs = "  ".join(f"{s} {auc([r[s] for r in right], [r[s] for r in wrong]):.2f}" for s in SIGNALS)
    print(f"{label:14} answered {len(rows):3}, wrong {len(wrong):3}   AUC: {aucs}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", type=Path, nargs="+")
    ap.add_argument("--signal", default="quote_cos", choices=SIGNALS)
    args = ap.parse_args()
    rows = answered(args.reports)
    score(rows, OnnxMiniLMEmbedder())
    golds = sorted({r["gold"] for r in rows})
    for g in golds:
        report([r for r in rows if r["gold"] == g], g)
    report(rows, "all")
    print(f"\nwithhold when {args.signal} < t, t chosen on the other gold files:")
    for g in golds:
        t = best_threshold([r for r in rows if r["gold"] != g], args.signal)
        held = [r for r in rows if r["gold"] == g]
        cut = [r for r in held if r[args.signal] < t]
        print(f"  {g:14} t={t:.3f}: withholds {sum(not r['right'] for r in cut)} wrong and "
              f"{sum(r['right'] for r in cut)} right of {len(held)} answered")
    for r in sorted(rows, key=lambda r: r[args.signal]):
        print(f"  {r['id']:6} {'right' if r['right'] else 'WRONG':5} " +
              " ".join(f"{s} {r[s]:.2f}" for s in SIGNALS) + f"  {r['answer'][:70]}")


if __name__ == "__main__":
    main()
