"""Files in, Articles out: plain text, Markdown, HTML and JSON/JSONL readers.

An article's `body` is kept exactly as decoded from the file (for HTML: the visible
text), so that chunk and citation offsets point at real article text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from rag.dates import parse_date
from rag.errors import ArticleReadError, InvalidInput, NotFound
from rag.html_text import html_to_text
from rag.types import Article

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES

# "BRUSSELS, December 3. /TASS/."   "LONDON, Jan 5, 2005 (Reuters) -"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'\-]{{1,40}}?),\s+(?P<date>{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?)"
    r"\.?\s*(?:/(?P<agency>[^/\n]{1,20})/\.?|\((?P<agency2>[^)\n]{1,20})\)\s*[-\u2013\u2014]?)?\s*"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s")
_MAX_TITLE = 100


def parse_dateline(text: str) -> dict | None:
    """Place, date text and agency of a leading news dateline, or None."""
    m = DATELINE.match(text)
    if not m:
        return None
    agency = m.group("agency") or m.group("agency2") or ""
    return {"place": m.group("place").strip(), "date_text": m.group("date"),
            "agency": agency.strip(), "length": m.end()}


def decode(data: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 (BOM allowed), else Windows-1252. Refuses binary data."""
    if b"\x00" in data[:8192]:
        raise ArticleReadError("binary file (contains NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as e:
        raise ArticleReadError(f"not UTF-8 or Windows-1252 text ({e.reason} at byte {e.start})") from None


def has_visible_text(text: str) -> bool:
    """Whether any character would show: a letter, digit, punctuation mark or symbol (not
    only whitespace, zero-width and bidi controls, other control characters or lone accents)."""
    return any(unicodedata.category(c)[0] in "LNPS" for c in text)


def one_line(text: str) -> str:
    """Every whitespace run (newlines, U+2028, ...) as one space, trimmed: a title."""
    return " ".join(text.split())


def title_from_body(body: str) -> str:
    """A readable title for an article without a headline: its first sentence, shortened."""
    line = next((one_line(line) for line in body.split("\n") if has_visible_text(line)), "")
    dl = parse_dateline(line)
    if dl and has_visible_text(line[dl["length"]:]):
        line = line[dl["length"]:]
    m = _SENTENCE_END.search(line)
    sentence = line[: m.start() + 1].strip() if m else line.strip()
    if len(sentence) <= _MAX_TITLE:
        return sentence
    return sentence[:_MAX_TITLE].rsplit(" ", 1)[0].rstrip(",;:") + "\u2026"


def article_from_text(text: str, doc_id: str, *, markdown: bool = False, root: str = "",
                      metadata: dict | None = None) -> Article:
    """A headline on the first non-empty line (unless it is a dateline sentence), then the body."""
    check_visible(text, "empty file")
    meta = dict(metadata or {})
    first_start = len(text) - len(text.lstrip())
    first_end = text.find("\n", first_start)
    first_line = text[first_start:] if first_end < 0 else text[first_start:first_end]
    rest = "" if first_end < 0 else text[first_end:]
    if parse_dateline(first_line) or not has_visible_text(first_line) or not has_visible_text(rest):
        title, body = "", text
    else:
        title = one_line(first_line.lstrip().lstrip("#") if markdown else first_line)
        body = rest[len(rest) - len(rest.lstrip()):]
    dl = parse_dateline(body.lstrip())
    if dl:
        meta["dateline"] = {k: v for k, v in dl.items() if k != "length"}
    title = title if has_visible_text(title) else title_from_body(body)
    return Article(doc_id=doc_id, title=title, body=body, root=root,
                   source=dl["agency"] if dl and dl["agency"] else "", metadata=meta)


_JSON_FIELDS = {"id", "title", "body", "text", "published_at", "source", "url"}


def article_from_json(obj: object, default_id: str | None = None, root: str = "") -> Article:
    """A JSON article {id, title, body|text, published_at, source, url, ...extra}."""
    if not isinstance(obj, dict):
        raise InvalidInput("a JSON article must be an object")
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("a JSON article holds text that is not valid Unicode "
                           "(a lone surrogate escape such as \\ud800)") from None
    body = obj.get("body", obj.get("text"))
    if not isinstance(body, str) or not has_visible_text(body):
        raise InvalidInput("a JSON article needs a non-empty 'body' (or 'text') string"
                           + (" with visible text" if isinstance(body, str) and body.strip() else ""))
    doc_id = obj.get("id", default_id)
    if doc_id in (None, "") or not isinstance(doc_id, (str, int)):
        raise InvalidInput("a JSON article needs an 'id'")
    extra = {k: v for k, v in obj.items() if k not in _JSON_FIELDS}
    dl = parse_dateline(body.lstrip())
    if dl:
        extra["dateline"] = {k: v for k, v in dl.items() if k != "length"}
    title = one_line(str(obj.get("title") or ""))
    return Article(
        doc_id=str(doc_id),
        title=title if has_visible_text(title) else title_from_body(body),
        body=body,
        published=parse_date(obj.get("published_at")),
        source=str(obj.get("source") or (dl["agency"] if dl else "") or ""),
        url=str(obj.get("url") or ""),
        root=root,
        metadata=extra,
    )


def read_file(path: Path, root: Path) -> list[Article]:
    """All articles in one file. Raises ArticleReadError with the reason."""
    check_suffix(path.suffix)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ArticleReadError(e.strerror or str(e)) from None
    return read_bytes(data, path.relative_to(root).as_posix(), str(root))


def check_suffix(suffix: str) -> str:
    """The suffix, lower-cased, if Byline reads that file type; else ArticleReadError."""
    suffix = suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ArticleReadError(f"unsupported file type {suffix or '(none)'}")
    return suffix


def read_bytes(data: bytes, rel: str, root: str = "") -> list[Article]:
    """All articles in a file's bytes; `rel` (a POSIX path) names the file and its type."""
    suffix = check_suffix(PurePosixPath(rel).suffix)
    text, encoding = decode(data)
    meta = {"encoding": encoding} if encoding != "utf-8" else {}
    try:
        if suffix in TEXT_SUFFIXES:
            return [article_from_text(text, rel, markdown=suffix != ".txt", root=root, metadata=meta)]
        if suffix in HTML_SUFFIXES:
            title, body, published = html_to_text(text)
            check_visible(body, "no visible text in HTML")
            art = article_from_text(body, rel, root=root, metadata=meta)
            title = one_line(title) if has_visible_text(title) else art.title
            return [Article(doc_id=rel, title=title, body=body, published=published,
                            source=art.source, root=root, metadata=art.metadata)]
        return _read_json(text, rel, suffix, root)
    except InvalidInput as e:
        raise ArticleReadError(str(e)) from None


def check_visible(text: str, blank: str) -> None:
    """ArticleReadError(`blank`) for blank text, and a clear one for text that shows nothing."""
    if not text.strip():
        raise ArticleReadError(blank)
    if not has_visible_text(text):
        raise ArticleReadError("no visible text, only zero-width, control or formatting characters")


def _read_json(text: str, rel: str, suffix: str, root: str) -> list[Article]:
    if not text.strip():
        raise ArticleReadError("empty file")
    if suffix == ".jsonl":
        articles = []
        # JSON Lines are separated by "\n" only: U+2028, \x85, \x0b ... may sit inside a string
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    articles.append(article_from_json(parse_json(line), f"{rel}#{n}", root))
                except (ArticleReadError, InvalidInput) as e:
                    raise ArticleReadError(f"line {n}: {e}") from None
        return articles
    obj = parse_json(text)
    if isinstance(obj, list):
        return [article_from_json(o, f"{rel}#{i}", root) for i, o in enumerate(obj)]
    return [article_from_json(obj, rel, root)]


def parse_json(text: str) -> object:
    """One JSON document; ArticleReadError saying what is wrong with it."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ArticleReadError(f"invalid JSON: {e}") from None
    except RecursionError:
        raise ArticleReadError("JSON nested too deeply") from None
    except ValueError as e:  # an integer of more than 4300 digits
        raise ArticleReadError(f"invalid JSON: {e}") from None


def scan(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, corpus root) for every supported file under the given paths, sorted."""
    for given in paths:
        if not given.exists():
            raise NotFound(f"no such file or directory: {given}")
        root = given.resolve()
        if root.is_file():
            yield root, root.parent
            continue
        for path in sorted(root.rglob("*")):
            rel_parts = path.relative_to(root).parts
            if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES \
                    and not any(p.startswith(".") for p in rel_parts):
                yield path, root
