"""The stdlib visible-text reader (the fallback for fragments and short uploads)."""

from rag.html_visible import visible_text


def test_an_inline_svg_title_is_an_icon_tooltip_not_the_page_title():
    v = visible_text('<html><head><title>Rates held</title></head><body><a><svg><title>Share on X</title>'
                     '</svg></a><p>The bank kept rates.</p></body></html>')
    assert v.title == "Rates held"
    assert "Share" not in v.body and v.body == "The bank kept rates."


def test_a_page_without_title_takes_its_h1_not_an_svg_logo():
    v = visible_text('<svg role="img"><title>Northern Star</title></svg><h1>Fares rise</h1><p>By 4.6%.</p>')
    assert v.title == "Fares rise"
    assert v.body == "Fares rise\nBy 4.6%."


def test_a_page_wrapped_in_a_form_keeps_its_text_but_not_the_controls():
    v = visible_text('<body><form id="aspnetForm"><input type="hidden" value="VIEWSTATE">'
                     '<p>Up to 300 jobs are at risk.</p><button>Go</button><select><option>UK</option></select>'
                     '<textarea>Your comment</textarea></form></body>')
    assert v.body == "Up to 300 jobs are at risk."


def test_the_h1_is_the_title_when_the_title_is_the_h1_plus_the_site_name():
    v = visible_text("<title>Rates held | The Paper</title><h1>Rates held</h1>")
    assert v.title == "Rates held"
    assert visible_text("<title>Rates held</title><h1>Bank holds rates</h1>").title == "Rates held"


def test_table_cells_are_separate_lines_and_the_date_meta_is_kept():
    v = visible_text('<meta name="pubdate" content="2024-11-02"><table><tr><td>Goals</td><td>3</td></tr></table>')
    assert v.body == "Goals\n3"
    assert v.published == "2024-11-02"
