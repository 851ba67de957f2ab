"""Visible text, title and date meta of an HTML page, with the standard library's parser.

The fallback of `rag.html_text` for what article extraction does not take (fragments,
short uploads, pages it cannot parse): every block of text a browser would show, minus
scripts, styles, navigation, footers, inline SVG (its `<title>` is an icon's tooltip, not
the page's) and form controls. A form's other content stays: CMSs such as ASP.NET
WebForms wrap the whole page in one `<form>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "math", "nav", "footer",
         "button", "select", "textarea"}
_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "form",
          "article", "header", "blockquote", "pre", "ul", "ol", "table", "figcaption", "td", "th"}
_DATE_META = {"article:published_time", "date", "pubdate", "publishdate", "dc.date"}


@dataclass
class VisibleText:
    title: str  # the <title>, or the first <h1> when the <title> is that headline plus a site name
    body: str  # one line per block of text, whitespace collapsed
    published: str  # the content of the first publication-date <meta>, unparsed ("" if none)


class _Extractor(HTMLParser):
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
        if not self._skip_depth and (tag == "title" and not self.title or tag == "h1" and not self.h1):
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


def visible_text(html: str) -> VisibleText:
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    lines = (flatten(line) for line in parser.lines)
    title, h1 = flatten(parser.title), flatten(parser.h1)
    if not title or (h1 and title.startswith(h1)):  # "Rates held - The Daily Paper" -> "Rates held"
        title = h1
    return VisibleText(title, "\n".join(line for line in lines if line), parser.published)


def flatten(text: str) -> str:
    """Whitespace runs to one space, trimmed."""
    return re.sub(r"\s+", " ", text).strip()
