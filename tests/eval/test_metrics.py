"""Metric functions on small hand-made results, including the edge cases."""

import pytest

from eval.gold import GoldItem
from eval.metrics import (abstention_curve, abstention_point, answer_metrics, best_abstention_point,
                          contains_any, first_relevant_rank, has_needed_sources, is_correct, percentile,
                          quote_is_valid, retrieval_metrics, summarize, verdict)
from eval.results import CitationCheck, ItemResult


def gold(id, type="single", must=("Rutte",), sources=("a.txt",), **kw):
    if type == "unanswerable":
        must, sources = (), ()
    return GoldItem(id, f"question {id}?", "gold", tuple(must), tuple(sources), type, **kw)


def cite(doc_id="a.txt", valid=True):
    return CitationCheck(1, doc_id, "quote", 0, 5, valid)


def answered(item, answer="Mark Rutte said so [1].", abstained=False, citations=None, sentences=None,
             retrieved=("a.txt",), context=("a.txt",), timings=None, error=None):
    if sentences is None:
        sentences = [] if abstained else [{"text": answer, "citations": [1], "supported": True}]
    return ItemResult(item=item, retrieved=list(retrieved), retrieve_ms=10, answered=True, answer=answer,
                      abstained=abstained, citations=[cite()] if citations is None else citations,
                      sentences=sentences, context=list(context),
                      timings_ms=timings or {"retrieve": 10, "prompt": 100, "generate": 200, "total": 210},
                      error=error)


def abstain(item, **kw):
    return answered(item, answer="The articles do not say.", abstained=True, citations=[], **kw)


def test_first_relevant_rank_counts_passages_and_ignores_duplicate_sources():
    retrieved = ["x.txt", "x.txt", "b.txt", "a.txt", "b.txt"]
    assert first_relevant_rank(retrieved, ["a.txt", "b.txt", "b.txt"]) == 3
    assert first_relevant_rank(retrieved, ["c.txt"]) is None
    assert first_relevant_rank(["x"] * 10 + ["a.txt"], ["a.txt"]) is None  # beyond k=10


def test_retrieval_metrics_hits_and_mrr():
    got = retrieval_metrics([1, 3, None, 7])
    assert got == {"hit_at_1": 0.25, "hit_at_5": 0.5, "hit_at_10": 0.75,
                   "mrr_at_10": pytest.approx((1 + 1 / 3 + 1 / 7) / 4)}
    assert retrieval_metrics([]) == {"hit_at_1": None, "hit_at_5": None, "hit_at_10": None, "mrr_at_10": None}


def test_contains_any_is_case_insensitive_and_ignores_citation_markers():
    assert contains_any("mark RUTTE said [1].", ["Rutte"])
    assert not contains_any("It was in 2023 [1].", ["1"])  # a marker is not part of the answer
    assert contains_any("December 1 [2].", ["December 1"])


def test_a_number_matches_only_as_a_whole_number():
    for answer in ("He was 400.", "In 1940 [1].", "It rose 140 times.", "At 4.40 pm.", "It was 40.5 m.",
                   "About 40,000.", "Up 1,040.", "The 1940s.", "It cost 40m."):
        assert not contains_any(answer, ["40"]), answer
    for answer in ("He is 40.", "40-year-old comic", "(40)", "up 40% [2]", "aged 40, he said", "his 40th"):
        assert contains_any(answer, ["40"]), answer
    assert contains_any("On December 3rd [1].", ["December 3"]) and not contains_any("December 31", ["December 3"])


def test_a_gold_string_with_a_percent_or_currency_matches_those_characters():
    assert contains_any("rates rose 40% [1].", ["40%"]) and not contains_any("rates rose 140% [1].", ["40%"])
    assert not contains_any("rates rose 40 points", ["40%"])
    assert contains_any("It cost £9m.", ["9m"]) and not contains_any("It cost £19m.", ["9m"])
    assert not contains_any("£1.2m", ["2m"]) and contains_any("$527.61m", ["527.61m"])
    assert not contains_any("$527.61m", ["527"])


def test_words_match_whole_words_case_insensitively_and_possessives_count():
    assert contains_any("RUTTE's remarks", ["Rutte"]) and contains_any("Rutte\u2019s remarks", ["Rutte"])
    assert not contains_any("Ruttenberg said", ["Rutte"])
    assert not contains_any("the alarms rang", ["arms"])
    assert not contains_any("three months", ["three month"])  # say every form the gold accepts
    assert contains_any("O\u2019Gara kicked", ["O'Gara"]) and contains_any("6\u20133  6\u20131", ["6-3 6-1"])


def test_must_not_contain_makes_an_answer_wrong():
    item = gold("1", "multi", must=("Barclays",), sources=("a.txt", "b.txt"), must_not_contain=("WPP",),
                kind="choice")
    assert is_correct(item, "Barclays [1].", False)
    assert not is_correct(item, "WPP [1].", False)
    assert not is_correct(item, "WPP or Barclays [1][2].", False)  # a hedge is wrong
    assert not is_correct(item, "Barclays, ahead of WPP [1][2].", False)  # naming both is wrong too (strict)
    assert is_correct(item, "Barclays, ahead of WPPX [1].", False)  # whole words only
    assert verdict(answered(item, answer="WPP [1].")) == "wrong"


def test_needed_sources_single_needs_any_multi_needs_each_group():
    single = gold("1", sources=("a.txt", "b.txt"))
    multi = gold("2", "multi", sources=("a.txt", "b.txt"))
    grouped = gold("3", "multi", sources=("a.txt", "b.txt", "c.txt"),
                   needed_sources=(("a.txt", "b.txt"), ("c.txt",)))
    assert has_needed_sources(["b.txt"], single) and not has_needed_sources(["c.txt"], single)
    assert has_needed_sources(["b.txt", "a.txt"], multi) and not has_needed_sources(["a.txt", "a.txt"], multi)
    assert has_needed_sources(["b.txt", "c.txt"], grouped) and not has_needed_sources(["a.txt", "b.txt"], grouped)


def test_all_sources_in_context_overall_and_by_type():
    results = [
        answered(gold("1", "multi", sources=("a.txt", "b.txt")), context=("a.txt", "b.txt")),  # both
        answered(gold("2", "multi", sources=("a.txt", "b.txt")), context=("a.txt", "c.txt")),  # one of two
        answered(gold("3"), context=("a.txt",)),
        abstain(gold("4", "unanswerable")),  # not counted
    ]
    s = summarize(results)
    assert s["overall"]["all_sources_in_context"] == 2 / 3
    assert s["overall"]["context_hit_rate"] == 1.0  # one gold source was enough for the old metric
    assert s["by_type"]["multi"]["all_sources_in_context"] == 0.5
    assert s["by_type"]["single"]["all_sources_in_context"] == 1.0
    assert s["by_type"]["unanswerable"]["all_sources_in_context"] is None


def scored(item, evidence, **kw):
    return ItemResult(item, ["a.txt"], 5, evidence=evidence, **kw)


def evidence_results():
    """Answerable items at 0.9, 0.8, 0.7, 0.6, 0.2 and unanswerable ones at 0.5, 0.3 and nothing retrieved."""
    return ([scored(gold(f"a{i}"), e) for i, e in enumerate((0.9, 0.8, 0.7, 0.6, 0.2))]
            + [scored(gold(f"u{i}", "unanswerable"), e) for i, e in enumerate((0.5, 0.3, None))])


def test_abstention_point_abstains_below_the_threshold_and_without_evidence():
    pairs = [(r.evidence, r.item.answerable) for r in evidence_results()]
    p = abstention_point(pairs, 0.6)  # abstains on 0.5, 0.3, None (unanswerable) and 0.2 (answerable)
    assert p == {"threshold": 0.6, "abstained": 4, "abstention_recall": 1.0, "abstention_precision": 0.75,
                 "false_abstention_rate": 0.2}


def test_abstention_curve_has_one_point_per_distinct_evidence_and_a_best_point():
    curve = abstention_curve(evidence_results() + [scored(gold("a9"), 0.9)])
    assert [p["threshold"] for p in curve] == [0.2, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert curve[0]["abstained"] == 1 and curve[0]["abstention_recall"] == pytest.approx(1 / 3)
    assert curve[0]["false_abstention_rate"] == 0.0 and curve[0]["abstention_precision"] == 1.0
    best = best_abstention_point(curve)  # FA must stay <= 0.10: 0.2 (1 of 6 answerable) is too many
    assert best["threshold"] == 0.2 and best["abstention_recall"] == pytest.approx(1 / 3)
    assert best_abstention_point(curve, max_false_abstention=0.2)["threshold"] == 0.6
    assert best_abstention_point([]) is None


def test_the_abstention_curve_works_without_answers_and_marks_the_run_when_answered():
    retrieval_only = summarize(evidence_results())
    curve = retrieval_only["abstention_curve"]
    assert curve["run"] is None and curve["items_without_evidence"] == 1 and len(curve["points"]) == 7
    assert curve["best"]["threshold"] == 0.2
    assert retrieval_only["overall"]["evidence_abstention_recall_at_fa10"] == pytest.approx(1 / 3)
    assert retrieval_only["overall"]["evidence_abstention_threshold_at_fa10"] == 0.2
    assert retrieval_only["by_type"]["single"]["evidence_abstention_recall_at_fa10"] is None
    answered_run = summarize([answered(gold("1")), abstain(gold("2", "unanswerable"))])
    assert answered_run["abstention_curve"]["run"] == {
        "abstention_recall": 1.0, "abstention_precision": 1.0, "false_abstention_rate": 0.0}
    assert answered_run["abstention_curve"]["points"] == []  # no evidence recorded


def test_metrics_by_style_only_when_a_run_has_several_styles():
    plain = [answered(gold("1")), answered(gold("2"), answer="Nobody [1].")]
    assert summarize(plain)["by_style"] == {}
    styled = plain + [answered(gold("3", style="reader")), abstain(gold("4", "unanswerable", style="reader"))]
    by_style = summarize(styled)["by_style"]
    assert list(by_style) == ["default", "reader"]
    assert by_style["default"]["accuracy"] == 0.5 and by_style["reader"]["accuracy"] == 1.0
    assert by_style["reader"]["abstention_precision"] == 1.0  # both kinds of item: informative here


def test_quote_validity_needs_verbatim_quote_at_its_offsets():
    body = "Alpha beta. Gamma delta."
    assert quote_is_valid(body, "Gamma delta.", 12, 24)
    assert not quote_is_valid(body, "Gamma delta.", 0, 12)  # right text, wrong offsets
    assert not quote_is_valid(body, "Gamma  delta.", 12, 24)  # not verbatim
    assert not quote_is_valid(body, "", 0, 0)
    assert not quote_is_valid(body, "Alpha", -5, 0)


def test_answer_metrics_on_a_mixed_set():
    results = [
        answered(gold("1")),  # correct
        answered(gold("2"), answer="Someone else [1].", citations=[cite("b.txt"), cite(valid=False)]),  # wrong
        abstain(gold("3")),  # false abstention
        abstain(gold("4", "unanswerable")),  # correct abstention
        answered(gold("5", "unanswerable"), answer="A guess [1].", citations=[cite("z.txt")]),  # answered
    ]
    m = answer_metrics(results)
    assert m["accuracy"] == 2 / 5
    assert m["abstention_precision"] == 1 / 2  # 2 abstained, one of them unanswerable
    assert m["abstention_recall"] == 1 / 2
    assert m["false_abstention_rate"] == 1 / 3
    assert m["citation_precision"] == 2 / 3  # answerable items: a.txt yes, b.txt no, a.txt (invalid) yes
    assert m["citation_validity"] == 3 / 4  # over every citation, unanswerable items included
    assert m["cited_sentence_share"] == 1.0
    assert [verdict(r) for r in results] == ["correct", "wrong", "false_abstention", "correct_abstention",
                                             "answered_unanswerable"]


def test_no_citations_and_all_abstained_give_null_not_a_crash():
    results = [abstain(gold("1")), abstain(gold("2", "multi"))]
    m = answer_metrics(results)
    assert m["accuracy"] == 0.0 and m["false_abstention_rate"] == 1.0
    assert m["abstention_precision"] == 0.0
    for key in ("citation_precision", "citation_validity", "cited_sentence_share", "abstention_recall"):
        assert m[key] is None, key


def test_uncited_sentences_lower_the_cited_share():
    r = answered(gold("1"), citations=[], sentences=[{"text": "Rutte.", "citations": [], "supported": False},
                                                     {"text": "Yes.", "citations": [1], "supported": True}])
    m = answer_metrics([r])
    assert m["cited_sentence_share"] == 0.5 and m["supported_sentence_share"] == 0.5
    assert m["citation_precision"] is None


def test_an_item_error_counts_as_wrong_and_is_counted():
    r = ItemResult(item=gold("1"), retrieved=["a.txt"], retrieve_ms=5, answered=True, error="BackendTimeout: x")
    m = answer_metrics([r, answered(gold("2"))])
    assert m["accuracy"] == 0.5 and m["errors"] == 1 and verdict(r) == "error"


def test_summarize_without_unanswerable_items_or_answers():
    results = [ItemResult(gold("1"), ["a.txt"], 12), ItemResult(gold("2", "multi"), ["b.txt"] * 10, 14)]
    s = summarize(results)
    assert set(s["by_type"]) == {"single", "multi"}
    assert s["overall"]["hit_at_1"] == 0.5 and "accuracy" not in s["overall"]
    assert s["rank_histogram"]["1"] == 1 and s["rank_histogram"]["none"] == 1
    assert s["latency_ms"]["retrieve_k10"] == {"p50": 13.0, "p95": pytest.approx(13.9), "n": 2}
    assert s["latency_ms"]["total"] == {"p50": None, "p95": None, "n": 0}
    assert [verdict(r) for r in results] == ["hit", "miss"]


def test_summarize_unanswerable_group_has_null_retrieval_metrics():
    s = summarize([answered(gold("1")), abstain(gold("2", "unanswerable"))])
    u = s["by_type"]["unanswerable"]
    assert u["hit_at_5"] is None and u["accuracy"] == 1.0 and u["false_abstention_rate"] is None
    assert u["abstention_precision"] is None and s["overall"]["abstention_precision"] == 1.0
    assert s["overall"]["accuracy"] == 1.0 and s["overall"]["hit_at_1"] == 1.0


def test_percentile_interpolates():
    assert percentile([], 50) is None
    assert percentile([5], 95) == 5
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
