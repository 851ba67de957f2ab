"""Benchmark a follow-up question over the same passages (not a test): prints numbers.

    python bench/bench_follow_up.py [--runs 3]

rag.answer asks one follow-up per option when an "A or B?" answer does not give both
figures. This times, with the local model and four real passages of the seed article,
the first question, a follow-up that reuses the first prompt's evaluation (`after`), and
the same follow-up evaluated from scratch (what it cost before).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rag.answer import build_prompt
from rag.compare import choice, option_questions
from rag.components import Components
from rag.prompts import messages
from rag.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    c = Components(Settings(data_dir=Path(tempfile.mkdtemp(prefix="bench-follow-up-"))))
    settings, llm = c.settings, c.llm
    c.ingester.run([settings.seeds_dir])
    question = "Who has more bilateral security agreements with Ukraine: the G7 countries or NATO?"
    passages = c.retriever.retrieve(question, settings.top_k)
    first = messages(build_prompt(question, passages))
    follow = messages(build_prompt(option_questions(choice(question))[0], passages))

    def timed(msgs, after=None) -> float:
        t = time.perf_counter()
        "".join(llm.stream(msgs, max_tokens=settings.max_answer_tokens, temperature=0.0, after=after))
        return time.perf_counter() - t

    rows: dict[str, list[float]] = {"first question": [], "follow-up (after)": [], "follow-up from scratch": []}
    for _ in range(args.runs):
        rows["first question"].append(timed(first))
        rows["follow-up (after)"].append(timed(follow, after=first))
        rows["follow-up from scratch"].append(timed(follow))
    sizes = [llm.count_tokens(m[-1]["content"]) for m in (first, follow)]
    print(f"prompt tokens: first {sizes[0]}, follow-up {sizes[1]}")
    for name, secs in rows.items():
        print(f"{name:<24} median {statistics.median(secs):6.2f} s   runs {' '.join(f'{s:.2f}' for s in secs)}")


if __name__ == "__main__":
    main()
