"""Does a stated sentence answer the question (rag.relevance)."""

from rag.relevance import addresses, off_question


def test_a_question_for_an_amount_or_date_needs_one_in_the_answer():
    assert off_question("How much did the merger cost?", ["The banks merged to form a giant."])
    assert off_question("In what year did it open?", ["It opened to great acclaim."])
    for answer in ("It cost £3m.", "It cost three million pounds.", "It opened in March.", "A dozen."):
        assert off_question("How much did it cost, and in what year did it open?", [answer]) is None
    assert off_question("Who leads NATO?", ["Mark Rutte leads it."]) is None


def test_a_question_about_money_needs_a_sum():
    assert off_question("How much money did allies pledge?", ["Allies signed a dozen agreements."])
    assert off_question("How much money did allies pledge?", ["Allies pledged £40m."]) is None


def test_a_claim_must_share_a_word_with_the_question():
    text = "Rutte said the alliance met. He spoke in Brussels. Ukraine signed a dozen deals."
    assert addresses("Where did Rutte speak?", "He spoke in Brussels.", [text])
    assert not addresses("Where did Rutte speak?", "A dozen deals were signed.", ["Ukraine signed a dozen deals."])
