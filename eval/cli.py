"""`byline eval`: measure retrieval and answer quality against gold Q&A files."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from eval import console
from eval.corpora import DEFAULT_SHARED, GOLD_DIR, REPO, default_corpus, eval_settings
from eval.gold import GoldItem, load_gold, select
from eval.metrics import summarize
from eval.progress import Progress
from eval.replay import ReplayLLM
from eval.report import GoldRun, build_report, code_version, settings_info, write_json
from eval.report_html import write_html
from eval.runner import Runner, check_sources
from eval.thresholds import DEFAULT_PATH, check, load_thresholds, section_name, section_table
from rag.cli import whole_number
from rag.components import Components
from rag.errors import InvalidInput, NotFound

DESCRIPTION = """\
Run gold questions through the same code path as `byline ask` and report retrieval,
answer, abstention, citation and latency metrics (console table, JSON, HTML).

Corpus rule: without --corpus, gold file NAME.jsonl is evaluated against the corpus
called NAME: `seed` uses the seeds folder (BYLINE_SEEDS_DIR), any other NAME uses
$BYLINE_SHARED_DIR/corpora/NAME (default ../shared beside the checkout, e.g.
../shared/corpora/bbc for bbc.jsonl). --corpus PATH ... replaces it for every gold file.
Each corpus is ingested into the eval's own store, BYLINE_DATA_DIR/eval/<hash>, which
is reused (only changed articles are re-ingested) on the next run."""

EPILOG = """\
Reports go to eval/out/<gold names>[-retrieval][-sampleN].json and .html (relative to
the working directory) unless --json/--html are given. With --check, the metrics are
compared with eval/thresholds.toml (section [NAME], [NAME.retrieval] or [NAME.sample]);
exit status 1 when any falls outside its bound, 2 for bad input (e.g. a bad gold line)."""


def register(subparsers) -> None:
    p = subparsers.add_parser("eval", help="measure answer quality against gold Q&A files",
                              description=DESCRIPTION, epilog=EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gold", nargs="+", action="extend", type=Path, metavar="FILE",
                   help="gold JSONL files, each evaluated and reported on its own; repeatable "
                        "(default: every eval/gold/*.jsonl whose corpus is present)")
    p.add_argument("--corpus", nargs="+", action="extend", type=Path, metavar="PATH",
                   help="files or folders forming the corpus for every gold file (default: see above)")
    p.add_argument("--json", type=Path, metavar="OUT", dest="json_out", help="write the JSON report here")
    p.add_argument("--html", type=Path, metavar="OUT", dest="html_out", help="write the HTML report here")
    p.add_argument("--retrieval-only", action="store_true", help="skip the LLM; retrieval metrics only")
    p.add_argument("--limit", type=whole_number(), metavar="N", help="only the first N items of each gold file")
    p.add_argument("--per-type", action="store_true",
                   help="with --limit: the first N items of each type (single, multi, unanswerable)")
    p.add_argument("--check", action="store_true",
                   help="compare with the thresholds file; exit 1 when a metric is out of bounds")
    p.add_argument("--thresholds", type=Path, default=DEFAULT_PATH, metavar="FILE",
                   help="thresholds file for --check (default: eval/thresholds.toml)")
    p.add_argument("--replay", type=Path, metavar="DIR",
                   help="record the model's replies in DIR and reuse them for identical prompts: a "
                        "change after the model (verification, scoring) re-runs in seconds; latency "
                        "of replayed items is not the model's")
    p.set_defaults(run=run)


def run(args, components: Components) -> int:
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    if args.per_type and not args.limit:
        raise InvalidInput("--per-type needs --limit N")
    shared = Path(os.environ.get("BYLINE_SHARED_DIR") or DEFAULT_SHARED)
    plans = _plan(args, components.settings.seeds_dir, shared)
    thresholds = load_thresholds(args.thresholds) if args.check else None
    if thresholds is not None:  # refuse a missing or mismatched section before the long run
        for gold, _, _ in plans:
            section_table(thresholds, section_name(gold.name, args.retrieval_only, args.limit),
                          args.limit, args.per_type, args.thresholds)
    replay = None
    if args.replay and not args.retrieval_only:
        replay = components.llm = ReplayLLM(components.llm, args.replay)
    runs = [_evaluate(args, components, *plan) for plan in plans]
    if replay is not None:
        print(f"byline eval: {replay.replayed} replies replayed from {args.replay}, "
              f"{replay.recorded} from the model (recorded)", file=sys.stderr)
    checks = [c for r in runs for c in check(thresholds, r.section, r.summary, r.limit, r.per_type,
                                              args.thresholds)] if thresholds is not None else []
    embedder = components.embedder.name
    report = build_report(runs, settings_info(components.settings, embedder), started,
                          time.perf_counter() - t0, _command(args), code=code_version(REPO),
                          checks=[c.to_dict() for c in checks] if thresholds is not None else None)
    json_out, html_out = _outputs(args, [p[0] for p in plans])
    write_json(report, json_out)
    write_html(report, html_out)
    print(console.render(report))
    print(f"\nreport: {json_out} and {html_out}", file=sys.stderr)
    if args.check:
        failed = [c for c in checks if not c.ok]
        for c in failed:
            print(f"FAIL {c.message()}")
        print(f"check: {len(checks) - len(failed)} passed, {len(failed)} failed ({args.thresholds})")
        return 1 if failed else 0
    return 0


def _plan(args, seeds_dir: Path, shared: Path) -> list[tuple[Path, list[GoldItem], list[Path]]]:
    """(gold file, its items, its corpus) for each gold file; all validated before any work."""
    explicit = bool(args.gold)
    golds = args.gold or sorted(GOLD_DIR.glob("*.jsonl"))
    if not golds:
        raise NotFound(f"no gold files in {GOLD_DIR}")
    _refuse_same_names(golds)
    plans = []
    for gold in golds:
        items = load_gold(gold)
        corpus = args.corpus or default_corpus(gold, seeds_dir, shared)
        missing = [p for p in corpus if not p.exists()]
        if missing and args.corpus:
            raise NotFound(f"corpus for {gold.name} not found: {missing[0]}")
        if missing and explicit:
            raise NotFound(f"corpus for {gold.name} not found: {missing[0]} (give it with --corpus)")
        if missing:
            print(f"byline eval: skipping {gold.name}: its corpus {missing[0]} is not here", file=sys.stderr)
            continue
        plans.append((gold, items, corpus))
    if not plans:
        raise NotFound("no gold file has its corpus present; give --gold and --corpus")
    return plans


def _refuse_same_names(golds: list[Path]) -> None:
    """Each gold file is reported (and checked) under its file name, so names must differ."""
    seen: dict[str, Path] = {}
    for gold in golds:
        if gold.name in seen:
            same = gold.resolve() == seen[gold.name].resolve()
            raise InvalidInput(f"gold file {gold} given twice" if same else
                               f"two gold files are named {gold.name} ({seen[gold.name]}, {gold}): "
                               f"their reports and thresholds sections would collide; rename one")
        seen[gold.name] = gold


def _evaluate(args, base: Components, gold: Path, items: list[GoldItem], corpus: list[Path]) -> GoldRun:
    c = corpus_components(base, corpus, with_llm=not args.retrieval_only)
    chosen = select(items, args.limit, args.per_type)
    print(f"byline eval: {gold.name}: {len(chosen)} of {len(items)} items; corpus "
          f"{', '.join(map(str, corpus))} -> store {c.settings.data_dir}", file=sys.stderr)
    t = time.perf_counter()
    progress = Progress(f"ingest {gold.name.removesuffix('.jsonl')} corpus", "file")
    try:
        ingest = c.ingester.run(corpus, on_start=progress.start, progress=progress.tick)
    finally:
        progress.close()
    ingest_s = time.perf_counter() - t
    for path, reason in ingest.failed:
        print(f"byline eval: failed to ingest {path}: {reason}", file=sys.stderr)
    check_sources(c.store, chosen, str(gold))
    runner = Runner(c.retriever, c.store, None if args.retrieval_only else c.answerer)
    t = time.perf_counter()
    progress = Progress(f"eval {gold.name}", "question")
    progress.start(len(chosen))
    try:
        results = runner.run(chosen, progress=progress.tick)
    finally:
        progress.close()
    return GoldRun(gold=gold, corpus=corpus, section=section_name(gold.name, args.retrieval_only, args.limit),
                   retrieval_only=args.retrieval_only, limit=args.limit, per_type=args.per_type,
                   items_in_file=len(items), results=results, summary=summarize(results),
                   ingest=ingest, ingest_s=ingest_s, run_s=time.perf_counter() - t)


def corpus_components(base: Components, corpus: list[Path], *, with_llm: bool) -> Components:
    """Components over the eval's own store for `corpus`, sharing the base's embedder and
    (when answers are wanted) its LLM, so each model is loaded once per process."""
    c = Components(eval_settings(base.settings, corpus))
    c.embedder = base.embedder
    if with_llm:
        c.llm = base.llm
    return c


def _outputs(args, golds: list[Path]) -> tuple[Path, Path]:
    stem = "+".join(g.name.removesuffix(".jsonl") for g in golds)
    stem += "-retrieval" if args.retrieval_only else ""
    stem += f"-sample{args.limit}{'pt' if args.per_type else ''}" if args.limit else ""
    out = Path("eval") / "out"
    return args.json_out or out / f"{stem}.json", args.html_out or out / f"{stem}.html"


def _command(args) -> str:
    parts = ["byline", "eval"]
    if args.gold:
        parts += ["--gold", *map(str, args.gold)]
    if args.corpus:
        parts += ["--corpus", *map(str, args.corpus)]
    for flag, on in (("--retrieval-only", args.retrieval_only), ("--per-type", args.per_type),
                     ("--check", args.check)):
        if on:
            parts.append(flag)
    if args.limit:
        parts += ["--limit", str(args.limit)]
    if args.replay:
        parts += ["--replay", str(args.replay)]
    return shlex.join(parts)
