"""The report dict as plain-text tables for the terminal (metrics down, groups across)."""

from __future__ import annotations

METRICS = [  # (key in the metrics summary, label)
    ("items", "items"),
    ("hit_at_1", "retrieval hit@1"),
    ("hit_at_5", "retrieval hit@5"),
    ("hit_at_10", "retrieval hit@10"),
    ("mrr_at_10", "retrieval MRR@10"),
    ("accuracy", "answer accuracy"),
    ("abstention_precision", "abstention precision"),
    ("abstention_recall", "abstention recall"),
    ("false_abstention_rate", "false-abstention rate"),
    ("citation_precision", "citation precision"),
    ("citation_validity", "citation validity"),
    ("cited_sentence_share", "sentences with a citation"),
    ("supported_sentence_share", "sentences supported"),
    ("context_hit_rate", "gold source in LLM context"),
    ("all_sources_in_context", "all needed sources in LLM context"),
    ("evidence_abstention_recall_at_fa10", "evidence-threshold abstention recall (FA<=0.10)"),
    ("evidence_abstention_threshold_at_fa10", "evidence threshold for it"),
    ("errors", "errors"),
]


def fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def metric_groups(metrics: dict) -> dict[str, dict]:
    """Column label -> metrics: overall, each type, then each style ("style:reader") when the run has several."""
    return {"overall": metrics["overall"], **metrics["by_type"],
            **{f"style:{name}": group for name, group in metrics.get("by_style", {}).items()}}


def metric_rows(metrics: dict) -> tuple[list[str], list[list[str]]]:
    """Header and rows: one row per metric present, one column per group (overall, types, styles)."""
    groups = metric_groups(metrics)
    header = ["metric", *groups]
    rows = [[label, *(fmt(g.get(key)) for g in groups.values())]
            for key, label in METRICS if key in metrics["overall"]]
    return header, rows


def latency_rows(metrics: dict) -> tuple[list[str], list[list[str]]]:
    rows = [[stage, fmt_ms(v["p50"]), fmt_ms(v["p95"]), str(v["n"])]
            for stage, v in metrics["latency_ms"].items() if v["n"]]
    return ["latency (ms)", "p50", "p95", "n"], rows


def fmt_ms(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def render(report: dict) -> str:
    out = [f"model: {report['model'] or '-'} | embedder: {report['settings']['embedder']} | "
           f"top_k: {report['settings']['top_k']} | chunks: {report['settings']['chunk_size']}/"
           f"{report['settings']['chunk_overlap']} tokens | store: {report['settings']['store']} | "
           f"code: {report.get('code') or '-'}"]
    for run in report["runs"]:
        sample = f", --limit {run['limit']}{' per type' if run['per_type'] else ''}" if run["limit"] else ""
        out += ["", f"== {run['name']} [{run['section']}]: {run['mode']}, {run['items_run']} of "
                    f"{run['items_in_file']} items{sample}; corpus {', '.join(run['corpus'])}; "
                    f"ingest {run['ingest']['seconds']} s, run {run['seconds']} s",
                table(*metric_rows(run["metrics"])), "", table(*latency_rows(run["metrics"]))]
    return "\n".join(out)

