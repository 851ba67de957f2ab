import json
from datetime import date

import pytest

from rag.corpus import article_from_json, decode, parse_dateline, read_file, scan, title_from_body
from rag.errors import ArticleReadError, InvalidInput, NotFound

SEED_START = "BRUSSELS, December 3. /TASS/. The North Atlantic Alliance"


def write(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_dateline_is_parsed_into_place_date_and_agency():
    dl = parse_dateline(SEED_START)
    assert dl["place"] == "BRUSSELS"
    assert dl["date_text"] == "December 3"
    assert dl["agency"] == "TASS"
    assert SEED_START[dl["length"]:].startswith("The North Atlantic")


@pytest.mark.parametrize("text,place,agency", [
    ("LONDON, Jan 5, 2005 (Reuters) - Shares rose.", "LONDON", "Reuters"),
    ("NEW YORK, March 12. Stocks fell.", "NEW YORK", ""),
])
def test_other_dateline_forms(text, place, agency):
    dl = parse_dateline(text)
    assert (dl["place"], dl["agency"]) == (place, agency)


def test_headline_is_not_a_dateline():
    assert parse_dateline("Ad sales boost Time Warner profit") is None


def test_txt_with_headline_keeps_body_verbatim(tmp_path):
    text = "Ad sales boost profit\n\nQuarterly profits jumped 76%.\n\nThe firm said so.\n"
    [a] = read_file(write(tmp_path, "business/001.txt", text), tmp_path)
    assert a.doc_id == "business/001.txt"
    assert a.title == "Ad sales boost profit"
    assert a.body == "Quarterly profits jumped 76%.\n\nThe firm said so.\n"
    assert a.body in text


def test_txt_starting_with_dateline_has_no_headline(tmp_path):
    text = SEED_START + " is not discussing it.\nSecond paragraph.\n"
    [a] = read_file(write(tmp_path, "seed.txt", text), tmp_path)
    assert a.body == text
    assert a.source == "TASS"
    assert a.metadata["dateline"] == {"place": "BRUSSELS", "date_text": "December 3", "agency": "TASS"}
    assert a.title.startswith("The North Atlantic Alliance")


def test_long_first_sentence_title_is_shortened():
    title = title_from_body("word " * 60 + ".")
    assert len(title) <= 101 and title.endswith("\u2026")


def test_markdown_headline_loses_hashes(tmp_path):
    [a] = read_file(write(tmp_path, "a.md", "# Big news\n\nSomething happened.\n"), tmp_path)
    assert a.title == "Big news"
    assert a.body == "Something happened.\n"


def test_html_visible_text_title_and_date(tmp_path):
    html = """<html><head><title>Rates held</title>
    <meta property="article:published_time" content="2005-02-03T10:00:00Z">
    <style>p {color: red}</style><script>var x = 1;</script></head>
    <body><nav>Home | News</nav><h1>Rates held</h1><p>The bank kept rates at 4.75%.</p>
    <p>Analysts &amp; traders agreed.</p></body></html>"""
    [a] = read_file(write(tmp_path, "x.html", html), tmp_path)
    assert a.title == "Rates held"
    assert a.published == date(2005, 2, 3)
    assert "The bank kept rates at 4.75%." in a.body
    assert "Analysts & traders agreed." in a.body
    assert "var x" not in a.body and "color" not in a.body and "Home | News" not in a.body


def test_json_article_fields_and_extra_metadata(tmp_path):
    obj = {"id": "a1", "title": "T", "body": "Body text.", "published_at": "2024-12-03",
           "source": "TASS", "url": "https://example.com/a1", "section": "world"}
    [a] = read_file(write(tmp_path, "a.json", json.dumps(obj)), tmp_path)
    assert (a.doc_id, a.title, a.body, a.published, a.source, a.url) == \
        ("a1", "T", "Body text.", date(2024, 12, 3), "TASS", "https://example.com/a1")
    assert a.metadata == {"section": "world"}


def test_jsonl_uses_text_field_and_reports_bad_line(tmp_path):
    good = write(tmp_path, "good.jsonl", '{"id": "x", "text": "One."}\n\n{"id": "y", "body": "Two."}\n')
    assert [a.doc_id for a in read_file(good, tmp_path)] == ["x", "y"]
    bad = write(tmp_path, "bad.jsonl", '{"id": "x", "text": "One."}\n{not json\n')
    with pytest.raises(ArticleReadError, match="line 2"):
        read_file(bad, tmp_path)


def test_json_article_needs_a_body():
    with pytest.raises(InvalidInput, match="body"):
        article_from_json({"id": "x", "title": "no body"})
    with pytest.raises(InvalidInput, match="ISO date"):
        article_from_json({"id": "x", "body": "b", "published_at": "yesterday"})


def test_windows_1252_text_is_decoded(tmp_path):
    [a] = read_file(write(tmp_path, "a.txt", "Title\n\nIt cost \xa315.8m.\n".encode("cp1252")), tmp_path)
    assert "\u00a315.8m" in a.body
    assert a.metadata["encoding"] == "cp1252"


def test_utf8_bom_is_dropped():
    assert decode("\ufeffHello".encode("utf-8")) == ("Hello", "utf-8")


@pytest.mark.parametrize("content,reason", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"Title\n\nbad \x81\x8d\x8f\x90\x9d bytes", "not UTF-8"),
])
def test_unreadable_files_raise_with_reason(tmp_path, content, reason):
    with pytest.raises(ArticleReadError, match=reason):
        read_file(write(tmp_path, "x.txt", content), tmp_path)


def test_unsupported_suffix(tmp_path):
    with pytest.raises(ArticleReadError, match="unsupported"):
        read_file(write(tmp_path, "x.pdf", b"%PDF"), tmp_path)


def test_scan_finds_supported_files_sorted_and_skips_hidden(tmp_path):
    for name in ("b/2.txt", "a.md", "b/1.json", "notes.pdf", ".hidden/x.txt"):
        write(tmp_path, name, "x")
    assert [p.relative_to(tmp_path).as_posix() for p, _ in scan([tmp_path])] == ["a.md", "b/1.json", "b/2.txt"]


def test_scan_single_file_root_is_its_folder(tmp_path):
    path = write(tmp_path, "one.txt", "x")
    assert list(scan([path])) == [(path.resolve(), tmp_path.resolve())]


def test_scan_missing_path(tmp_path):
    with pytest.raises(NotFound, match="no such file"):
        list(scan([tmp_path / "nope"]))


@pytest.mark.parametrize("name,content,reason", [
    ("x.json", "[" * 100000 + "]" * 100000, "nested too deeply"),
    ("x.jsonl", '{"body": "fine"}\n' + "[" * 100000 + "]" * 100000, "line 2: JSON nested too deeply"),
    ("x.json", '{"id": "x", "body": "bad \\ud800 text"}', "surrogate"),
    ("x.jsonl", '{"id": "x", "body": "bad \\ud800 text"}', "line 1: .*surrogate"),
])
def test_hostile_json_is_a_read_error(tmp_path, name, content, reason):
    with pytest.raises(ArticleReadError, match=reason):
        read_file(write(tmp_path, name, content), tmp_path)


def test_inline_svg_titles_do_not_leak_into_the_html_title(tmp_path):
    html = ("<html><head><title>Rates held</title></head><body><header><svg><title>Daily Paper logo</title></svg>"
            "</header><h1>Rates held</h1><a href='#'><svg><title>Share on Facebook</title></svg></a>"
            "<p>The bank kept rates at 4.75%, its committee said on Thursday after a long meeting.</p></body></html>")
    [a] = read_file(write(tmp_path, "x.html", html), tmp_path)
    assert a.title == "Rates held"
    assert "logo" not in a.body and "Facebook" not in a.body


def test_an_html_page_wrapped_in_a_form_is_not_empty(tmp_path):
    html = ('<html><head><title>Mill closure puts 300 jobs at risk</title></head><body><form id="aspnetForm" '
            'method="post"><input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1"><h1>Mill closure puts 300 '
            "jobs at risk</h1><p>Up to 300 jobs are at risk after the owners of the paper mill said they would "
            "close the site.</p><input type='submit' value='Go'></form></body></html>")
    [a] = read_file(write(tmp_path, "x.html", html), tmp_path)
    assert "Up to 300 jobs are at risk" in a.body and "VIEWSTATE" not in a.body
    assert a.title == "Mill closure puts 300 jobs at risk"


@pytest.mark.parametrize("name,content,reason", [
    ("x.json", '{"id": "x", "n": ' + "9" * 5000 + ', "body": "b"}', "invalid JSON: .*4300 digits"),
    ("x.jsonl", '{"id": "x", "n": ' + "9" * 5000 + ', "body": "b"}', "line 1: invalid JSON"),
    ("x.txt", "\u200b\u200d\u202e\n\ufeff\u2060", "no visible text"),
    ("x.html", "<p>\u200b\u200c</p><p>\u202e</p>", "no visible text"),
    ("x.json", '{"id": "x", "body": "\\u200b\\u2066"}', "visible text"),
])
def test_huge_numbers_and_invisible_text_are_read_errors(tmp_path, name, content, reason):
    with pytest.raises(ArticleReadError, match=reason):
        read_file(write(tmp_path, name, content), tmp_path)


def test_jsonl_lines_are_split_on_newlines_only(tmp_path):
    text = '{"id": "a", "body": "one\u2028two\x85three"}\n{"id": "b", "body": "four"}\n'
    [a, b] = read_file(write(tmp_path, "x.jsonl", text), tmp_path)
    assert a.body == "one\u2028two\x85three" and b.body == "four"


def test_titles_are_one_visible_line(tmp_path):
    [a] = read_file(write(tmp_path, "a.txt", "Head\u2028line\x1eend\nBody text.\n"), tmp_path)
    assert a.title == "Head line end" and a.body == "Body text.\n"
    [b] = read_file(write(tmp_path, "b.txt", "\u200b\nFirst sentence here. Second.\n"), tmp_path)
    assert b.title == "First sentence here." and b.body == "\u200b\nFirst sentence here. Second.\n"
