from rag.compare import (asks_ratio, choice, choice_sentence, computed_sentence, is_comparison, option_questions,
                          quantities)
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


def test_how_many_times_more_asks_for_a_ratio():
    q = "Roughly how many times more did the film Alexander cost to make than the game Doom 3?"
    assert is_comparison(q) and asks_ratio(q)
    assert not asks_ratio("How many more times did Arsenal win than Chelsea?")  # a difference of counts
    assert not asks_ratio("How many times had the US blocked the bid?")  # a count
    assert asks_ratio("How many times as big as Wipro's was Infosys's profit?")
    said = [claim("Alexander cost $150m (£77m) to make.", 1), claim("Doom 3 cost around $15m (£8.3m).", 2)]
    assert computed_sentence(said, ratio=True)[1] == "$150m [1] is 10 times $15m [2] (computed by Byline)."


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


def test_an_either_or_question_names_the_option_whose_figure_wins():
    q = "Whose annual pre-tax profit rose by the larger percentage: advertising group WPP or Barclays bank?"
    wpp, barclays = claim("WPP's annual pre-tax profit rose by 15%.", 1), claim("Barclays' profit rose 20%.", 2)
    sentence, rendered, loser = choice_sentence(choice(q), [wpp, barclays])
    assert rendered == "Barclays bank: 20% [2], against 15% [1]: 5 percentage points more (computed by Byline)."
    assert loser == "advertising group WPP" and sentence.citations == [2, 1] and sentence.kind == "computed"
    younger = "Who is younger: Oscars host Chris Rock or Daniel Day-Lewis, who was to get a Berlin award?"
    ages = [claim("Chris Rock, 40, will host the Oscars.", 1), claim("Daniel Day-Lewis, 47, gets the award.", 2)]
    assert choice_sentence(choice(younger), ages)[1] == "Oscars host Chris Rock: 40 [1], against 47 [2]: 7 less (computed by Byline)."
    stake = "Which stake was bigger: the one Illva bought in Changyu, or the one Shanda bought in Sina?"
    said = [claim("Illva bought 33% of Changyu.", 1), claim("Shanda bought 20% of Sina.", 2)]
    assert choice_sentence(choice(stake), said)[1].startswith("The one Illva bought in Changyu: 33% [1]")


def test_a_figure_stated_twice_from_the_same_passage_counts_once():
    q = ("Which country had the higher interest rate: Australia after its rise to a four-year high, "
         "or the US after the Federal Reserve's fourth increase?")
    said = [claim("Australia's rate is 5.5%.", 1), claim("The US rate is 2%.", 2), claim("The US rate is 2%.", 2)]
    assert choice_sentence(choice(q), said)[1] == ("Australia after its rise to a four-year high: 5.5% [1], "
                                                   "against 2% [2]: 3.5 percentage points more (computed by Byline).")


def test_no_winner_without_one_direction_or_one_figure_per_option():
    assert choice("Was the Dome or the e-University a bigger or smaller waste?") is None
    assert choice("Who won the cup: the Rovers or the Town?") is None  # no direction
    q = "Which was bigger: the WPP profit or the Barclays profit?"
    assert choice_sentence(choice(q), [claim("WPP and Barclays rose 15%.", 1), claim("Profits rose 20%.", 2)]) is None
    assert choice_sentence(choice(q), [claim("WPP rose 15%.", 1), claim("Barclays made £4.6bn.", 2)]) is None


def test_lengths_of_time_are_compared_only_in_the_same_unit():
    _, rendered = computed_sentence([claim("Collins was banned for 8 years.", 1), claim("White got 2 years.", 2)])
    assert rendered == "8 years [1] is 6 years more than 2 years [2] (computed by Byline)."
    assert computed_sentence([claim("Collins was banned for 8 years.", 1), claim("White got 4 months.", 2)]) is None
    assert computed_sentence([claim("Collins was banned for 8 years.", 1), claim("White paid 4.", 2)]) is None


def test_each_option_gets_its_own_question():
    c = choice("Who was older when he died: the painter Ann Vale or the poet Bo Lund?")
    asked = option_questions(c)
    assert len(asked) == 2 and asked[0].startswith("Who was older when he died? Answer for the painter Ann Vale alone")
    assert "the poet Bo Lund alone" in asked[1] and all(choice(q) is None for q in asked)


def test_how_many_units_older_than_asks_for_a_difference():
    from rag.compare import asks_difference

    assert asks_difference("How many years older was Marlon Brando when he died than Jim Morrison?")
    assert asks_difference("How much more did Ocean's Twelve take than Lemony Snicket?")
    assert not asks_difference("How many years did Brando act?")
    assert not asks_difference("How old was Brando, and was he older than his wife?")


def test_a_difference_no_quote_states_is_the_models_own_arithmetic():
    from rag.compare import own_difference

    assert own_difference("Brando was 80 years older than Morrison.", ["Brando, who died aged 80, was a legend."])
    assert not own_difference("It took $10.6m more than Lemony.", ["Ocean's Twelve took $10.6m more than the rest."])
    assert not own_difference("Brando died aged 80.", ["Brando, who died aged 80, was a legend."])


def test_the_sides_of_a_question_are_searched_for_one_by_one():
    from rag.compare import sides
    assert sides("Who is older: Bath prop Bell or Wales flanker Martyn Williams?") == [
        "Who is older Bath prop Bell", "Who is older Wales flanker Martyn Williams"]
    assert sides("By how much did Indian software firm Wipro's quarterly income exceed Prince's 2004 earnings?") == [
        "By how much did Indian software firm Wipro's quarterly income", "Prince's 2004 earnings"]
    for q in ("Did sales rise more than expected?",  # nothing named on one side
              "How many more texts did Britons send on New Year's Eve than on an ordinary day?",
              "Why does Napster's service for players cost more than its service for a PC?",  # not a difference
              "When did Rutte speak?"):
        assert sides(q) == [], q


def test_a_difference_the_model_states_as_exceeding_is_its_own():
    from rag.compare import own_difference
    said = "Wipro's quarterly income exceeded Prince's earnings for 2004 by 4.3bn rupees ($98m)."
    assert own_difference(said, ["Wipro made a net profit of 4.3bn rupees ($98m)."])
    assert not own_difference("Sales exceeded forecasts by 5%.", ["Sales exceeded forecasts by 5%."])
