from rag.prompts import FEW_SHOT
from rag.verify import content_words, is_refusal, local_support, names, numbers, problem, sentence_spans

TEXT = ("NATO Secretary General Mark Rutte said at a press conference ahead of a meeting of NATO "
        "foreign ministers that 32 allies back Ukraine. Zelensky said on December 1 that Kiev would "
        "never accept a partial invitation.")


def test_a_sentence_the_passage_states_passes():
    assert problem("Mark Rutte spoke ahead of a meeting of NATO foreign ministers.", [TEXT]) is None
    assert problem("Zelensky's remarks came on December 1.", [TEXT]) is None


def test_numbers_must_agree_on_boundaries():
    assert numbers("It cost £1,200 and 4.75% in 2023") == {"1200", "4.75", "2023"}
    assert "320" in problem("320 allies back Ukraine.", [TEXT])
    assert "3" in problem("Zelensky spoke on December 3.", [TEXT])


def test_names_must_be_in_the_passage():
    assert names("In Paris, Macron met Rutte's team.") == ["Paris", "Macron", "Rutte"]
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


def test_sentence_spans_keep_decimals_and_quotes_together():
    text = 'Profit rose to $1.13bn. "It is good," he said.\nNext line'
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Profit rose to $1.13bn.", '"It is good," he said.', "Next line"]


def test_number_words_count_as_numbers():
    assert numbers("Three ministers and a dozen deals") == {"3", "12"}
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



def test_an_added_fact_must_stand_next_to_what_the_sentence_says_it_is_about():
    from rag.verify import problem

    passage = ("BRUSSELS, December 3. /TASS/. Allies met to talk about aid.\n"
               "Later in the year leaders went on to gather in Washington for a summit, the report said.")
    q = "On what dates was the NATO Washington summit held?"
    assert "does not say '3' of 'washington'" in problem("The Washington summit was held on December 3.", [passage], q)
    assert problem("Allies met on December 3.", [passage], "When did the allies meet?") is None
    assert problem("Leaders gathered in Washington for a summit.", [passage], "Where did leaders gather?") is None


def test_a_fact_is_about_the_subject_its_headline_names_wherever_it_stands():
    body = ("The state's new law bans software that takes control of another computer. It also requires "
            "websites to disclose spyware. Consumers can seek up to $1,000 in damages if they fall victim.")
    q = "Up to how much in damages can consumers claim under California's new anti-spyware law?"
    said = "Up to $1,000 in damages can be claimed under California's new anti-spyware law."
    assert problem(said, ["California sets fines for spyware\n" + body], q) is None
    assert "does not say '1000' of 'california'" in problem(said, ["Spyware fines\nCalifornia voted. " + body], q)


def test_an_acronym_in_the_question_is_found_written_out_in_the_passage():
    passage = ("Drink limit\nUniversity College London research claims cutting the limit to 50mg would "
               "save 65 lives a year.")
    q = "How many deaths a year does the UCL study reckon a lower limit could prevent?"
    assert problem("The UCL study reckons a lower limit could prevent 65 deaths a year.", [passage], q) is None
    assert "names none of the question's names (UCL)" in problem(
        "The study reckons 65 lives.", ["Drink limit\nUniversal Credit research saves 65 lives a year in Leeds."], q)


def test_a_country_sets_the_scene_and_a_fact_need_not_stand_next_to_it():
    passage = ("The UK shipyard closed in May after years of losses. Ships were built there until 2003. "
               "Its manager, Ann Lee, was paid a bonus of \u00a39,000 despite the losses.")
    q = "What bonus did the manager of the failed UK shipyard get?"
    assert problem("The manager of the failed UK shipyard was paid a bonus of \u00a39,000.", [passage], q) is None


def test_a_year_from_the_question_must_be_the_passages_year():
    passage = "Tokumasu added that the 2002 football World Cup, co-hosted by Japan and South Korea, had been a huge success."
    q = "Which country won the 2022 football World Cup in Qatar?"
    assert problem("Japan won the 2022 football World Cup in Qatar.", [passage], q) == \
        "the cited passage speaks of 2002, not 2022"
    assert problem("Japan co-hosted the 2002 World Cup.", [passage], "Who co-hosted the 2002 World Cup?") is None
    undated = "Japan and South Korea co-hosted the football World Cup, Tokumasu said."
    assert problem("Japan co-hosted the 2002 World Cup.", [undated], "Who co-hosted the 2002 World Cup?") is None


def test_the_passage_must_name_one_of_the_questions_names():
    poker = "The top prize at each stop on the world tour will be $15,000, the organisers said."
    q = "How much does a ticket for the 2005 Glastonbury festival cost?"
    assert problem("The top prize will be $15,000.", [poker], q) == \
        "the cited passage names none of the question's names (Glastonbury)"
    assert problem("The top prize will be $15,000.", ["Glastonbury\n" + poker], q) is None  # the headline counts
    assert problem("The top prize will be $15,000.", [poker], "How much is the top prize on the tour?") is None


def test_an_irregular_past_is_its_verb():
    assert content_words("Exports rose and grew") == content_words("exports rise and grow")
    q = "By what percentage did exports grow in 2004?"
    cited = ["Trade figures\nThe annual total of exports was up 35.4% in 2004."]
    assert problem("Exports grew by 35.4% in 2004.", cited, q) is None  # "grew" is the question's "grow"
    assert problem("Exports grew by 35.4% in 2004.", cited, "What happened to exports in 2004?")


def test_a_how_many_answer_must_count_what_was_asked():
    embassies = ["Embassies to shut\nNine overseas embassies and high commissions will close to save money."]
    q = "How many diplomatic jobs will be lost through the closures?"
    assert "does not count jobs" in problem("Nine overseas embassies will close.", embassies, q)
    staff = ["Embassies to shut\nNine overseas embassies will close and 120 staff will go."]
    assert problem("120 jobs will be lost.", staff, q) is None  # kinds of people count one another
    lives = ["Drink-drive limit\nCutting the limit would save 65 lives a year, the study says."]
    assert problem("Cutting the limit would prevent 65 deaths a year.", lives,
                   "How many deaths a year could cutting the limit prevent?") is None
    assert problem("Cutting the limit would save 65 lives a year.", lives, "How much would the limit cost?") is None
    films = ["DVD round-up\nSometimes quality comes in bulk: this set contains 34 John Wayne films."]
    assert problem("The set contained 34 John Wayne films.", films,
                   "How many of his films did the John Wayne box set contain?") is None  # the films, not "his"
    snaps = ["Gigapixel\nThe image of Delft was made by stitching together 600 single snaps of the city."]
    q = "How many separate photos did the researchers stitch together?"
    assert problem("They stitched together 600 separate photos.", snaps, q) is None  # kinds of pictures
    assert "does not count photos" in problem("They stitched together 600 photos.",
                                              ["Gigapixel\nThe team of 600 worked on the city."], q)
    caps = ["Llewellyn to retire\nIt is time to end his 92-cap Wales career, the veteran lock said."]
    assert problem("Gareth Llewellyn had won 92 caps.", caps, "How many Wales caps had Gareth Llewellyn won?") is None


def test_a_time_of_day_in_the_passage_is_not_a_plain_number():
    report = ["Ireland 17-12 South Africa\nLansdowne Road, Dublin  1300 GMT\nIreland won a tight game."]
    q = "What was the attendance when Ireland beat South Africa 17-12?"
    assert "time of day" in problem("The attendance was 1300.", report, q)
    assert problem("The match at Lansdowne Road began at 1300 GMT.", report, "When did the match begin?") is None


def test_a_score_belongs_to_the_match_whose_names_come_before_it():
    roundup = ["SAP Open\nUnseeded Cyril Saulnier beat the fourth seed Vincent Spadea 6-2 6-4 and Tommy Haas "
               "overcame Max Mirnyi 6-7 (2-7) 7-6 (7-3) 6-2. Melzer has now beaten Agassi twice."]
    q = "By what score did Jurgen Melzer beat Andre Agassi?"
    assert "another match" in problem("Jurgen Melzer beat Andre Agassi 6-2 6-4.", roundup, q)
    assert "no score" in problem("Jurgen Melzer beat Andre Agassi 6-4 6-4.", roundup, q)
    own = ["SAP Open\nMelzer beat Andre Agassi 6-3 6-1 in San Jose. The top seed went down 7-6 (7-4) 6-3."]
    assert problem("Jurgen Melzer beat Andre Agassi 6-3 6-1.", own, q) is None
    assert problem("Andre Agassi went down 7-6 6-3.", own, "What was the score when Agassi lost?") is None


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
    assert content_words("Unilever agreed; prices priced") == content_words("Unilever agrees; price pricing")
    deal = ["Slimming deal\nUnilever will pay Phytopharm £6.5m now and up to £21m in all."]
    q = "How much did Unilever agree to pay Phytopharm straight away?"
    assert problem("Unilever agreed to pay Phytopharm £6.5m straight away.", deal, q) is None


def test_a_figure_the_passage_gives_for_another_country_is_not_the_questions():
    passage = ("DS launch\nBritish children enjoy the highest income in Europe, more than double that of Spanish "
               "youngsters. Children in the UK aged 10 to 17 had an annual income of £775, said Datamonitor.")
    q = "What yearly income did the Datamonitor study find for Spanish children aged 10 to 17?"
    assert problem("Spanish children had an annual income of £775.", [passage], q) == \
        "the cited passage gives 775 for another country than the question's"
    assert problem("British children had an annual income of £775.", [passage], q)
    q = "What yearly income did the Datamonitor study find for British children aged 10 to 17?"
    assert problem("British children had an annual income of £775.", [passage], q) is None  # UK = British
    # a figure whose sentence names no country, or a question asking for a country, is not held to it
    plain = "DS launch\nThe study said children aged 10 to 17 had an annual income of £775."
    assert problem("Spanish children had an annual income of £775.", [plain],
                   "What yearly income did the study find for Spanish children?") is None
    assert problem("The UK, at £775.", [passage], "Which country's children had £775 a year, unlike Spain's?") is None


def test_a_figure_the_passage_gives_as_expected_or_sued_for_is_not_what_happened():
    passage = ("Parker sax\nA saxophone of Charlie Parker is expected to fetch up to $1m (£535,000) at an auction "
               "next month. The sale will feature other items.")
    q = "How much did Charlie Parker's saxophone finally sell for at the auction?"
    assert problem("It sold for $1m (£535,000).", [passage], q) == \
        "the cited passage gives 1 as expected or sued for, not as what happened"
    assert problem("It is expected to fetch up to $1m.", [passage], q) is None  # said as the passage says it
    assert problem("Up to $1m.", [passage], "How much is the saxophone expected to fetch?") is None
    suit = "Mars sued\nGuitarist Mick Mars is being sued by his ex-girlfriend for $10 million (£5.4 million)."
    assert problem("The court awarded her $10 million.", [suit], "How much did the court award her?")
    assert problem("She is asking $10 million.", [suit], "How much is she claiming from Mars?") is None
    after = "Multiplex\nShares fell despite Multiplex reporting an 11% rise in profits and keeping its forecasts."
    assert problem("Multiplex's profits rose 11%.", [after], "By what percentage did Multiplex's profit rise?") is None


def test_a_fact_said_of_someone_the_passage_never_names_is_about_someone_else():
    seat = "Poll race\nOona King has held Bethnal Green and Bow since 1997. The shops bill covers Christmas Day."
    q = "Karen Whitefield's bill would close shops on Christmas Day. Which constituency does she represent?"
    assert problem("Karen Whitefield represents Bethnal Green and Bow.", [seat], q) == \
        "the cited passage does not name 'Karen'"
    # named elsewhere in the article (`kin`): the passage's "Its" is Preston's council
    roll = "Registers\nIts electoral roll fell by 17.5% in a year, before the 11 March deadline."
    q = "Before the March deadline, by what percentage had Preston's electoral roll dropped over a year?"
    assert problem("Preston's electoral roll fell by 17.5% over a year.", [roll], q) == \
        "the cited passage does not name 'Preston'"
    article = "Last week Preston City Council reported that 14,000 voters were not registered. " + roll
    assert problem("Preston's electoral roll fell by 17.5% over a year.", [roll], q, [article]) is None
    # a sentence that adds nothing, or one about a country only, is left to the other checks
    assert problem("The electoral roll fell by 17.5% in a year.", [roll], q) is None
