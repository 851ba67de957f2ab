"""End to end with the real local model (Qwen2.5-Coder-1.5B via llama.cpp) on the seed
article. The questions are our own wording; the checks are on facts, not phrasing."""

import re

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


class Recording:
    """The real model, recording the user message of every prompt it is given."""

    def __init__(self, llm):
        self.llm, self.model, self.prompts = llm, llm.model, []

    def stream(self, messages, **kwargs):
        self.prompts.append(messages[-1]["content"])
        yield from self.llm.stream(messages, **kwargs)


@pytest.fixture(scope="module")
def asked(tmp_path_factory, embedder, local_llm):
    """question -> (answer, the prompts the model was given for it), default settings."""
    from rag.components import Components
    from rag.settings import Settings

    c = Components(Settings(data_dir=tmp_path_factory.mktemp("data"), seeds_dir=SEEDS))
    c.embedder, c.llm = embedder, Recording(local_llm)
    c.ingester.run([SEEDS])
    out = {}
    for q in [q for q, _ in QUESTIONS] + [UNANSWERABLE]:
        c.llm.prompts = []
        out[q] = (c.answerer.run(q), c.llm.prompts)
    return out


@pytest.fixture(scope="module")
def answered(asked):
    return {q: answer for q, (answer, _) in asked.items()}


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


def test_each_answer_is_shown_after_the_model_read_the_passages_again_in_reverse_order(asked):
    passages = lambda prompt: re.findall(r"<passage id=\d+[^>]*>\n(.*?)\n</passage>", prompt)  # noqa: E731
    for question, _ in QUESTIONS:
        answer, prompts = asked[question]
        assert len(prompts) == 2 and len(passages(prompts[0])) > 1, question
        assert passages(prompts[1]) == passages(prompts[0])[::-1]
        assert not answer.abstained, answer.withheld
