"""Compare HTML readers on news pages written in the style of real CMS output (not a test):
prints numbers, asserts nothing.

    python bench/bench_html.py [--pages tests/rag/pages] [--verbose]

For each page in --pages, `expected.json` lists the headline, the publication date, the
article's own sentences and boilerplate strings (cookie banners, navigation, share icons,
related links, newsletter forms, footers). Each reader is scored on: main-text recall (the
share of the article's sentences found in its text), boilerplate leaked (how many of the
boilerplate strings its text contains), the title and the date, and its time per page.
Readers: Byline's `rag.html_text.html_to_text` (what ingest uses), its parts on their own
(trafilatura's `bare_extraction` as Byline calls it, and the stdlib visible-text reader
`rag.html_visible`), each skipped when the installed `rag` does not have it (so an older
checkout can be measured with the same pages).
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
Reader = Callable[[str], tuple[str, str, str]]  # html -> (title, text, ISO date or "")


def byline_reader() -> Reader:
    from rag.html_text import html_to_text

    def read(html: str) -> tuple[str, str, str]:
        title, body, published = html_to_text(html)
        return title, body, published.isoformat() if published else ""
    return read


def trafilatura_reader() -> Reader:
    from rag.html_text import main_text

    return main_text


def visible_reader() -> Reader:
    from rag.html_visible import visible_text

    def read(html: str) -> tuple[str, str, str]:
        v = visible_text(html)
        return v.title, v.body, v.published[:10]
    return read


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def score(read: Reader, html: str, want: dict) -> dict:
    t = time.perf_counter()
    title, text, date = read(html)
    ms = (time.perf_counter() - t) * 1000
    text = flat(text)
    return {"recall": sum(flat(s) in text for s in want["main"]) / len(want["main"]),
            "leaks": [b for b in want["boilerplate"] if b in text],
            "title": flat(title) == want["title"], "date": date == (want["published"] or ""), "ms": ms,
            "got_title": flat(title)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, default=REPO / "tests" / "rag" / "pages")
    ap.add_argument("--verbose", action="store_true", help="print each page's leaks and titles")
    args = ap.parse_args()
    expected = json.loads((args.pages / "expected.json").read_text(encoding="utf-8"))
    readers = {"byline": byline_reader, "trafilatura": trafilatura_reader, "visible": visible_reader}
    for name, make in readers.items():
        try:
            read = make()
        except ImportError as e:
            print(f"{name:<12} not in this checkout ({e})")
            continue
        read((args.pages / next(iter(expected))).read_text(encoding="utf-8"))  # warm-up: imports, caches
        results = {page: score(read, (args.pages / page).read_text(encoding="utf-8"), want)
                   for page, want in expected.items()}
        sentences = sum(len(w["main"]) for w in expected.values())
        found = sum(r["recall"] * len(expected[p]["main"]) for p, r in results.items())
        leaks = sum(len(r["leaks"]) for r in results.values())
        boiler = sum(len(w["boilerplate"]) for w in expected.values())
        print(f"{name:<12} main text {found:.0f}/{sentences} sentences, boilerplate leaked {leaks}/{boiler}, "
              f"titles {sum(r['title'] for r in results.values())}/{len(results)}, "
              f"dates {sum(r['date'] for r in results.values())}/{len(results)}, "
              f"{sum(r['ms'] for r in results.values()) / len(results):.1f} ms/page")
        for page, r in results.items():
            print(f"  {page:<20} recall {r['recall']:.2f}, leaked {len(r['leaks'])}"
                  + (f" {r['leaks']}, title {r['got_title']!r}" if args.verbose else ""))


if __name__ == "__main__":
    main()
