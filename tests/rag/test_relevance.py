"""Does a stated sentence answer the question (rag.relevance)."""

from rag.relevance import off_question


def test_a_question_for_an_amount_or_date_needs_one_in_the_answer():
    assert off_question("How much did the merger cost?", ["The banks merged to form a giant."])
    assert off_question("In what year did it open?", ["It opened to great acclaim."])
    for answer in ("It cost £3m.", "It cost three million pounds.", "It opened in March.", "A dozen."):
        assert off_question("How much did it cost, and in what year did it open?", [answer]) is None
    assert off_question("Who leads NATO?", ["Mark Rutte leads it."]) is None


def test_a_question_about_money_needs_a_sum():
    assert off_question("How much money did allies pledge?", ["Allies signed a dozen agreements."])
    assert off_question("How much money did allies pledge?", ["Allies pledged £40m."]) is None


def test_only_a_second_question_excuses_a_partial_answer():
    """"and" inside one question's phrase does not make it two questions."""
    dated = ["The shares will begin trading on 15 December."]
    assert off_question("At what price were the shares sold in London and Hong Kong?", dated)
    assert off_question("Who bought the label, and how much did they pay?", ["The Falic Group bought it."]) is None


def test_a_when_question_needs_a_time_in_the_answer():
    assert off_question("When did Putin set out his conditions?", ["Putin wants Ukraine to withdraw."])
    for answer in ("He set them out in June.", "He set them out last week.", "After the summit.",
                   "In the summer of 2023."):
        assert off_question("When did Putin set out his conditions?", [answer]) is None
    assert off_question("Who spoke when the talks ended?", ["Rutte spoke."]) is None  # not a "When ...?" question


def test_an_amount_the_question_already_gives_does_not_answer_it():
    q = "How many delegates are expected at Labour's 2006 autumn conference in Manchester?"
    assert off_question(q, ["Labour will hold its 2006 autumn conference in Manchester."])
    assert off_question(q, ["About 13,000 delegates will attend the 2006 conference."]) is None
    assert off_question("How much did the 2004 deal cost?", ["The 2004 deal cost £2m."]) is None
    assert off_question("How much did the 2004 deal cost?", ["The deal was signed in 2004."])
    assert off_question("By how much did traffic on the network rise?", ["Traffic rose fourfold on the launch day."]) is None


def test_a_time_of_day_is_not_a_count():
    q = "What was the attendance at the stadium when the home side won 17-12?"
    assert off_question(q, ["Kick-off at the stadium was 1300 GMT."])
    assert off_question("How many fans watched the final?", ["The final started at 19:45."])
    assert off_question("How many fans watched the final?", ["Some 52,000 fans watched the final."]) is None
    assert off_question("How long did the strike last?", ["It lasted until March."]) is None


def test_a_question_for_a_profit_or_a_cost_wants_a_sum_of_money():
    assert off_question("What pre-tax profit did the firm make in 2004?", ["Its pre-tax profit rose 222% in 2004."])
    assert off_question("What pre-tax profit did the firm make in 2004?", ["It made £15.4m before tax."]) is None
    assert off_question("What did the new bridge cost?", ["The bridge spans 80 kilometres."])
    assert off_question("What did the new bridge cost?", ["The bridge cost $200,000."]) is None
    assert off_question("What percentage of sales came from abroad?", ["Some 40% came from abroad."]) is None


def test_a_which_player_question_needs_a_name_the_question_does_not_hold():
    q = "Which player came into the side on the right wing in place of the injured Hal Luscombe?"
    assert off_question(q, ["Hal Luscombe took over from his injured colleague Hal Luscombe on the right wing."])
    assert off_question(q, ["Kevin Morgan took over on the right wing."]) is None
    assert off_question("Which player won the final?", ["The final went to extra time."])
    assert off_question("Which player won the final?", ["Federer won it."]) is None
    assert off_question("Which team won: Chelsea or Arsenal?", ["Chelsea won it."]) is None
    assert off_question("Who found the body?", ["His grandson found it."]) is None  # "who" may be no name
    q = "When the law lords ruled against detention without trial, which law lord was the one to dissent?"
    assert off_question(q, ["The law lords ruled by an eight to one majority."])
    assert off_question(q, ["Lord Walker dissented."]) is None
    assert off_question("What did the Balco boss tell her?", ["He said it was flaxseed oil."]) is None


def test_a_question_for_a_name_needs_one_the_question_does_not_hold():
    q = "What is the real name of the band's guitarist Mick Mars?"
    assert off_question(q, ["The real name of the guitarist Mick Mars is Mick Mars."])
    assert off_question(q, ["His real name is Bob Deal."]) is None
    q = "What is the name of the ranch where the Live-Shot owner keeps his rifle?"
    assert off_question(q, ["The Live-Shot owner keeps it on a small reserve on his ranch."])
    assert off_question("What was the search engine first called?", ["It was first called something else."])
    assert off_question("What was Yahoo first called before it chose the name Yahoo?", ["Yahoo liked the word."])
    # a name written in lower case counts when the answer quotes it
    assert off_question("What is the name of the egg-shaped robot?", ["The egg-shaped 'i-foot'."]) is None


def test_a_city_question_is_not_answered_by_a_country():
    q = "Apart from the point won in Paris, in which city had Ireland earned an away draw?"
    assert off_question(q, ["Switzerland [1]."])
    assert off_question(q, ["They drew in Basel, Switzerland."]) is None
    assert off_question("Which city hosted it: Paris or Rome?", ["Rome did."]) is None


def test_a_why_question_needs_a_reason():
    q = "Why did the ministers invite Ukraine to join?"
    assert "asks why" in off_question(q, ["NATO allies agreed that the future of Ukraine is in NATO."])
    for answer in ("They invited it because the war had ended.", "It was suspended for failing to attend a camp.",
                   "The film was withdrawn due to security fears."):
        assert off_question("Why was it dropped?", [answer]) is None
    assert off_question("On what grounds was she cleared?", ["She was cleared by a tribunal."])


def test_a_percentage_question_needs_a_share():
    q = "What percentage of Muslim voters backed Labour in 2001?"
    assert "percentage or share" in off_question(q, ["About 1.1m of the UK's 1.6m Muslims are of voting age."])
    for answer in ("About 75% backed Labour.", "Three in four backed it.", "Half of them did.", "Some 40 per cent."):
        assert off_question(q, [answer]) is None, answer


def test_an_answer_that_only_repeats_the_question_does_not_answer_it():
    q = "Lord Butler attacked Blair in a magazine interview. Who conducted that Spectator interview?"
    assert "only repeats it" in off_question(q, ["The Spectator magazine conducted the interview with Lord Butler."])
    assert off_question(q, ["Boris Johnson conducted it."]) is None
    assert off_question("Which group of countries announced the deals?", ["The G7 countries."]) is None  # a short name
    assert off_question("From when will the library open on Sundays?", ["It will open on Sundays from May."]) is None
    # a yes/no question, one for what someone said, or an "A or B?", may be answered in its own words
    assert off_question("Did Rutte say the future of Ukraine is in NATO?", ["Rutte said the future of Ukraine is in NATO."]) is None
    assert off_question("Rutte spoke in Brussels. Is Ukraine's future in NATO?", ["Ukraine's future is in NATO."]) is None
    assert off_question("What did Rutte say about where Ukraine's future lies?", ["The future of Ukraine is in NATO."]) is None
    assert off_question("Which team won: Chelsea or Arsenal?", ["Chelsea won it."]) is None


def test_a_date_question_needs_a_day():
    q = "On what exact date was the summit to be held?"
    assert "gives no day" in off_question(q, ["The summit was to be held next month."])
    for answer in ("It was held on 4 March.", "On Friday.", "December 3.", "On the 21st."):
        assert off_question(q, [answer]) is None, answer
    assert "gives no day" in off_question("On what exact date will the summit open?",
                                          ["It will open in Vilnius in the summer of 2023."])  # a year is no day


def test_a_which_question_after_a_sentence_of_context_or_a_preposition_still_needs_a_name():
    q = "Fallon said the Office for National Statistics had a paper. Which Treasury official wrote that paper?"
    assert "names none" in off_question(q, ["The Office for National Statistics wrote the paper first."])
    q = "In which Kampala theatre or venue was the play due to be staged?"  # "or" between two nouns is no choice
    assert "names none" in off_question(q, ["The play was due to be staged in Kampala this weekend."])
    assert off_question(q, ["It was due at the National Theatre."]) is None
    q = "A former virus writer known as 'Benny' quit the scene. What is his real name?"
    assert "names none" in off_question(q, ["Benny from the virus group."])


def test_a_question_about_one_quarter_is_not_answered_by_another():
    q = "At what rate did US consumer spending grow in the third quarter of 2004?"
    assert "another quarter" in off_question(q, ["Consumer spending grew 4.2% in the final quarter of 2004."])
    assert off_question(q, ["It grew 4.6% in the third quarter, up from 1.6% in the second quarter."]) is None
    assert off_question("What did Parmalat earn in the fourth quarter?", ["77m euros in the final quarter."]) is None
