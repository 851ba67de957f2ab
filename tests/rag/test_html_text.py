"""Main text of HTML news pages: the article, not the page furniture around it."""

import json
import socket
from datetime import date
from pathlib import Path

import pytest

from rag.html_text import html_to_text

PAGES = Path(__file__).parent / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_cms_pages_give_the_article_its_headline_and_date(page):
    want = EXPECTED[page]
    title, body, published = html_to_text((PAGES / page).read_text(encoding="utf-8"))
    assert title == want["title"]
    assert published == (date.fromisoformat(want["published"]) if want["published"] else None)
    assert [s for s in want["main"] if flat(s) not in flat(body)] == []
    leaked = [b for b in want["boilerplate"] if b in body]
    assert len(leaked) <= (3 if page == "webforms.html" else 0), leaked  # table layouts keep their cells


def test_a_fragment_without_an_article_keeps_its_visible_text():
    assert html_to_text("<p>Hello world.</p>") == ("", "Hello world.", None)  # corpus titles it from the body
    assert html_to_text("<div>Note one.</div><div>Note two.</div>")[1] == "Note one.\nNote two."


def test_a_failing_extractor_falls_back_to_the_visible_text(monkeypatch):
    import trafilatura

    def broken(*args, **kwargs):
        raise ValueError("All strings must be XML compatible")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    html = (PAGES / "drupal.html").read_text(encoding="utf-8")
    title, body, published = html_to_text(html)
    assert title == "Museum returns bronze statues to Nigeria" and published == date(2025, 1, 9)
    assert flat(EXPECTED["drupal.html"]["main"][0]) in flat(body)


def test_reading_html_opens_no_connection(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the HTML reader tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    for page in EXPECTED:
        assert html_to_text((PAGES / page).read_text(encoding="utf-8"))[1]
