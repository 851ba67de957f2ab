"""Upload parsing helpers."""

from __future__ import annotations

import pytest

from api.uploads import articles_from_json, read_files, safe_relative
from rag.errors import ArticleReadError, InvalidInput


@pytest.mark.parametrize("name,expected", [("a.txt", "a.txt"), ("business/001.txt", "business/001.txt"),
                                           ("win\\dir\\b.md", "win/dir/b.md"), ("./a.txt", "a.txt"),
                                           ("a//b.txt", "a/b.txt")])
def test_safe_relative_keeps_relative_names(name, expected):
    assert str(safe_relative(name)) == expected


@pytest.mark.parametrize("name", ["../a.txt", "a/../../b.txt", "/abs.txt", "\\abs.txt", "x" * 300 + ".txt",
                                  "a/" * 600 + "b.txt", "nul\x00.txt", "new\nline.txt"])
def test_safe_relative_refuses_escapes(name):
    with pytest.raises(InvalidInput):
        safe_relative(name)


def test_read_files_gives_cli_ids_and_no_temp_root():
    articles = read_files([("business/001.txt", b"Headline\n\nBody text here.\n"),
                           ("x.jsonl", b'{"id": "j1", "body": "one"}\n{"body": "two"}\n')])
    assert [a.doc_id for a in articles] == ["business/001.txt", "j1", "x.jsonl#2"]
    assert all(a.root == "" for a in articles) and articles[0].title == "Headline"


def test_read_files_takes_names_that_would_clash_as_paths():
    articles = read_files([("a.txt", b"First\n\nOne.\n"), ("a.txt/b.txt", b"Second\n\nTwo.\n")])
    assert [a.doc_id for a in articles] == ["a.txt", "a.txt/b.txt"]
    with pytest.raises(ArticleReadError, match=r"unsupported file type \(none\)"):
        read_files([("c/d.txt", b"Third\n\nThree.\n"), ("c", b"no extension")])


def test_read_files_reports_unreadable_files():
    with pytest.raises(ArticleReadError, match="unsupported file type .pdf"):
        read_files([("a.pdf", b"%PDF")])


def test_articles_from_json_single_and_list():
    assert [a.doc_id for a in articles_from_json({"id": 5, "body": "b"})] == ["5"]
    with pytest.raises(InvalidInput, match="article 1: .*'id'"):
        articles_from_json([{"id": "a", "body": "b"}, {"body": "c"}])
    with pytest.raises(InvalidInput, match="two articles with id 'a'"):
        articles_from_json([{"id": "a", "body": "b"}, {"id": "a", "body": "c"}])
