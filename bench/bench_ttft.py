"""Time to first token on the BBC store, warm model (not a test): prints numbers, asserts nothing.

    python bench/bench_ttft.py [--gold eval/gold/bbc.jsonl] [--questions 20] [--rounds 2]
                               [--build NAME=DIR ...] [--setting NAME=VAR=VALUE ...]

Answers the first N questions of a gold file with the local model over the eval's own store
for the gold file's corpus (the store `byline eval` uses; ingested first if it is not there).
The model is warm: one question is answered first and not counted, so the stable prefix is
evaluated, as in a running server. Per question it records the tokens of the question's
part of the prompt (passages and question: what llama.cpp reads for it), the time to the
first token (retrieval + passage selection + prompt reading) and the whole answer.

Each --build NAME=DIR runs the same questions under another llama-cpp-python build (DIR
holds its `llama_cpp` package, e.g. an unpacked wheel); the installed one is "installed".
The AVX2 build Byline used before 2026-12-07, for comparison:

    CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON" \
        pip wheel --no-deps --no-cache-dir -w /tmp/avx2 llama-cpp-python==0.3.36
    unzip -q -d /tmp/avx2/pkg /tmp/avx2/llama_cpp_python-*.whl
    python bench/bench_ttft.py --build avx2=/tmp/avx2/pkg

Each --setting NAME=VAR=VALUE runs the installed build with that environment variable set
(a Byline setting), e.g. `--setting no-check=BYLINE_CHECK_ORDER=false` for answers without
the order check (rag.agreement).

Every build runs in its own process, the builds taking turns for --rounds rounds, so all
of them meet the same machine load; the summary gives p50/p95 per build and each build's
p50 as a ratio of the first's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench_core import pct  # this script's folder is on sys.path

REPO = Path(__file__).resolve().parents[1]


def child(gold: Path, n: int) -> None:
    """One build's pass: a JSON line per question on stdout."""
    import llama_cpp

    from eval.cli import corpus_components
    from eval.corpora import DEFAULT_SHARED, default_corpus
    from eval.gold import load_gold
    from rag.answer import build_prompt
    from rag.components import Components
    from rag.llm import chatml
    from rag.prompts import messages
    from rag.settings import Settings

    base = Components(Settings())
    corpus = default_corpus(gold, base.settings.seeds_dir, DEFAULT_SHARED)
    c = corpus_components(base, corpus, with_llm=True)
    c.ingester.run(corpus)
    questions = [item.question for item in load_gold(gold)][: n + 1]
    c.answerer.run(questions[0])  # warm: the stable prefix is evaluated once per process
    print(json.dumps({"llama_cpp": str(Path(llama_cpp.__file__).parent), "system": c.llm.build}), flush=True)
    for q in questions[1:]:
        a = c.answerer.run(q)
        tail = messages(build_prompt(q, a.passages))[-1:]
        t = a.timings_ms
        print(json.dumps({"question": q, "tail_tokens": c.llm.count_tokens(chatml(tail)),
                          "ttft_ms": t["retrieve"] + t["select"] + t["prompt"], "total_ms": t["total"],
                          "abstained": a.abstained}), flush=True)


def run_build(name: str, path: str | None, gold: Path, n: int, setting: dict[str, str]) -> list[dict]:
    env = dict(os.environ) | setting
    if path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [path, env.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, __file__, "--child", "--gold", str(gold), "--questions", str(n)],
                         env=env, check=True, capture_output=True, text=True).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    print(f"  {name}: llama_cpp from {lines[0]['llama_cpp']}\n    {lines[0]['system']}", flush=True)
    return lines[1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=REPO / "eval" / "gold" / "bbc.jsonl")
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--build", action="append", default=[], metavar="NAME=DIR")
    ap.add_argument("--setting", action="append", default=[], metavar="NAME=VAR=VALUE")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.gold, args.questions)
    builds: list[tuple[str, str | None, dict[str, str]]] = [("installed", None, {})]
    builds += [(name, path, {}) for name, path in (b.split("=", 1) for b in args.build)]
    builds += [(name, None, {var: value}) for name, var, value in (s.split("=", 2) for s in args.setting)]
    rows: dict[str, list[dict]] = {name: [] for name, _, _ in builds}
    for r in range(args.rounds):
        print(f"round {r + 1}", flush=True)
        for name, path, setting in builds:
            rows[name] += run_build(name, path, args.gold, args.questions, setting)
    first = None
    for name, _, _ in builds:
        ttft = [row["ttft_ms"] / 1000 for row in rows[name]]
        total = [row["total_ms"] / 1000 for row in rows[name]]
        tokens = statistics.median(row["tail_tokens"] for row in rows[name])
        first = first or statistics.median(ttft)
        print(f"{name:12} {len(ttft)} answers, question's prompt p50 {tokens:.0f} tokens | "
              f"first token p50 {statistics.median(ttft):.2f} s, p95 {pct(ttft, 0.95):.2f} s "
              f"({statistics.median(ttft) / first:.2f} of {builds[0][0]}) | "
              f"answer p50 {statistics.median(total):.2f} s, p95 {pct(total, 0.95):.2f} s")


if __name__ == "__main__":
    main()
