from rag.retrieval import diverse
from rag.types import Passage


def p(doc, n):
    return Passage(chunk_id=f"{doc}#{n}", doc_id=doc, text="t", start=0, end=1, score=1 - n / 10)


def test_diverse_caps_passages_per_article_while_others_are_left():
    ranked = [p("a", 0), p("a", 1), p("a", 2), p("a", 3), p("b", 4), p("c", 5)]
    assert [x.chunk_id for x in diverse(ranked, 4)] == ["a#0", "a#1", "b#4", "c#5"]


def test_diverse_fills_from_one_article_when_it_is_all_there_is():
    ranked = [p("a", n) for n in range(6)]
    assert [x.chunk_id for x in diverse(ranked, 4)] == ["a#0", "a#1", "a#2", "a#3"]
