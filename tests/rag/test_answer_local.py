"""End to end with the real local model (Qwen2.5-Coder-1.5B via llama.cpp) on the seed
article. The questions are our own wording; the checks are on facts, not phrasing."""

import pytest

from tests.conftest import SEED_FILE, SEEDS

pytestmark = pytest.mark.slow

QUESTIONS = [
    ("Who is the head of NATO quoted in the article?", ["Rutte"]),
    ("Which Russian spokeswoman commented on Ukraine's security agreements?", ["Zakharova"]),
    ("In which city did NATO hold its 2023 summit?", ["Vilnius"]),
    ("On what date did Zelensky speak about a partial invitation?", ["December 1", "Dec. 1", "1 December"]),
    ("Roughly how many bilateral agreements has Ukraine signed since 2023?", ["dozen", "12"]),
]
UNANSWERABLE = "How many fighter jets did Germany promise to deliver to Ukraine?"


@pytest.fixture(scope="module")
def answered(tmp_path_factory, embedder, local_llm):
    from rag.components import Components
    from rag.settings import Settings

    c = Components(Settings(data_dir=tmp_path_factory.mktemp("data"), seeds_dir=SEEDS))
    c.embedder, c.llm = embedder, local_llm
    c.ingester.run([SEEDS])
    return {q: c.answerer.run(q) for q, _ in QUESTIONS} | {UNANSWERABLE: c.answerer.run(UNANSWERABLE)}


@pytest.mark.parametrize("question,expected", QUESTIONS)
def test_answer_states_the_fact_with_verbatim_citations(answered, question, expected):
    answer = answered[question]
    assert not answer.abstained, answer.answer
    assert any(e.lower() in answer.answer.lower() for e in expected), answer.answer
    assert answer.citations, answer.answer
    body = SEED_FILE.read_text(encoding="utf-8")
    for c in answer.citations:
        assert c.doc_id == SEED_FILE.name
        assert body[c.start:c.end] == c.quote and c.quote in body


def test_question_the_article_cannot_answer_abstains(answered):
    answer = answered[UNANSWERABLE]
    assert answer.abstained, answer.answer
    assert answer.citations == []
