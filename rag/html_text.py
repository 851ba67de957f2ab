"""Visible text, title and publication date of an HTML page (stdlib parser only)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from rag.dates import parse_date
from rag.errors import InvalidInput

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "nav", "footer", "form"}
_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
          "article", "header", "blockquote", "pre", "ul", "ol", "table", "figcaption"}
_DATE_META = {"article:published_time", "date", "pubdate", "publishdate", "dc.date"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.title = ""
        self.h1 = ""
        self.published = ""
        self._skip_depth = 0
        self._in: str | None = None  # "title" or "h1" while inside one

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            a = dict(attrs)
            key = (a.get("property") or a.get("name") or "").lower()
            if key in _DATE_META and a.get("content") and not self.published:
                self.published = a["content"]
        if tag == "title" or (tag == "h1" and not self.h1):
            self._in = tag
        if tag in _SKIP and tag != "head":
            self._skip_depth += 1
        if tag in _BLOCK:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in _SKIP and tag != "head" and self._skip_depth:
            self._skip_depth -= 1
        if tag == self._in:
            self._in = None
        if tag in _BLOCK:
            self.lines.append("")

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
            return
        if self._in == "h1":
            self.h1 += data
        if not self._skip_depth:
            self.lines[-1] += data


def html_to_text(html: str) -> tuple[str, str, date | None]:
    """(title, visible text with one line per block, published date or None)."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (re.sub(r"\s+", " ", line).strip() for line in parser.lines)
    body = "\n".join(line for line in lines if line)
    title = re.sub(r"\s+", " ", parser.title or parser.h1).strip()
    try:
        published = parse_date(parser.published)
    except InvalidInput:
        published = None
    return title, body, published
