"""Title, main text and publication date of an HTML news page.

The main text is what trafilatura extracts as the article (navigation, cookie banners,
share buttons, related links, newsletter forms and footers removed; it measured better
than the plain visible text on CMS-style pages: bench/bench_html.py). It is handed the
HTML only, never a URL, so it never touches the network. Where it finds no article (a
fragment, a short upload) or fails on the markup, the page's visible text is used
(rag.html_visible). Either way the body is what Byline stores, and every offset points
into it.
"""

from __future__ import annotations

import logging
from datetime import date

from rag.dates import parse_date
from rag.errors import InvalidInput
from rag.html_visible import flatten, visible_text

log = logging.getLogger(__name__)
# trafilatura logs an ERROR for every fragment it finds no article in; for Byline that is the
# normal way to the visible-text fallback, not an error an operator should see.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
# Dates from markup only (meta, <time>, JSON-LD, bylines), never guessed from the article's text.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def html_to_text(html: str) -> tuple[str, str, date | None]:
    """(title, main text with one line per paragraph, published date or None)."""
    visible = visible_text(html)
    title, body, published = main_text(html)
    return title or visible.title, body or visible.body, _date(visible.published) or _date(published)


def main_text(html: str) -> tuple[str, str, str]:
    """(title, article text, ISO date) by trafilatura; empty strings where it finds none."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, favor_precision=True, include_comments=False,
                                          include_tables=True, with_metadata=True,
                                          date_extraction_params=_DATE_PARAMS)
    except Exception as e:  # a heuristic extractor over hostile markup: its failure is not the page's
        log.debug("trafilatura failed (%s: %s); using the visible text", type(e).__name__, e)
        return "", "", ""
    if doc is None:
        return "", "", ""
    lines = (flatten(line) for line in (doc.text or "").splitlines())
    return flatten(doc.title or ""), "\n".join(line for line in lines if line), doc.date or ""


def _date(text: str) -> date | None:
    try:
        return parse_date(text)
    except InvalidInput:
        return None
