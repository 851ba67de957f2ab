"""The `byline` command line: ingest, ask, search, docs (and serve/eval when installed)."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from rag.components import Components
from rag.errors import BylineError, InvalidInput
from rag.retrieval import search_results
from rag.settings import Settings
from rag.types import Answer, Filters, IngestReport


def whole_number(low: int = 1, high: int | None = None):
    """An argparse `type` for a whole number from `low` to `high` (no upper bound when None)."""
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if high is None and n < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}")
        if high is not None and not low <= n <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return n
    return parse


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.add_argument("--top-k", type=whole_number(), metavar="N", help="how many passages to use")
    p.add_argument("--since", metavar="DATE", help="only articles published on or after DATE (YYYY-MM-DD); "
                   "articles without a publication date are left out, and a note on stderr says how many")
    p.add_argument("--until", metavar="DATE", help="only articles published on or before DATE; "
                   "leaves out undated articles too")
    p.add_argument("--source", metavar="NAME", help="only articles from this source (case-insensitive)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="byline", description="Cited answers to questions about news articles.",
        epilog="Settings come from BYLINE_* environment variables; see the README.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="add or update articles from files and folders")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="files or folders (.txt .md .html .json .jsonl); default: the seeds folder")
    p.add_argument("--prune", action="store_true", help="remove articles no longer in the given folders")
    p.set_defaults(run=cmd_ingest)

    p = sub.add_parser("ask", help="answer a question with citations")
    p.add_argument("question")
    _add_filters(p)
    p.set_defaults(run=cmd_ask)

    p = sub.add_parser("search", help="show the passages that best match a query")
    p.add_argument("query")
    _add_filters(p)
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("docs", help="list, show or delete ingested articles")
    docs = p.add_subparsers(dest="docs_command", required=True, metavar="ACTION")
    d = docs.add_parser("list", help="list articles")
    d.add_argument("--json", action="store_true")
    d.set_defaults(run=cmd_docs_list)
    for name, func, text in (("show", cmd_docs_show, "print one article"),
                             ("delete", cmd_docs_delete, "remove one article and its chunks")):
        d = docs.add_parser(name, help=text)
        d.add_argument("doc_id", metavar="ID")
        d.set_defaults(run=func)
    for register in _extensions():
        register(sub)
    return parser


def _extensions():
    """Subcommands that live outside rag/ (serve in api/, eval in eval/)."""
    found = []
    for module in ("api.cli", "eval.cli"):
        try:
            found.append(importlib.import_module(module).register)
        except ModuleNotFoundError as e:
            if e.name not in (module, module.split(".")[0]):
                raise
    return found


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as e:
        problems = "; ".join(f"BYLINE_{'_'.join(map(str, err['loc'])).upper()}: {err['msg']}" for err in e.errors())
        print(f"byline: error: bad setting: {problems}", file=sys.stderr)
        return 2
    try:
        return args.run(args, Components(settings))
    except BylineError as e:
        print(f"byline: error: {e}", file=sys.stderr)
        return 2 if isinstance(e, InvalidInput) else 1
    except KeyboardInterrupt:
        print("byline: interrupted", file=sys.stderr)
        return 130


# ---- commands ---------------------------------------------------------------------------

def run_ingest(c: Components, paths: list[Path], prune: bool = False) -> IngestReport:
    from tqdm import tqdm

    bar = tqdm(unit="file", desc="ingest", disable=None, file=sys.stderr)
    try:
        return c.ingester.run(paths, prune=prune, on_start=lambda n: bar.reset(total=n), progress=bar.update)
    finally:
        bar.close()


def cmd_ingest(args, c: Components) -> int:
    report = run_ingest(c, args.paths or [c.settings.seeds_dir], prune=args.prune)
    if c.settings.retrieval != "dense":
        c.bm25.current()  # build the keyword index now rather than at the first search
    for path, reason in report.failed:
        print(f"failed: {path}: {reason}", file=sys.stderr)
    print(report.summary())
    return 1 if report.failed else 0


def _filters(args) -> Filters:
    return Filters.parse(args.since, args.until, args.source)


def note_undated(c: Components, filters: Filters) -> None:
    """A date filter cannot vouch for an undated article, so it leaves it out: say how many."""
    n = c.store.count_undated(filters)
    if n:
        print(f"byline: note: left out {n:,} article{'s' * (n != 1)} without a publication date "
              "(--since/--until keep dated articles only)", file=sys.stderr)


class Status:
    """One line on a terminal's stderr saying what `byline ask` waits for (an answer takes
    seconds to tens of seconds on a CPU), cleared before the answer is printed. Nothing when
    stderr is not a terminal, so scripts see only the answer."""

    def __init__(self, stream):
        self.stream = stream if stream.isatty() else None
        self.shown = ""

    def show(self, text: str) -> None:
        if self.stream and text != self.shown:
            self.stream.write(f"\r\033[Kbyline: {text}")
            self.stream.flush()
            self.shown = text

    def clear(self) -> None:
        if self.stream and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = ""


def cmd_ask(args, c: Components) -> int:
    if not args.question.strip():
        raise InvalidInput("the question is empty")
    filters = _filters(args)
    if c.store.count() == 0 and c.settings.seeds_dir.is_dir():
        print(f"byline: the store is empty; ingesting {c.settings.seeds_dir} first", file=sys.stderr)
        run_ingest(c, [c.settings.seeds_dir])
    note_undated(c, filters)
    status = Status(sys.stderr)
    status.show("reading the passages…")
    checking = "checking the answer (the model reads the passages again)…"
    try:
        answer = c.answerer.run(args.question, top_k=args.top_k, filters=filters,
                                on_token=lambda _: status.show("writing…"), on_check=lambda: status.show(checking))
    finally:
        status.clear()
    print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2) if args.json else render_answer(answer))
    return 0


ABSTAIN_NOTES = {"no_evidence": "nothing in the articles is relevant enough to answer",
                 "unsupported": "nothing the model wrote is stated in the articles",
                 "model": "the model found no answer in the passages",
                 "off_question": "what the articles state does not give what the question asks for",
                 "unstable": "the model stated something else when it read the same passages in reverse order"}


def render_answer(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.abstained and answer.abstain_reason in ABSTAIN_NOTES:
        lines.append(f"({ABSTAIN_NOTES[answer.abstain_reason]})")
    if answer.citations:
        lines.append("")
        lines.extend(f"[{c.id}] {c.title} \u2014 \"{' '.join(c.quote.split())}\"" for c in answer.citations)
    if answer.withheld:
        lines += ["", "Withheld (not part of the answer; each with the reason):"]
        lines.extend(f"  - {w.text} ({w.reason})" for w in answer.withheld)
    return "\n".join(lines)


def cmd_search(args, c: Components) -> int:
    filters = _filters(args)
    note_undated(c, filters)
    passages = c.retriever.retrieve(args.query, args.top_k, filters)
    if args.json:
        print(json.dumps(search_results(args.query, passages), ensure_ascii=False, indent=2))
        return 0
    if not passages:
        print("no matching passages")
    for n, p in enumerate(passages, 1):
        print(f"{n}. [{p.score:.3f}] {p.title} ({p.doc_id} {p.start}-{p.end})")
        print(f"   {' '.join(p.text.split())[:300]}")
    return 0


def cmd_docs_list(args, c: Components) -> int:
    rows, total = c.store.list()
    if args.json:
        print(json.dumps({"total": total, "documents": rows}, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        flag = "" if r["complete"] else "  (incomplete: re-run ingest)"
        print(f"{r['doc_id']}\t{r['published'] or '-'}\t{r['title']}{flag}")
    print(f"{total} documents", file=sys.stderr)
    return 0


def cmd_docs_show(args, c: Components) -> int:
    a = c.store.get(args.doc_id)
    print(f"id:        {a.doc_id}\ntitle:     {a.title}\nsource:    {a.source or '-'}\n"
          f"published: {a.published or '-'}\nurl:       {a.url or '-'}\n")
    print(a.body)
    return 0


def cmd_docs_delete(args, c: Components) -> int:
    c.store.delete(args.doc_id)
    print(f"deleted {args.doc_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
