"""rag.attribution's checks, as rag.verify.problem runs them on a sentence and its cited passages."""

from rag.verify import problem


def test_an_added_fact_must_stand_next_to_what_the_sentence_says_it_is_about():
    from rag.verify import problem

    passage = ("BRUSSELS, December 3. /TASS/. Allies met to talk about aid.\n"
               "Later in the year leaders went on to gather in Washington for a summit, the report said.")
    q = "On what dates was the NATO Washington summit held?"
    assert "does not say '3' of 'washington'" in problem("The Washington summit was held on December 3.", [passage], q)
    assert problem("Allies met on December 3.", [passage], "When did the allies meet?") is None
    assert problem("Leaders gathered in Washington for a summit.", [passage], "Where did leaders gather?") is None
    # two detached figures: the reason names the first in order, whatever the process's hash seed
    prices = "Consoles\nThe PlayStation Portable will be launched soon.\nIt is a rival. Rivals cost $250 (£132)."
    assert problem("The PlayStation Portable costs $250 (£132).", [prices], "How much is the PlayStation Portable?") \
        == "the cited passage does not say '132' of 'playstation'"


def test_a_fact_is_about_the_subject_its_headline_names_wherever_it_stands():
    body = ("The state's new law bans software that takes control of another computer. It also requires "
            "websites to disclose spyware. Consumers can seek up to $1,000 in damages if they fall victim.")
    q = "Up to how much in damages can consumers claim under California's new anti-spyware law?"
    said = "Up to $1,000 in damages can be claimed under California's new anti-spyware law."
    assert problem(said, ["California sets fines for spyware\n" + body], q) is None
    assert "does not say '1000' of 'california'" in problem(said, ["Spyware fines\nCalifornia voted. " + body], q)


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
    # a day is no one: "the Wednesday show" need not be named so in the passage
    shows = "Radio 1\nIn John Peel's old slot, Ras Kwame will host the show in the middle of the week."
    peel = "Radio 1 split John Peel's slot between three DJs. Who took the Wednesday show?"
    assert problem("Ras Kwame took the Wednesday show.", [shows], peel) is None
    # a sentence that adds nothing, or one about a country only, is left to the other checks
    assert problem("The electoral roll fell by 17.5% in a year.", [roll], q) is None


def test_a_person_the_passage_gives_another_kind_of_role_is_not_the_one_asked_for():
    report = "Wales win\nWales coach Mike Ruddock praised replacement Rhys Williams, 24, who said the Slam was far off."
    q = "Which Welsh replacement insisted a Grand Slam was the last thing on their minds?"
    assert problem("Mike Ruddock insisted the Slam was far off.", [report], q) == \
        "the cited passage calls Ruddock a coach, not a replacement"
    assert problem("Rhys Williams insisted the Slam was far off.", [report], q) is None
    # roles of one family answer one another, and a question that asks no role is not held to it
    chelsea = "Chelsea win\nChelsea striker Didier Drogba scored the only goal."
    assert problem("Didier Drogba scored the only goal.", [chelsea], "Which Chelsea player scored the goal?") is None
    assert problem("Didier Drogba scored the only goal.", [chelsea], "Who scored Chelsea's only goal?") is None
    assert problem("Ruddock holds the position of coach.", [report],
                   "What position does the Wales official Ruddock hold?") is None  # "official" is no asked role
