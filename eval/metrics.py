"""Pure metric functions over ItemResults. A rate whose denominator is empty is None
(shown as null / "-"), never 0 and never a crash."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from eval.gold import TYPES, GoldItem
from eval.matching import mentions_any
from eval.results import ItemResult
from rag.citations import MARKER

RANK_CUTOFFS = (1, 5, 10)
RETRIEVAL_K = 10
STAGES = ("retrieve", "select", "prompt", "generate", "verify", "total")
MAX_FALSE_ABSTENTION = 0.10  # the false-abstention budget of the evidence-threshold operating point


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def first_relevant_rank(retrieved: Sequence[str], sources: Iterable[str], k: int = RETRIEVAL_K) -> int | None:
    """1-based rank of the first retrieved passage whose article is a gold source."""
    wanted = set(sources)
    for rank, doc_id in enumerate(retrieved[:k], 1):
        if doc_id in wanted:
            return rank
    return None


def retrieval_metrics(ranks: Sequence[int | None]) -> dict:
    """hit@1/5/10 and MRR@10 over answerable items (rank None = no gold source in the top 10)."""
    out: dict = {f"hit_at_{k}": ratio(sum(1 for r in ranks if r is not None and r <= k), len(ranks))
                 for k in RANK_CUTOFFS}
    out["mrr_at_10"] = ratio(sum(1 / r for r in ranks if r is not None and r <= RETRIEVAL_K), len(ranks))
    return out


def strip_markers(text: str) -> str:
    """The answer without its [n] citation markers (so "[1]" never matches a gold "1")."""
    return MARKER.sub("", text)


def contains_any(text: str, needles: Iterable[str]) -> bool:
    """Whether the answer (without its citation markers) mentions any needle, case-insensitive,
    on word and number boundaries ("40" does not match "400", "1940" or "4.40"; see eval.matching)."""
    return mentions_any(strip_markers(text), needles)


def is_correct(item: GoldItem, answer: str, abstained: bool) -> bool:
    """Unanswerable: only an abstention. Answerable: no abstention, a must_contain_any string
    and none of the must_not_contain strings (the wrong option of an "A or B?" question)."""
    if not item.answerable:
        return abstained
    return (not abstained and contains_any(answer, item.must_contain_any)
            and not contains_any(answer, item.must_not_contain))


def has_needed_sources(context: Iterable[str], item: GoldItem) -> bool:
    """Whether the passages given to the model cover every article the answer needs
    (one article of each of the item's source groups)."""
    given = set(context)
    return all(given & set(group) for group in item.source_groups)


def quote_is_valid(body: str, quote: str, start: int, end: int) -> bool:
    return bool(quote) and 0 <= start <= end <= len(body) and body[start:end] == quote


def verdict(r: ItemResult) -> str:
    """One word per item for tables and the drill-down."""
    if r.error:
        return "error"
    if not r.answered:
        if not r.item.answerable:
            return "n/a"
        return "hit" if first_relevant_rank(r.retrieved, r.item.sources) else "miss"
    if r.item.answerable:
        if r.abstained:
            return "false_abstention"
        return "correct" if is_correct(r.item, r.answer, r.abstained) else "wrong"
    return "correct_abstention" if r.abstained else "answered_unanswerable"


def answer_metrics(results: Sequence[ItemResult]) -> dict:
    """Accuracy, abstention and citation metrics over items that were answered."""
    done = [r for r in results if r.answered]
    answerable = [r for r in done if r.item.answerable]
    unanswerable = [r for r in done if not r.item.answerable]
    abstained = [r for r in done if r.abstained and not r.error]
    correct = [r for r in done if not r.error and is_correct(r.item, r.answer, r.abstained)]
    cites = [(r, c) for r in done for c in r.citations]
    gold_cites = [(r, c) for r, c in cites if r.item.answerable]
    sentences = [s for r in done if not r.abstained for s in r.sentences]
    return {
        "accuracy": ratio(len(correct), len(done)),
        "abstention_precision": ratio(sum(1 for r in abstained if not r.item.answerable), len(abstained)),
        "abstention_recall": ratio(sum(1 for r in unanswerable if r.abstained and not r.error), len(unanswerable)),
        "false_abstention_rate": ratio(sum(1 for r in answerable if r.abstained and not r.error), len(answerable)),
        "citation_precision": ratio(sum(1 for r, c in gold_cites if c.doc_id in set(r.item.sources)),
                                    len(gold_cites)),
        "citation_validity": ratio(sum(1 for _, c in cites if c.valid), len(cites)),
        "cited_sentence_share": ratio(sum(1 for s in sentences if s["citations"]), len(sentences)),
        "supported_sentence_share": ratio(sum(1 for s in sentences if s["supported"]), len(sentences)),
        "context_hit_rate": ratio(sum(1 for r in answerable if set(r.context) & set(r.item.sources)),
                                  len(answerable)),
        "all_sources_in_context": ratio(sum(1 for r in answerable if has_needed_sources(r.context, r.item)),
                                        len(answerable)),
        "errors": sum(1 for r in done if r.error),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def latency(results: Sequence[ItemResult]) -> dict:
    """p50/p95 in ms per answer stage, plus the k=10 retrieval used for the rank metrics."""
    out = {"retrieve_k10": _pcts([r.retrieve_ms for r in results if not r.error])}
    for stage in STAGES:
        out[stage] = _pcts([r.timings_ms[stage] for r in results if r.answered and stage in r.timings_ms])
    return out


def _pcts(values: list[float]) -> dict:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "n": len(values)}


# ---- abstention on retrieval evidence -------------------------------------------------

def abstention_point(scored: Sequence[tuple[float | None, bool]], threshold: float) -> dict:
    """The rule "abstain when evidence < threshold" over (evidence, answerable) pairs; an item
    with no evidence (nothing retrieved) is abstained on at every threshold."""
    abstains = [answerable for evidence, answerable in scored if evidence is None or evidence < threshold]
    answerable_total = sum(1 for _, answerable in scored if answerable)
    right = sum(1 for answerable in abstains if not answerable)
    return {"threshold": threshold, "abstained": len(abstains),
            "abstention_recall": ratio(right, len(scored) - answerable_total),
            "abstention_precision": ratio(right, len(abstains)),
            "false_abstention_rate": ratio(len(abstains) - right, answerable_total)}


def abstention_curve(results: Sequence[ItemResult]) -> list[dict]:
    """One point per distinct evidence value t, ascending: what abstaining when evidence < t does."""
    scored = [(r.evidence, r.item.answerable) for r in results]
    thresholds = sorted({evidence for evidence, _ in scored if evidence is not None})
    return [abstention_point(scored, t) for t in thresholds]


def best_abstention_point(curve: Sequence[dict], max_false_abstention: float = MAX_FALSE_ABSTENTION) -> dict | None:
    """The point with the highest abstention recall whose false-abstention rate is within the
    budget (ties: lower false abstention, then lower threshold); None when there is none."""
    allowed = [p for p in curve if p["abstention_recall"] is not None and p["false_abstention_rate"] is not None
               and p["false_abstention_rate"] <= max_false_abstention + 1e-9]
    if not allowed:
        return None
    return max(allowed, key=lambda p: (p["abstention_recall"], -p["false_abstention_rate"], -p["threshold"]))


def evidence_metrics(results: Sequence[ItemResult]) -> dict:
    """The best evidence-threshold abstention within the false-abstention budget, as two metrics."""
    best = best_abstention_point(abstention_curve(results))
    if best is None:
        return {"evidence_abstention_recall_at_fa10": None, "evidence_abstention_threshold_at_fa10": None}
    return {"evidence_abstention_recall_at_fa10": best["abstention_recall"],
            "evidence_abstention_threshold_at_fa10": best["threshold"]}


def abstention_report(results: Sequence[ItemResult], overall: dict) -> dict:
    """The curve, its best point within the budget, and where the actual run's abstentions
    landed (None in --retrieval-only runs)."""
    curve = abstention_curve(results)
    run = None
    if "abstention_recall" in overall:
        run = {k: overall[k] for k in ("abstention_recall", "abstention_precision", "false_abstention_rate")}
    return {"signal": "evidence", "rule": "abstain when evidence < threshold",
            "max_false_abstention_rate": MAX_FALSE_ABSTENTION, "points": curve,
            "best": best_abstention_point(curve), "run": run,
            "items_without_evidence": sum(1 for r in results if r.evidence is None)}


# ---- groups ----------------------------------------------------------------------------

def group_metrics(results: Sequence[ItemResult]) -> dict:
    """Every metric for one group of items (retrieval metrics over answerable items only)."""
    ranks = [first_relevant_rank(r.retrieved, r.item.sources) for r in results if r.item.answerable]
    out = {"items": len(results), "answerable": len(ranks), **retrieval_metrics(ranks), **evidence_metrics(results)}
    if any(r.answered for r in results):
        out.update(answer_metrics(results))
    return out


ONE_SIDED = ("abstention_precision", "evidence_abstention_recall_at_fa10", "evidence_abstention_threshold_at_fa10")


def type_metrics(results: Sequence[ItemResult]) -> dict:
    """group_metrics per type; metrics that need both answerable and unanswerable items are None
    (within one type they are trivially 0, 1 or undefined: not informative)."""
    by_type = {t: group_metrics([r for r in results if r.item.type == t])
               for t in TYPES if any(r.item.type == t for r in results)}
    for group in by_type.values():
        for key in ONE_SIDED:
            if key in group:
                group[key] = None
    return by_type


def style_metrics(results: Sequence[ItemResult]) -> dict:
    """group_metrics per gold style, in order of first appearance; {} when the run has one style."""
    styles = list(dict.fromkeys(r.item.style_name for r in results))
    if len(styles) < 2:
        return {}
    return {s: group_metrics([r for r in results if r.item.style_name == s]) for s in styles}


def summarize(results: Sequence[ItemResult]) -> dict:
    """{"overall": {...}, "by_type": {type: {...}}, "by_style": {style: {...}} (when more than
    one), "latency_ms": {...}, "rank_histogram": {...}, "abstention_curve": {...}}."""
    ranks = [first_relevant_rank(r.retrieved, r.item.sources) for r in results if r.item.answerable]
    histogram = {str(k): sum(1 for r in ranks if r == k) for k in range(1, RETRIEVAL_K + 1)}
    histogram["none"] = sum(1 for r in ranks if r is None)
    overall = group_metrics(results)
    return {"overall": overall, "by_type": type_metrics(results), "by_style": style_metrics(results),
            "latency_ms": latency(results), "rank_histogram": histogram,
            "abstention_curve": abstention_report(results, overall)}
