"""The runner with stand-in retriever, answerer and store (the real ones: test_cli.py)."""

import pytest

from eval.gold import GoldItem
from eval.runner import Runner, check_sources
from rag.errors import BackendTimeout, InvalidInput, NotFound
from rag.types import Answer, Article, Citation, Passage, Sentence

BODY = "Mark Rutte spoke in Brussels. Allies agreed."


class Store:
    def __init__(self):
        self.gets = []

    def get(self, doc_id):
        self.gets.append(doc_id)
        if doc_id != "a.txt":
            raise NotFound(doc_id)
        return Article(doc_id="a.txt", title="t", body=BODY)

    def hashes(self):
        return {"a.txt": ("h", "/root"), "b.txt": ("h", "/root")}


def passage(doc_id, n=0, score=0.5):
    return Passage(chunk_id=f"{doc_id}#{n}", doc_id=doc_id, text=BODY, start=0, end=len(BODY), score=score)


class Retriever:
    def __init__(self, found=True):
        self.calls = []
        self.found = found

    def retrieve(self, query, top_k=None, filters=None):
        self.calls.append(top_k)
        passages = [passage("b.txt", score=0.71), passage("a.txt", score=0.6), passage("a.txt", 1, score=0.4)]
        return passages[:top_k] if self.found else []


def cite(i, doc_id, start, end, quote=None):
    return Citation(i, doc_id, "t", "", None, f"{doc_id}#0", BODY[start:end] if quote is None else quote, start, end)


class Answerer:
    def __init__(self, fail=None, abstain_reason=None):
        self.fail = fail
        self.abstain_reason = abstain_reason

    def run(self, question, *, top_k=None, filters=None, on_token=None):
        if self.fail:
            raise self.fail
        cites = [cite(1, "a.txt", 0, 29), cite(2, "a.txt", 0, 10, "Mark Rutte spoke"), cite(3, "z.txt", 0, 4)]
        answer = Answer(question, "Mark Rutte [1][2][3].", False, cites,
                        [Sentence("Mark Rutte.", [1, 2, 3], True)], "m",
                        {"retrieve": 1, "prompt": 2, "generate": 3, "total": 4},
                        passages=[passage("b.txt"), passage("a.txt")])
        if self.abstain_reason:  # as the newer rag.types.Answer carries it
            answer.abstain_reason = self.abstain_reason
        return answer


ITEM = GoldItem("s1", "Who spoke?", "Rutte", ("Rutte",), ("a.txt",), "single", 7)


def test_retrieval_only_uses_k10_and_never_answers():
    retriever = Retriever()
    [r] = Runner(retriever, Store()).run([ITEM])
    assert retriever.calls == [10]
    assert r.retrieved == ["b.txt", "a.txt", "a.txt"] and not r.answered and r.answer == ""


def test_answers_are_recorded_and_each_quote_checked_against_the_body():
    store = Store()
    ticks = []
    [r] = Runner(Retriever(), store, Answerer()).run([ITEM], progress=lambda: ticks.append(1))
    assert ticks == [1]
    assert r.answered and r.answer.startswith("Mark Rutte") and r.model == "m"
    assert [c.valid for c in r.citations] == [True, False, False]  # good; offsets wrong; unknown article
    assert r.context == ["b.txt", "a.txt"] and r.timings_ms["total"] == 4
    assert store.gets.count("a.txt") == 1  # bodies are fetched once


@pytest.mark.parametrize("error", [BackendTimeout("slow"), InvalidInput("prompt too long")])
def test_an_item_level_failure_is_recorded_and_the_run_goes_on(error):
    [r] = Runner(Retriever(), Store(), Answerer(fail=error)).run([ITEM])
    assert r.answered and r.error.endswith(str(error)) and r.retrieved


def test_sources_missing_from_the_corpus_name_file_and_line():
    check_sources(Store(), [ITEM], "g.jsonl")
    bad = GoldItem("s2", "q", "a", ("a",), ("a.txt", "business/999.txt"), "multi", 12)
    with pytest.raises(InvalidInput, match=r"^g.jsonl:12: source 'business/999.txt' is not an article"):
        check_sources(Store(), [ITEM, bad], "g.jsonl")


def test_evidence_is_the_top_passage_score_of_the_k10_retrieval():
    [r] = Runner(Retriever(), Store()).run([ITEM])
    assert r.evidence == 0.71 and r.abstain_reason is None
    [empty] = Runner(Retriever(found=False), Store()).run([ITEM])
    assert empty.evidence is None and empty.retrieved == []


def test_abstain_reason_is_read_from_the_answer_when_it_has_one():
    [old] = Runner(Retriever(), Store(), Answerer()).run([ITEM])
    assert old.abstain_reason is None and old.evidence == 0.71
    [new] = Runner(Retriever(), Store(), Answerer(abstain_reason="no_evidence")).run([ITEM])
    assert new.abstain_reason == "no_evidence"
