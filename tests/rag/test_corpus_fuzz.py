"""Property-based fuzzing of every reader format (Hypothesis): whatever bytes a file holds,
reading it never crashes. It gives either articles whose body round-trips (every chunk's
offsets slice the body verbatim, and the store gives back exactly that body) or one
ArticleReadError that says why the file was refused.

The example counts fit the fast suite; hunt deeper with a random seed each run:
    BYLINE_FUZZ_EXAMPLES=2000 python -m pytest tests/rag/test_corpus_fuzz.py"""

from __future__ import annotations

import json
import os
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag.chunking import Chunker
from rag.corpus import SUPPORTED_SUFFIXES, read_bytes
from rag.errors import ArticleReadError

CHUNKER = Chunker(180, 30)  # the default sizes
HUNT = int(os.environ.get("BYLINE_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=HUNT or 150, deadline=None, database=None, derandomize=not HUNT,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SUFFIXES = sorted(SUPPORTED_SUFFIXES)

# Characters that trip text handling: zero-width and bidi controls, BOMs, line separators
# that are not "\n", combining marks, C0/C1 controls, right-to-left and wide scripts.
TRICKY = ("\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2069"
          "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e\r\t\u00a0\u3000\u0301\u0627\u0644\u05d0\u4e2d\U0001f600"
          "\x01\x7f\x9d")
words = st.text(alphabet=st.sampled_from("abcXYZ .,!?\"'\n0123456789\u00a3\u20ac" + TRICKY), max_size=300)
HTML_BITS = ["<p>", "</p>", "<div>", "</div>", "<svg>", "</svg>", "<title>", "</title>", "<form>", "</form>",
             "<h1>", "</h1>", "<script>", "</script>", "<nav>", "<!--", "-->", "<![CDATA[", "]]>", "&amp;",
             "&#xd800;", "&#0;", "&#99999999;", "&nbsp", "<br/>", "<meta name='date' content='2024-13-45'>",
             "<table><tr><td>", "<", ">", "</", "<html>", "<head>", "<body>", "<article>", "<p class=x"]


def encodings(text: str) -> st.SearchStrategy[bytes]:
    """The text as UTF-8, UTF-8 with a BOM, Windows-1252, or half one and half the other."""
    half = len(text) // 2
    return st.sampled_from([
        text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("cp1252", errors="ignore"),
        text[:half].encode("utf-8") + text[half:].encode("cp1252", errors="ignore")])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4), max_leaves=12)
json_articles = st.fixed_dictionaries(
    {}, optional={"id": st.one_of(words, st.integers(), json_values), "title": st.one_of(words, json_values),
                  "body": st.one_of(words, json_values), "text": words, "published_at": st.one_of(words, json_values),
                  "source": st.one_of(words, json_values), "url": words, "extra": json_values})


@st.composite
def json_files(draw) -> tuple[bytes, str]:
    """Articles as JSON or JSONL: whole, truncated anywhere, or wrapped in deep nesting."""
    docs = draw(st.lists(json_articles, min_size=1, max_size=3))
    suffix = draw(st.sampled_from([".json", ".jsonl"]))
    text = "\n".join(json.dumps(d, ensure_ascii=draw(st.booleans())) for d in docs) if suffix == ".jsonl" \
        else json.dumps(docs if len(docs) > 1 else docs[0], ensure_ascii=draw(st.booleans()))
    shape = draw(st.sampled_from(["whole", "truncated", "nested", "huge number"]))
    if shape == "truncated":
        text = text[:draw(st.integers(0, len(text)))]
    elif shape == "nested":
        depth = draw(st.integers(1, 3000))
        text = "[" * depth + text + "]" * depth
    elif shape == "huge number":
        text = text.replace("{", '{"n": ' + "9" * 5000 + ", ", 1)
    return draw(encodings(text)), suffix


@st.composite
def text_files(draw) -> tuple[bytes, str]:
    lines = draw(st.lists(words, max_size=6))
    if draw(st.booleans()):  # a huge line: no sentence end, few or no spaces
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["word ", "x", "\u200b", "a\u202e"]))
                     * draw(st.integers(1000, 60000)))
    return draw(encodings("\n".join(lines))), draw(st.sampled_from([".txt", ".md"]))


@st.composite
def html_files(draw) -> tuple[bytes, str]:
    parts = draw(st.lists(st.one_of(st.sampled_from(HTML_BITS), words), max_size=40))
    return draw(encodings("".join(parts))), draw(st.sampled_from([".html", ".htm"]))


any_file = st.one_of(st.tuples(st.binary(max_size=3000), st.sampled_from(SUFFIXES)),
                     text_files(), json_files(), html_files())


def visible(text: str) -> bool:
    """A letter, digit, punctuation mark or symbol: something a reader sees."""
    return any(unicodedata.category(c)[0] in "LNPS" for c in text)


def read_or_refuse(data: bytes, suffix: str):
    """The articles read, checked to round-trip through chunking; None for a refused file."""
    try:
        articles = read_bytes(data, f"fuzz/x{suffix}")
    except ArticleReadError as e:
        assert str(e).strip(), "a refused file must say why"
        return None
    assert articles, "a file that is not refused gives at least one article"
    for a in articles:
        assert isinstance(a.body, str) and isinstance(a.title, str) and a.doc_id
        assert a.content_hash  # encodable: no lone surrogates
        assert visible(a.body), f"an article has visible text: {a.body[:80]!r}"
        assert visible(a.title) and a.title == " ".join(a.title.split()), f"a title shows, on one line: {a.title!r}"
        chunks = CHUNKER.run(a)
        assert chunks, f"an article with text must give passages: {a.body[:80]!r}"
        for c in chunks:
            assert c.text.strip() and a.body[c.start:c.end] == c.text
    return articles


@FUZZ
@given(file=any_file)
def test_any_file_is_read_or_refused_with_a_reason(file):
    read_or_refuse(*file)


@FUZZ
@given(text=words, suffix=st.sampled_from([".txt", ".md"]), encoded=st.integers(0, 3))
def test_a_text_article_body_is_the_file_text_verbatim(text, suffix, encoded):
    data = [text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8"),
            text.encode("cp1252", errors="ignore"), text.encode("utf-16")][encoded]
    articles = read_or_refuse(data, suffix)
    if articles:
        decoded = data.decode("utf-8-sig") if encoded < 2 else data.decode("cp1252")
        assert articles[0].body in decoded


@FUZZ
@given(body=words.filter(str.strip), title=words)
def test_a_json_article_body_is_stored_as_given(body, title):
    for data, suffix in ((json.dumps({"id": "a", "title": title, "body": body}).encode(), ".json"),
                         (json.dumps({"id": "a", "body": body}, ensure_ascii=False).encode() + b"\n", ".jsonl")):
        articles = read_or_refuse(data, suffix)
        if articles:
            assert articles[0].body == body


@pytest.fixture(scope="module")
def ingester(tmp_path_factory, embedder):
    from rag.ingest import Ingester
    from rag.store import ChromaStore, connect

    store = ChromaStore(connect(tmp_path_factory.mktemp("chroma")), "fuzz", embedder.name)
    return Ingester(CHUNKER, embedder, store)


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(file=st.one_of(text_files(), json_files(), html_files()))
def test_what_is_read_is_what_the_store_gives_back(ingester, file):
    """Through the real chunker, embedder and Chroma store: the body and every passage's offsets."""
    articles = read_or_refuse(*file)
    if not articles or len({a.doc_id for a in articles}) < len(articles):
        return
    ingester.add_articles(articles)
    for a in articles:
        assert ingester.store.get(a.doc_id).body == a.body
        got = ingester.store._chunks.get(where={"doc_id": a.doc_id}, include=["documents", "metadatas"])
        assert got["ids"]
        for text, meta in zip(got["documents"], got["metadatas"], strict=True):
            assert a.body[meta["start"]:meta["end"]] == text
