"""Does the model give the same answer when the passages come in another order? (an
experiment, not a test: prints numbers)

    BYLINE_DATA_DIR=/tmp/bl-eval python bench/bench_agreement.py REPORT.json [--gold FILE ...] [--replay DIR]

REPORT.json is a `byline eval` report of the same gold files made with the order check
off (BYLINE_CHECK_ORDER=false): it gives each item's answer and verdict. Every item is
answered again as `byline ask` does with the check off, except that the passages the
model reads come in reverse order (same text, other numbers); rag.agreement says when the
second contradicts the first, and when the first abstained, the second answer is judged
against the gold item.

An answer that is right should survive a reordering; one the model made up from a
sentence that does not answer the question may not. Prints, per gold file, how often the
two agree for right answers, wrong answers and answered unanswerable items, and what the
check (withhold what the second contradicts, give the second's answer when only it
answers) would do to accuracy, abstention recall and false abstention. `--perturb rotate`
(the first passage moved last) measures another order.

Measured 2026-12-07 on the four gold files (185 items, the AVX-512 build, report of
session 21): the check withholds 15 of 147 shown answers, 11 wrong and 4 right, and the
second reading answers 7 questions the first declined, 5 right (README: "An answer must
survive a second reading"). Counting a reversed reply that abstains as a contradiction
withholds 14 right answers instead of 4, for 4 more wrong ones; asking a third time
(rotate) before withholding keeps 3 of the 4 right ones but lets 4 more wrong ones
through: no better, and slower (both measured without exempting two-sided questions).

It compares the answers reports show, so a first reading that rag.relevance turned into an
abstention (it states something, but not what was asked) counts as an abstention here,
while the Answerer, since session 24, compares what each reading stated before asking
whether it answers the question.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import rag.answer
from eval.cli import corpus_components
from eval.corpora import DEFAULT_SHARED, default_corpus
from eval.gold import load_gold
from eval.metrics import is_correct
from eval.replay import ReplayLLM
from rag.agreement import contradicts, said
from rag.answer import two_sided
from rag.components import Components
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PERTURBATIONS = ("reverse", "rotate")


def claimed(answer: dict) -> str | None:
    """rag.agreement.said of an eval report's answer."""
    return None if answer["abstained"] else " ".join(s["text"] for s in answer["sentences"] if s["kind"] == "claim")


def agreed(row: dict) -> bool:
    """Whether the check would let the first answer stand (abstentions and two-sided
    questions are not checked)."""
    return (row["first"] is None or two_sided(row["question"])
            or not contradicts(row["first"], row["second"], row["question"]))


def reordered(select, how: str):
    def wrapper(*args, **kwargs):
        passages = select(*args, **kwargs)
        return passages[::-1] if how == "reverse" else passages[1:] + passages[:1]
    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("report", type=Path, nargs="?")
    ap.add_argument("--rescore", type=Path, metavar="ROWS", help="only print the table of saved --rows")
    ap.add_argument("--gold", type=Path, action="append")
    ap.add_argument("--replay", type=Path, help="record/replay the model's replies here (eval.replay)")
    ap.add_argument("--only", nargs="+", metavar="ID", help="only these gold items")
    ap.add_argument("--rows", type=Path, help="write every item's two answers here (JSON)")
    ap.add_argument("--perturb", choices=PERTURBATIONS, default="reverse",
                    help="reverse (the check's): the passages in reverse order; rotate: the first passage last")
    args = ap.parse_args()
    if args.rescore:
        return rescore(args.rescore)
    report = {i["id"]: i for r in json.loads(args.report.read_text())["runs"] for i in r["items"]}
    rag.answer.select = reordered(rag.answer.select, args.perturb)
    settings = Settings()
    base = Components(settings)
    llm = ReplayLLM(base.llm, args.replay) if args.replay else base.llm
    rows = []
    golds = args.gold or [REPO / f"eval/gold/{g}.jsonl" for g in ("seed", "seed_reader", "bbc", "bbc_reader")]
    for gold in golds:
        c = corpus_components(base, default_corpus(gold, settings.seeds_dir, DEFAULT_SHARED), with_llm=True)
        c.llm = llm
        answerer = c.answerer
        answerer.check_order = False
        for item in load_gold(gold):
            first = (report.get(item.id) or {}).get("answer")
            if not first or (args.only and item.id not in args.only):
                continue
            again = answerer.run(item.question)
            row = {"gold": gold.stem, "id": item.id, "type": item.type, "question": item.question,
                   "right": bool(first["correct"]), "abstained": first["abstained"],
                   "first": claimed(first), "second": said(again),
                   "second_right": is_correct(item, again.answer, again.abstained)}
            row["agree"] = agreed(row)
            rows.append(row)
            print(f"{item.id:6} {item.type:12} {'right' if row['right'] else 'WRONG':5} "
                  f"{'agree' if row['agree'] else 'DIFFER':6} | {first['text'][:70]!r} | {again.answer[:70]!r}",
                  flush=True)
    if args.rows:
        args.rows.write_text(json.dumps(rows, indent=1))
    table(rows)


def rescore(path: Path) -> None:
    """The table again from saved rows (--rows), with today's `agree`."""
    rows = json.loads(path.read_text())
    for r in rows:
        r["agree"] = agreed(r)
    table(rows)


def checked(row: dict) -> tuple[bool, bool]:
    """(abstained, right) with the check, as rag.answer.Answerer._read_again decides."""
    if row["first"] is None and row["second"] is not None and not two_sided(row["question"]):
        return False, row["second_right"]  # only the second reading answers
    if row["agree"]:
        return row["abstained"], row["right"]
    return True, row["type"] == "unanswerable"


def table(rows: list[dict]) -> None:
    print(f"\n{'gold':12} {'n':>4} {'acc':>6} {'gated':>6}   answered: right agree/all, wrong agree/all, "
          "unanswerable agree/all   absR now->gated   FA now->gated")
    for gold in sorted({r["gold"] for r in rows}) + ["all"]:
        rs = [r for r in rows if gold in (r["gold"], "all")]
        answered = [r for r in rs if not r["abstained"]]
        un = [r for r in rs if r["type"] == "unanswerable"]
        ans = [r for r in rs if r["type"] != "unanswerable"]
        acc, gated = (sum(r["right"] for r in rs) / len(rs), sum(checked(r)[1] for r in rs) / len(rs))
        part = lambda xs: f"{sum(r['agree'] for r in xs)}/{len(xs)}"  # noqa: E731
        right_ans = [r for r in answered if r["right"] and r["type"] != "unanswerable"]
        wrong_ans = [r for r in answered if not r["right"] and r["type"] != "unanswerable"]
        un_ans = [r for r in answered if r["type"] == "unanswerable"]
        rate = lambda xs, f: sum(map(f, xs)) / len(xs) if xs else float("nan")  # noqa: E731
        now, then = (lambda r: r["abstained"]), (lambda r: checked(r)[0])
        print(f"{gold:12} {len(rs):4} {acc:6.3f} {gated:6.3f}   {part(right_ans):>7} {part(wrong_ans):>7} "
              f"{part(un_ans):>7}   {rate(un, now):.3f}->{rate(un, then):.3f}   {rate(ans, now):.3f}->{rate(ans, then):.3f}")


if __name__ == "__main__":
    main()
