from rag.ages import age_of, people, read_ages
from rag.compare import choice
from rag.types import Passage


def passage(text, doc="sport/1.txt", n=0):
    return Passage(chunk_id=f"{doc}#{n}", doc_id=doc, text=text, start=100, end=100 + len(text), score=0.5,
                   title="A headline")


def test_the_forms_news_gives_an_age_in():
    for text in ("Bath prop Duncan Bell could make his debut. Bell, 30, had set his sights on Wales.",
                 "The 30-year-old Bath prop Bell could make his debut.",
                 "Bath prop Bell (30) could make his debut.",
                 "Novelist Arthur Bell, who has died at the age of 30, wrote thrillers.",
                 "Conductor Marcello Bell has died in Germany at 30, his theatre said.",
                 "At 30, Bell has the rugby world at his feet."):
        assert age_of("Bell", [passage(text)])[0] == 30, text


def test_an_age_is_only_read_next_to_the_name():
    assert age_of("Morrison", [passage("Historians found a 40-year-old clip of a clean-cut Jim Morrison.")]) is None
    assert age_of("Bell", [passage("Bell, 2, led. The score was Arsenal 2-1.")]) is None
    assert age_of("Bell", [passage("Duncan Bell joined England's 30-man squad.")]) is None


def test_two_different_ages_for_one_name_are_not_read():
    text = "Hailey, 84, has died. Detective was Hailey's final book, when at the age of 77 he decided to retire."
    assert age_of("Hailey", [passage(text)]) is None


def test_the_sentence_that_gives_the_age_is_the_span():
    text = "Bath prop Duncan Bell joins the squad. Bell, 30, had set his sights on Wales. He plays for Bath."
    age, index, (start, end) = age_of("Bell", [passage("Nothing here."), passage(text)])
    assert (age, index) == (30, 1) and text[start:end] == "Bell, 30, had set his sights on Wales."


def test_whose_ages_a_question_compares():
    assert people("Who is older: England's uncapped Bath prop Bell or Wales flanker Martyn Williams?",
                  choice("Who is older: England's uncapped Bath prop Bell or Wales flanker Martyn Williams?")) \
        == ("Bell", "Williams")
    q = "How many years older was the novelist Arthur Hailey than the conductor Marcello Viotti when each died?"
    assert people(q, None) == ("Hailey", "Viotti")
    q = "How many years older was Alan Greenspan when he gave the lecture than Bernie Ebbers was during his trial?"
    assert people(q, None) == ("Greenspan", "Ebbers")
    q = ("Who was older: Welsh centre Gavin Henson when his penalty beat England in the 2005 Six Nations, "
         "or triple jumper Phillips Idowu when Jonathan Edwards tipped him for gold?")
    assert people(q, choice(q)) == ("Henson", "Idowu")  # the name before what they did
    q = "Who was the older man: Andre Agassi, the four-time champion, or Carlos Moya, who skipped the Davis Cup?"
    assert people(q, choice(q)) == ("Agassi", "Moya")  # an option with a comma of its own
    assert people("Who is older: the Moroccan champion or the Greek sprinter?",
                  choice("Who is older: the Moroccan champion or the Greek sprinter?")) is None  # no names
    assert people("Whose profit was bigger: WPP or Barclays?", choice("Whose profit was bigger: WPP or Barclays?")) is None


def test_an_either_or_age_question_is_answered_with_both_cited_ages_naming_only_the_winner():
    q = "Who is older: Bath prop Bell or Wales flanker Martyn Williams?"
    ps = [passage("Bell, 30, had set his sights on Wales.", "sport/300.txt"),
          passage("Openside flanker Williams, 29, is fit.", "sport/355.txt")]
    parsed = read_ages(q, choice(q), ps)
    assert parsed.answer == ("Bell: aged 30 [1], against 29 [2]: 1 year older (computed by Byline). "
                             "Bell, aged 30 [1].")
    assert "Williams" not in parsed.answer
    assert [c.quote for c in parsed.citations] == ["Bell, 30, had set his sights on Wales.",
                                                  "Openside flanker Williams, 29, is fit."]
    assert parsed.citations[0].start == 100  # offsets in the article, as for every citation
    young = "Who is younger: Bath prop Bell or Wales flanker Martyn Williams?"
    assert read_ages(young, choice(young), ps).answer.startswith("Williams: aged 29 [2], against 30 [1]: 1 year younger")


def test_a_difference_of_ages_is_computed_after_both_ages():
    q = "How many years older was the novelist Arthur Hailey than the conductor Marcello Viotti when each died?"
    ps = [passage("Novelist Arthur Hailey, who has died at the age of 84, wrote Airport.", "e/16.txt"),
          passage("Conductor Marcello Viotti has died in Germany at 50.", "e/23.txt")]
    assert read_ages(q, None, ps).answer == ("Hailey, aged 84 [1]. Viotti, aged 50 [2]. Hailey (84) [1] is 34 years "
                                             "older than Viotti (50) [2] (computed by Byline).")


def test_no_answer_when_an_age_is_missing():
    q = "Who is older: Bath prop Bell or Wales flanker Martyn Williams?"
    assert read_ages(q, choice(q), [passage("Bell, 30, had set his sights on Wales.")]) is None
