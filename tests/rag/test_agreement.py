"""rag.agreement: when a second answer to one question states something else (the
Answerer's use of it, with a scripted model, is in test_answer.py)."""

from rag.agreement import contradicts, facts, said
from rag.citations import abstention, parse_answer
from rag.types import Passage

P = [Passage(chunk_id=f"{d}#0", doc_id=d, text=t, start=0, end=len(t), score=0.5)
     for d, t in (("a", "Lord Callaghan died on the eve of his 93rd birthday. He was prime minister from 1976."),
                  ("b", "The Sun grid experiment cost $12 (£6.30). Sun spent $1bn on the grid."))]
Q = "How much did Sun spend on its computing grid?"


def claims(text: str, question: str = Q) -> str | None:
    return said(parse_answer(text, P, question))


def test_what_an_answer_says_is_its_claims_and_an_abstention_says_nothing():
    assert claims("Sun spent $1bn on the grid [2]. The articles do not say when.") == "Sun spent $1bn on the grid."
    assert said(abstention("model")) is None


def test_facts_are_numbers_and_names_the_question_does_not_hold():
    assert facts("The Sun grid experiment cost $12 (£6.30).", Q) == {"12", "6.30"}
    assert facts("It cost twelve dollars, The Times said.", Q) == {"12", "times"}


def test_the_same_fact_in_other_words_does_not_contradict():
    assert not contradicts(claims("Sun spent $1bn on the grid [2]."), claims("It was $1bn [2]."), Q)


def test_another_fact_contradicts():
    assert contradicts(claims("The Sun grid experiment cost $12 [2]."), claims("Sun spent $1bn on the grid [2]."), Q)


def test_an_abstention_contradicts_nothing():
    assert not contradicts(claims("Sun spent $1bn on the grid [2]."), None, Q)


def test_answers_without_facts_are_compared_by_their_words():
    q = "Why did Callaghan retire?"
    first = claims("Lord Callaghan died on the eve of his 93rd birthday [1].", q)
    assert not contradicts(first, claims("He died on the eve of his birthday [1].", q), q)
    assert contradicts(claims("He was prime minister [1].", q), claims("He died on the eve of his birthday [1].", q), q)


def test_a_second_answer_that_only_restates_the_question_contradicts_nothing():
    q = "In which city was the 2023 summit where the G7 announced security agreements?"
    assert not contradicts("Vilnius.", "The G7 announced security agreements at the 2023 summit.", q)
