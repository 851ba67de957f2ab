from rag.prompts import FEW_SHOT
from rag.verify import is_refusal, local_support, problem

TEXT = ("NATO Secretary General Mark Rutte said at a press conference ahead of a meeting of NATO "
        "foreign ministers that 32 allies back Ukraine. Zelensky said on December 1 that Kiev would "
        "never accept a partial invitation.")


def test_a_sentence_the_passage_states_passes():
    assert problem("Mark Rutte spoke ahead of a meeting of NATO foreign ministers.", [TEXT]) is None
    assert problem("Zelensky's remarks came on December 1.", [TEXT]) is None


def test_numbers_must_agree_on_boundaries():
    assert "320" in problem("320 allies back Ukraine.", [TEXT])
    assert "3" in problem("Zelensky spoke on December 3.", [TEXT])


def test_names_must_be_in_the_passage():
    assert "Germany" in problem("Rutte said Germany backs Ukraine.", [TEXT])


def test_a_worked_example_repeated_as_an_answer_is_caught():
    example = next(m["content"] for m in FEW_SHOT if m["role"] == "assistant" and "%" in m["content"])
    reason = problem(example.replace(" [1]", ""), [TEXT])
    assert reason and "worked example" in reason


def test_no_citation_is_a_problem():
    assert problem("Rutte spoke.", []) == "cites no passage"


def test_refusals_and_their_paraphrases():
    for text in ("The articles do not say.", "The passages do not mention the coach.",
                 "It is not stated in the articles.", "There is no information about the price.",
                 "The article doesn't specify the date."):
        assert is_refusal(text), text
    for text in ("Rutte did not rule out talks.", "Ukraine will not be invited.", "No deal was reached."):
        assert not is_refusal(text), text


def test_support_counts_content_words_in_one_place():
    assert local_support("Rutte spoke in Brussels", ["Rutte spoke in Brussels."]) == 1.0
    assert local_support("Macron spoke in Paris", ["Rutte spoke in Brussels."]) < 0.6


def test_an_age_is_one_fact_however_it_is_put():
    question = "How old was the actor when he died?"
    for passage in ("The actor has died at the age of 85.", "The actor died aged 85.",
                    "The actor, 85, died at home.", "The 85-year-old actor died."):
        assert problem("The actor was 85 years old when he died.", [passage], question) is None, passage
    assert problem("The actor was 58 years old when he died.", ["The actor died aged 85."], question)


def test_verb_endings_and_number_words_do_not_hide_support():
    assert problem("The worm exploited the widely used phpBB software.",
                   ["The program exploits a flaw in the widely used phpBB software."],
                   "Which forum software did the worm exploit?") is None
    assert problem("Collins was banned for 8 years.", ["Collins was given an eight-year ban."],
                   "How long was Collins banned for?") is None
    assert local_support("sales increased fourfold", ["Sales increased fourfold."]) == 1.0
    # what the sentence adds ("increased fourfold") is weighed as stemmed once, not twice
    assert problem("Traffic increased fourfold on launch day.", ["Traffic increased fourfold on launch day."],
                   "By how much did traffic increase on launch day?") is None


def test_number_words_count_as_numbers():
    assert "3" in problem("Three foreign ministers took part.", [TEXT])


def test_a_claim_with_not_is_not_a_refusal():
    assert not is_refusal("These documents do not contain any guarantees.")
    assert is_refusal("The passages do not contain the figure.")



def test_names_and_numbers_the_question_gives_are_its_premise():
    text = "Federer beat Ivan Ljubicic 6-1 6-7 6-3 in the final."
    question = "Who did Roger Federer beat in the final to win the Dubai Championship?"
    assert problem("Federer beat Ivan Ljubicic in the final of the Dubai Championship.", [text], question) is None
    assert "Paris" in problem("Federer beat Ivan Ljubicic in Paris.", [text], question)
    # a verdict made only of the question's words still needs them in the passage
    assert problem("Chris Rock is older.", [text], "Who is older: Chris Rock or Daniel Day-Lewis?")


def test_hyphens_and_plurals_do_not_hide_support():
    assert problem("Lucy was 36 years old.", ["His daughter Lucy, a 36-year-old, met him."]) is None


def test_the_readers_own_words_for_the_premise_are_not_required_in_the_passage():
    assert problem("The head of NATO is Mark Rutte.", [TEXT], "Who is the head of NATO that TASS quotes?") is None



def test_an_acronym_in_the_question_is_found_written_out_in_the_passage():
    passage = ("Drink limit\nUniversity College London research claims cutting the limit to 50mg would "
               "save 65 lives a year.")
    q = "How many deaths a year does the UCL study reckon a lower limit could prevent?"
    assert problem("The UCL study reckons a lower limit could prevent 65 deaths a year.", [passage], q) is None
    assert "names none of the question's names (UCL)" in problem(
        "The study reckons 65 lives.", ["Drink limit\nUniversal Credit research saves 65 lives a year in Leeds."], q)


def test_the_passage_must_name_one_of_the_questions_names():
    poker = "The top prize at each stop on the world tour will be $15,000, the organisers said."
    q = "How much does a ticket for the 2005 Glastonbury festival cost?"
    assert problem("The top prize will be $15,000.", [poker], q) == \
        "the cited passage names none of the question's names (Glastonbury)"
    assert problem("The top prize will be $15,000.", ["Glastonbury\n" + poker], q) is None  # the headline counts
    assert problem("The top prize will be $15,000.", [poker], "How much is the top prize on the tour?") is None


def test_an_irregular_past_is_its_verb():
    q = "By what percentage did exports grow in 2004?"
    cited = ["Trade figures\nThe annual total of exports was up 35.4% in 2004."]
    assert problem("Exports grew by 35.4% in 2004.", cited, q) is None  # "grew" is the question's "grow"
    assert problem("Exports grew by 35.4% in 2004.", cited, "What happened to exports in 2004?")


def test_a_country_the_question_names_is_the_scene_not_the_subject():
    other_firm = ["Games jobs\nUK developer Argonaut Games employs about 100 people."]
    q = "How many people does the UK games developer Rebellion employ?"
    assert "names none of the question's names (Rebellion)" in problem("Argonaut employs about 100 people.",
                                                                       other_firm, q)
    own = ["Games jobs\nRebellion, based in Oxford, employs 200 people."]
    assert problem("Rebellion employs 200 people.", own, q) is None
    either = "Which cost UK taxpayers more: the e-University or the Millennium Dome?"  # each side's passage
    assert problem("The e-University cost UK taxpayers £50m.", ["Waste\nThe UK e-University cost £50m."],
                   either) is None


def test_a_question_naming_only_a_country_requires_no_name():
    robots = ["Robots learn manners\nHertfordshire researchers are teaching a robot to play pass-the-parcel."]
    q = "At which British university were researchers teaching a robot to play pass-the-parcel?"
    assert problem("Hertfordshire researchers were teaching it.", robots, q) is None


def test_a_final_e_does_not_hide_a_verb_form():
    deal = ["Slimming deal\nUnilever will pay Phytopharm £6.5m now and up to £21m in all."]
    q = "How much did Unilever agree to pay Phytopharm straight away?"
    assert problem("Unilever agreed to pay Phytopharm £6.5m straight away.", deal, q) is None
