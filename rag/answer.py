"""Question -> retrieve -> prompt -> LLM -> cited, checked Answer."""

from __future__ import annotations

import time
from collections.abc import Callable

from rag.citations import parse_answer
from rag.errors import InvalidInput
from rag.llm import LLM
from rag.prompts import PASSAGE_TEMPLATE, USER_TEMPLATE, messages
from rag.retrieval import Retriever
from rag.types import Answer, Filters, Passage

OnToken = Callable[[str], None]


def build_prompt(question: str, passages: list[Passage]) -> str:
    blocks = [PASSAGE_TEMPLATE.format(n=n, title=p.title or p.doc_id,
                                      date=f" ({p.published.isoformat()})" if p.published else "",
                                      text=" ".join(p.text.split()))
              for n, p in enumerate(passages, 1)]
    return USER_TEMPLATE.format(passages="\n\n".join(blocks), question=question.strip())


class Answerer:
    def __init__(self, retriever: Retriever, llm: LLM, *, top_k: int = 4, max_tokens: int = 200,
                 temperature: float = 0.0, model_name: str | None = None):
        if top_k < 1 or max_tokens < 1:
            raise ValueError("top_k and max_tokens must be >= 1")
        self.retriever = retriever
        self.llm = llm
        self.top_k = top_k
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.model_name = model_name

    def run(self, question: str, *, top_k: int | None = None, filters: Filters | None = None,
            on_token: OnToken | None = None) -> Answer:
        if not question or not question.strip():
            raise InvalidInput("the question is empty")
        t0 = time.perf_counter()
        passages = self.retriever.retrieve(question, top_k or self.top_k, filters)
        t_retrieved = time.perf_counter()
        raw, t_first = "", None
        if passages:
            for piece in self.llm.stream(messages(build_prompt(question, passages)),
                                         max_tokens=self.max_tokens, temperature=self.temperature):
                t_first = t_first or time.perf_counter()
                raw += piece
                if on_token:
                    on_token(piece)
        t_done = time.perf_counter()
        parsed = parse_answer(raw, passages)
        t_first = t_first or t_done
        ms = lambda a, b: round((b - a) * 1000)  # noqa: E731
        return Answer(
            question=question, answer=parsed.answer, abstained=parsed.abstained,
            citations=parsed.citations, sentences=parsed.sentences,
            model=self.model_name or self.llm.model,
            timings_ms={"retrieve": ms(t0, t_retrieved), "prompt": ms(t_retrieved, t_first),
                        "generate": ms(t_retrieved, t_done), "total": ms(t0, t_done)},
            passages=passages)
