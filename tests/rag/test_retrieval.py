import json
from pathlib import Path

import pytest

from rag.retrieval import distinct, diverse, with_lead, with_sides
from rag.types import Filters, Passage
from tests.conftest import SEEDS


def p(doc, n):
    return Passage(chunk_id=f"{doc}#{n}", doc_id=doc, text="t", start=0, end=1, score=1 - n / 10)


def test_diverse_keeps_one_slot_for_another_article():
    ranked = [p("a", 0), p("a", 1), p("a", 2), p("a", 3), p("b", 4), p("c", 5)]
    assert [x.chunk_id for x in diverse(ranked, 4)] == ["a#0", "a#1", "a#2", "b#4"]
    assert [x.chunk_id for x in diverse(ranked, 4, per_article=2)] == ["a#0", "a#1", "b#4", "c#5"]
    two = [p("a", 0), p("b", 1), p("a", 2), p("b", 3), p("a", 4), p("b", 5)]
    assert [x.chunk_id for x in diverse(two, 4)] == ["a#0", "b#1", "a#2", "b#3"]


def test_diverse_fills_from_one_article_when_it_is_all_there_is():
    ranked = [p("a", n) for n in range(6)]
    assert [x.chunk_id for x in diverse(ranked, 4)] == ["a#0", "a#1", "a#2", "a#3"]


def scored(doc, n, score):
    return Passage(chunk_id=f"{doc}#{n}", doc_id=doc, text="t", start=0, end=1, score=score)


def test_an_article_that_stands_out_by_the_margin_fills_every_slot():
    ranked = [scored("a", 0, 0.80), scored("a", 1, 0.75), scored("b", 2, 0.60), scored("a", 3, 0.55),
              scored("a", 4, 0.50)]
    assert [x.chunk_id for x in diverse(ranked, 4, margin=0.15)] == ["a#0", "a#1", "a#3", "a#4"]
    assert [x.chunk_id for x in diverse(ranked, 4, margin=0.25)] == ["a#0", "a#1", "b#2", "a#3"]
    assert [x.chunk_id for x in diverse(ranked, 4)] == ["a#0", "a#1", "b#2", "a#3"]  # no margin: slot kept


def test_a_standout_article_with_too_few_passages_leaves_the_rest_to_others_in_rank_order():
    ranked = [scored("a", 0, 0.80), scored("c", 1, 0.50), scored("b", 2, 0.60), scored("a", 3, 0.55)]
    assert [x.chunk_id for x in diverse(ranked, 4, margin=0.15)] == ["a#0", "c#1", "b#2", "a#3"]
    assert [x.chunk_id for x in diverse(ranked, 3, margin=0.15)] == ["a#0", "c#1", "a#3"]


def test_distinct_keeps_each_text_once_in_rank_order():
    def said(doc, n, text):
        return Passage(chunk_id=f"{doc}#{n}", doc_id=doc, text=text, start=0, end=len(text), score=1 - n / 10)

    first = said("a", 0, "Rates rose to 5.5% on Tuesday.")
    copy = said("b", 1, "rates rose to 5.5%  on Tuesday")  # the same story filed twice: same words
    other = said("a", 2, "Rates rose to 5.25% on Tuesday.")
    assert distinct([first, copy, other]) == [first, other]
    assert distinct([copy, first]) == [copy]
    assert distinct([]) == []


# ---- the best article's opening -------------------------------------------------------------

def test_the_best_articles_opening_replaces_its_lowest_ranked_passage():
    ranked = [p("a", 3), p("a", 1), p("b", 0), p("a", 5)]
    asked = []

    def lead_of(question, doc_id):
        asked.append((question, doc_id))
        return p(doc_id, 0)

    assert [x.chunk_id for x in with_lead("q", ranked, lead_of)] == ["a#3", "a#1", "b#0", "a#0"]
    assert asked == [("q", "a")]


def test_the_opening_is_not_fetched_when_it_is_there_or_the_best_article_has_one_passage():
    def lead_of(question, doc_id):
        raise AssertionError("fetched")

    there = [p("a", 3), p("a", 0), p("b", 1)]
    assert with_lead("q", there, lead_of) == there
    one_each = [p("a", 3), p("b", 2), p("c", 1)]  # a question about several articles keeps them all
    assert with_lead("q", one_each, lead_of) == one_each
    assert with_lead("q", [], lead_of) == []
    ranked = [p("a", 3), p("a", 1)]
    assert with_lead("q", ranked, lambda q, d: None) == ranked  # deleted since the search


def test_each_side_of_an_either_or_question_gets_its_best_passage():
    chosen = [p("a", 0), p("b", 1), p("a", 2), p("c", 3)]
    # a side already there changes nothing; a missing one takes a crowded article's last slot
    assert with_sides(chosen, [p("b", 5)]) == chosen
    assert [x.chunk_id for x in with_sides(chosen, [p("a", 0), p("d", 4)])] == ["a#0", "b#1", "d#4", "c#3"]
    # no crowded article: the lowest-ranked passage that is not another side's
    one_each = [p("a", 0), p("b", 1), p("c", 2)]
    assert [x.chunk_id for x in with_sides(one_each, [p("c", 2), p("d", 3)])] == ["a#0", "d#3", "c#2"]


def test_opening_is_the_articles_first_chunk_scored_like_a_search_result(components):
    components.ingester.run([SEEDS])
    retriever = components.retriever
    question = "Will Ukraine be invited to join NATO?"
    found = retriever.retrieve(question, 50)
    doc = found[0].doc_id
    assert len({x.chunk_id for x in found if x.doc_id == doc}) > 2  # an article of several chunks
    lead = retriever.opening(question, doc)
    body = components.store.get(doc).body
    assert lead.chunk_id == f"{doc}#0" and lead.text == body[lead.start:lead.end] and lead.start <= 5
    assert lead.title and lead.score == pytest.approx(next(x.score for x in found if x.chunk_id == lead.chunk_id),
                                                      abs=1e-4)
    assert retriever.opening(question, "no-such-article") is None


def test_article_is_its_current_chunks_in_reading_order(components):
    components.ingester.run([SEEDS])
    doc = components.retriever.retrieve("Will Ukraine be invited to join NATO?", 1)[0].doc_id
    chunks = components.retriever.article(doc)
    body = components.store.get(doc).body
    assert [c.chunk_id for c in chunks] == [f"{doc}#{i}" for i in range(len(chunks))] and len(chunks) > 2
    assert all(c.text == body[c.start:c.end] and c.score == 0 for c in chunks)
    assert chunks[-1].end >= len(body.rstrip()) - 1  # the whole article
    assert components.retriever.article("no-such-article") == []


# ---- fusion ------------------------------------------------------------------------------

def test_rrf_rewards_agreement_and_weights_each_ranking():
    from rag.retrieval import rrf

    assert rrf([["a", "b", "c"], ["b", "c"]], [1.0, 1.0], k=60) == ["b", "c", "a"]
    assert rrf([["a", "b"], ["b", "a"]], [1.0, 0.5], k=60) == ["a", "b"]
    assert rrf([["a", "b"], ["b", "a"]], [0.5, 1.0], k=60) == ["b", "a"]
    assert rrf([["a"], []], [1.0, 1.0]) == ["a"]


HYBRID = {
    "a.txt": "Bank holds rates\n\nThe central bank kept its main rate at 4.75% on Thursday.\n",
    "b.txt": "Team wins cup\n\nThe home side won the cup final 2-1 after extra time.\n",
    # a rare name that the dense model blurs but BM25 matches exactly
    "c.txt": "Local news\n\nZyngorax Ltd opened a small office beside the station.\n",
}


@pytest.fixture
def hybrid_corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in HYBRID.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_hybrid_search_keeps_cosine_scores_and_both_retrievers_results(hybrid, hybrid_corpus):
    hybrid.ingester.run([hybrid_corpus])
    retriever = hybrid.retriever
    assert retriever.mode == "hybrid"
    got = retriever.retrieve("Zyngorax", 3)
    assert got[0].doc_id == "c.txt"
    dense = {p.chunk_id: p.score for p in hybrid.store.query(
        hybrid.embedder.embed_batch(["Zyngorax"])[0], 3)}
    for p in got:  # every passage scored as dense search scores it (so min_evidence keeps its meaning)
        assert p.score == pytest.approx(dense[p.chunk_id], abs=1e-4)
        assert p.text and p.title
    only_bm25 = hybrid.bm25.search("Zyngorax", 5)
    assert [c for c, _ in only_bm25] == ["c.txt#0"]


def test_a_keyword_hit_that_stands_out_goes_first(hybrid, hybrid_corpus):
    hybrid.ingester.run([hybrid_corpus])
    retriever = hybrid.retriever

    class Scored:  # BM25 results with chosen scores, on the real store's chunk ids
        def __init__(self, hits):
            self.hits = hits

        def search(self, query, k, filters=None):
            return self.hits[:k]

    question = "Did the central bank keep its main rate?"
    retriever.bm25, retriever.standout = Scored([("c.txt#0", 9.0), ("a.txt#0", 3.0)]), 1.3
    assert retriever.retrieve(question, 3)[0].doc_id == "c.txt"  # 3x the next: first
    retriever.bm25 = Scored([("c.txt#0", 3.5), ("a.txt#0", 3.0)])
    assert retriever.retrieve(question, 3)[0].doc_id == "a.txt"  # close: the fused order
    retriever.bm25, retriever.standout = Scored([("c.txt#0", 9.0), ("a.txt#0", 3.0)]), 0.0
    assert retriever.retrieve(question, 3)[0].doc_id == "a.txt"  # 0: off


def test_hybrid_search_applies_filters_to_both_retrievers(hybrid, tmp_path):
    import json

    rows = [{"id": "x", "title": "Cup final", "body": "The cup final went to extra time.", "source": "BBC"},
            {"id": "y", "title": "Cup final", "body": "The cup final went to penalties.", "source": "AP"}]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    hybrid.ingester.run([path])
    got = hybrid.retriever.retrieve("cup final", 5, Filters.parse(source="ap"))
    assert [p.doc_id for p in got] == ["y"]
    assert hybrid.retriever.retrieve("cup final", 5, Filters.parse(since="2000-01-01")) == []


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_finds_the_article(hybrid, hybrid_corpus, mode):
    hybrid.ingester.run([hybrid_corpus])
    hybrid.settings.retrieval = mode
    got = hybrid.retriever.retrieve("cup final extra time", 2)
    assert got[0].doc_id == "b.txt"


# ---- dense only: as main retrieved before the switches came back ----------------------------

MAIN = json.loads((Path(__file__).parent / "data" / "main_dense_results.json").read_text(encoding="utf-8"))


def test_dense_gives_main_dense_results_and_never_touches_bm25(components, settings, tmp_path, monkeypatch):
    """BYLINE_RETRIEVAL=dense: the same passages (ids, text, offsets) and cosine scores as
    main's dense retriever before hybrid retrieval (tests/rag/data/make_main_dense_results.py),
    and no BM25 index built or read."""
    from rag.bm25 import Bm25Search

    def no_bm25(*_, **__):
        raise AssertionError("BM25 used with dense retrieval")

    monkeypatch.setattr(Bm25Search, "search", no_bm25)
    monkeypatch.setattr(Bm25Search, "current", no_bm25)
    settings.retrieval = "dense"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in MAIN["corpus"].items():
        (corpus / name).write_text(text, encoding="utf-8")
    components.ingester.run([SEEDS])
    components.ingester.run([corpus])
    for query, want in MAIN["results"].items():
        got = components.retriever.retrieve(query, 5)
        assert [(p.chunk_id, p.text, p.start, p.end) for p in got] == \
            [(w["chunk_id"], w["text"], w["start"], w["end"]) for w in want], query
        assert [p.score for p in got] == pytest.approx([w["score"] for w in want], abs=1e-4), query
    assert not settings.bm25_dir.exists()
