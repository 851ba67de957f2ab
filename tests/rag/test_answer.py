"""Prompt assembly and the answer pipeline with a scripted LLM (the real model is in
test_answer_local.py)."""

import re
from datetime import date

import pytest

from rag.answer import Answerer, build_prompt
from rag.errors import InvalidInput
from rag.prompts import ABSTAIN_PHRASE, SYSTEM_PROMPT
from rag.types import Passage

P = Passage(chunk_id="a#0", doc_id="a.txt", text="Rutte spoke in Brussels on Tuesday.\nHe left.", start=10,
            end=54, score=0.9, title="NATO talks", published=date(2024, 12, 3))


class ScriptedLLM:
    model = "scripted"

    def __init__(self, reply):
        self.reply, self.calls = reply, []

    def stream(self, messages, *, max_tokens, temperature):
        self.calls.append(messages)
        yield from re.findall(r"\S+\s*", self.reply)


class FixedRetriever:
    def __init__(self, passages):
        self.passages, self.calls = passages, []

    def retrieve(self, query, top_k=None, filters=None):
        self.calls.append((query, top_k, filters))
        return self.passages[:top_k]


def test_prompt_numbers_passages_with_title_and_date_and_ends_with_question():
    prompt = build_prompt(" Where did Rutte speak? ", [P])
    assert "[1] NATO talks (2024-12-03)\nRutte spoke in Brussels on Tuesday. He left." in prompt
    assert prompt.endswith("Question: Where did Rutte speak?")
    assert ABSTAIN_PHRASE in SYSTEM_PROMPT


def test_answer_streams_tokens_and_parses_citations():
    llm = ScriptedLLM("He spoke in Brussels [1].")
    tokens = []
    answer = Answerer(FixedRetriever([P]), llm, top_k=3).run("Where?", on_token=tokens.append)
    assert tokens == ["He ", "spoke ", "in ", "Brussels ", "[1]."]
    sent = llm.calls[0]
    assert sent[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert sent[-1]["role"] == "user" and sent[-1]["content"].endswith("Question: Where?")
    assert answer.answer == "He spoke in Brussels [1]."
    assert answer.citations[0].quote == "Rutte spoke in Brussels on Tuesday."
    assert answer.citations[0].start == 10
    d = answer.to_dict()
    assert set(d) == {"question", "answer", "abstained", "citations", "sentences", "model", "timings_ms"}
    assert set(d["timings_ms"]) >= {"retrieve", "generate", "total"}
    assert d["citations"][0]["published"] == "2024-12-03"


def test_no_passages_abstains_without_calling_the_llm():
    llm = ScriptedLLM("anything")
    answer = Answerer(FixedRetriever([]), llm).run("Where?")
    assert answer.abstained and answer.answer == ABSTAIN_PHRASE and llm.calls == []


def test_empty_question_is_rejected():
    with pytest.raises(InvalidInput):
        Answerer(FixedRetriever([P]), ScriptedLLM("x")).run("   ")
