from rag.compare import computed_sentence, is_comparison, quantities
from rag.types import Sentence


def claim(text, cid):
    return Sentence(text, [cid], True)


def test_comparison_questions_are_recognised():
    for q in ("How much more did Yukos pay than Gazprom?", "Which film took more at the box office?",
              "How many years apart were the two mergers?", "What was the difference between the fines?"):
        assert is_comparison(q), q
    for q in ("Who won the cup?", "How much did the firm pay?", "Which city hosted the summit?"):
        assert not is_comparison(q), q


def test_difference_is_computed_with_a_citation_per_figure():
    sentence, rendered = computed_sentence([claim("Firm A was fined £14m.", 1), claim("Firm B paid £9.5m.", 2)])
    assert rendered == "£14m [1] is £4.5m more than £9.5m [2] (computed by Byline)."
    assert sentence.citations == [1, 2] and sentence.kind == "computed"


def test_percentages_differ_in_points_and_years_are_not_amounts():
    _, rendered = computed_sentence([claim("In 2004 sales rose 5.5%.", 1), claim("Profits rose 3% in 2005.", 2)])
    assert rendered == "5.5% [1] is 2.5 percentage points more than 3% [2] (computed by Byline)."


def test_nothing_is_computed_without_two_comparable_figures_from_different_passages():
    assert computed_sentence([claim("A paid £14m and B paid £9m.", 1)]) is None
    assert computed_sentence([claim("A paid £14m.", 1), claim("B grew 9%.", 2)]) is None
    assert computed_sentence([claim("A paid £14m.", 1), claim("B paid $9m.", 2)]) is None


def test_quantities_scale_units():
    q = quantities(claim("It paid $1.2bn and 300 million euros.", 1))
    assert [x.value for x in q] == [1.2e9, 300e6]


def test_figures_in_different_currencies_are_not_compared():
    lufthansa = claim("Lufthansa made a net profit of 400m euros ($527.61m).", 1)
    qantas = claim("Qantas made a net profit of A$458.4m ($357.6m).", 2)
    _, rendered = computed_sentence([lufthansa, qantas])
    assert rendered == "$527.61m [1] is $170.01m more than $357.6m [2] (computed by Byline)."
    assert computed_sentence([claim("It made 400m euros.", 1), claim("It made A$458.4m.", 2)]) is None
    assert computed_sentence([claim("It made 400m euros.", 1), claim("It made 458.4m.", 2)]) is None
    _, rendered = computed_sentence([claim("It made 400m euros.", 1), claim("It made 300m euros.", 2)])
    assert rendered == "400m euros [1] is €100m more than 300m euros [2] (computed by Byline)."
