"""The report dict as one self-contained HTML page: plotly charts (plotly.js inlined
once, so it works offline), metric tables and a per-question drill-down with the cited
quotes. Every piece of text from the gold files, the corpus or the model is escaped."""

from __future__ import annotations

from html import escape
from pathlib import Path
from string import Template

from eval.console import METRICS, fmt, latency_rows, metric_groups, metric_rows
from eval.metrics import STAGES

TEMPLATE = Path(__file__).resolve().parent / "report_template.html"
OK_VERDICTS = {"correct", "correct_abstention", "hit", "n/a"}


def render_html(report: dict, plotlyjs: str | None = None) -> str:
    """The page; `plotlyjs` defaults to the bundled plotly.js (tests may pass a stub)."""
    if plotlyjs is None:
        from plotly.offline import get_plotlyjs

        plotlyjs = get_plotlyjs()
    names = ", ".join(run["name"] for run in report["runs"])
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        title=escape(f"Byline eval: {names}"),
        plotlyjs=plotlyjs.replace("</script", "<\\/script"),
        header=_header(report),
        runs="\n".join(_run(run) for run in report["runs"]))


def write_html(report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")


def _header(report: dict) -> str:
    rows = [("started", report["started"]), ("duration", f"{report['seconds']} s"),
            ("command", report["command"]), ("code", report.get("code") or "-"),
            ("model", report["model"] or "-"),
            *((k, "-" if v is None else v) for k, v in report["settings"].items()),
            ("machine", f"{report['machine']['platform']}, {report['machine']['cpus']} CPUs")]
    html = _table(["setting", "value"], [[k, str(v)] for k, v in rows])
    if report.get("checks"):
        failed = [c for c in report["checks"] if not c["ok"]]
        html += f"<p class=\"{'bad' if failed else 'ok'}\">threshold check: {len(report['checks']) - len(failed)} " \
                f"passed, {len(failed)} failed</p>"
        html += _table(["check", "kind", "bound", "value", "ok"],
                       [[f"{c['section']} {c['metric']}", c["kind"], f"{c['bound']:g}", fmt(c["value"]),
                         "yes" if c["ok"] else "NO"] for c in report["checks"]])
    return html


def _run(run: dict) -> str:
    m = run["metrics"]
    sample = f", --limit {run['limit']}{' --per-type' if run['per_type'] else ''}" if run["limit"] else ""
    parts = [f"<h2>{escape(run['name'])} <span class=\"muted\">[{escape(run['section'])}]</span></h2>",
             f"<p>{escape(run['mode'])}, {run['items_run']} of {run['items_in_file']} items{escape(sample)}; "
             f"corpus {escape(', '.join(run['corpus']))}; ingest {run['ingest']['seconds']} s "
             f"({run['ingest']['added']} added, {run['ingest']['unchanged']} unchanged, "
             f"{run['ingest']['failed']} failed); run {run['seconds']} s</p>",
             _table(*metric_rows(m)), _table(*latency_rows(m)),
             "<div class=\"plots\">", _quality_plot(run), _latency_plot(run), _rank_plot(run),
             _abstention_plot(run), "</div>",
             "<h3>Questions</h3>", *(_item(item) for item in run["items"])]
    return "\n".join(parts)


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ---- plots (plotly escapes the JSON it embeds) -------------------------------------

def _figure_html(fig, title: str, top: int = 50, height: int = 340) -> str:
    fig.update_layout(title=title, height=height, margin=dict(l=50, r=20, t=top, b=50), template="plotly_white")
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def _quality_plot(run: dict) -> str:
    import plotly.graph_objects as go

    groups = metric_groups(run["metrics"])
    keys = ["hit_at_1", "hit_at_5", "hit_at_10"] if run["mode"] == "retrieval-only" else ["accuracy", "hit_at_5"]
    labels = dict(METRICS)
    fig = go.Figure([go.Bar(name=labels[k], x=list(groups), y=[g.get(k) for g in groups.values()])
                     for k in keys])
    fig.update_yaxes(range=[0, 1.05])
    by = "type and style" if run["metrics"].get("by_style") else "type"
    title = f"Retrieval hit rate by {by}" if run["mode"] == "retrieval-only" else f"Accuracy by {by}"
    return _figure_html(fig, title)


def _latency_plot(run: dict) -> str:
    import plotly.graph_objects as go

    items = run["items"]
    series = {"retrieve (k=10)": [(i["id"], i["retrieval"]["ms"]) for i in items]}
    for stage in STAGES:
        values = [(i["id"], i["answer"]["timings_ms"][stage]) for i in items
                  if i["answer"] and stage in i["answer"]["timings_ms"]]
        if values:
            series[stage] = values
    fig = go.Figure([go.Box(name=name, y=[v for _, v in vals], text=[i for i, _ in vals],
                            boxpoints="all", jitter=0.4, pointpos=0, hovertemplate="%{text}: %{y} ms")
                     for name, vals in series.items()])
    fig.update_layout(showlegend=False)
    fig.update_yaxes(title="ms", type="log" if len(series) > 1 else "linear")
    return _figure_html(fig, "Latency per stage")


def _rank_plot(run: dict) -> str:
    import plotly.graph_objects as go

    hist = run["metrics"]["rank_histogram"]
    fig = go.Figure(go.Bar(x=list(hist), y=list(hist.values())))
    fig.update_xaxes(title="rank of the first passage from a gold source (k=10)", type="category")
    fig.update_yaxes(title="items")
    return _figure_html(fig, "Rank of first relevant passage")


def _abstention_plot(run: dict) -> str:
    """Abstaining when the top passage's score is below a threshold: recall against false
    abstention, and precision against recall, with the best point within the false-abstention
    budget and the run's own abstentions marked."""
    curve = run["metrics"].get("abstention_curve")
    if not curve or not curve["points"]:
        return "<p class=\"muted\">Abstention curve: no retrieval evidence scores in this report.</p>"
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=("recall vs false abstention", "precision vs recall"))
    axes = (("false_abstention_rate", "abstention_recall"), ("abstention_recall", "abstention_precision"))
    for col, (x, y) in enumerate(axes, 1):
        for trace in [_curve_trace(curve["points"], x, y, col == 1), *_marked_points(curve, x, y, col == 1)]:
            fig.add_trace(trace, row=1, col=col)
    fig.add_vline(x=curve["max_false_abstention_rate"], line_dash="dash", line_color="#999", row=1, col=1)
    fig.update_xaxes(range=[-0.02, 1.02], title_text="false-abstention rate", row=1, col=1)
    fig.update_xaxes(range=[-0.02, 1.02], title_text="abstention recall", row=1, col=2)
    fig.update_yaxes(range=[-0.02, 1.05], title_text="abstention recall", row=1, col=1)
    fig.update_yaxes(range=[-0.02, 1.05], title_text="abstention precision", row=1, col=2)
    fig.update_layout(legend=dict(orientation="h", y=-0.25))
    html = _figure_html(fig, "Abstaining when the top retrieval score is below a threshold", top=80, height=420)
    return f"<div class=\"wide\">{html}</div>"


def _marked_points(curve: dict, x: str, y: str, legend: bool) -> list:
    """The run's own abstentions (None in --retrieval-only runs) and the best point within budget."""
    import plotly.graph_objects as go

    budget = f"best at false abstention \u2264 {curve['max_false_abstention_rate']:g}"
    marks = (("this run", curve["run"], "diamond", 14, "#a4161a"), (budget, curve["best"], "star", 18, "#e6a100"))
    return [go.Scatter(x=[point[x]], y=[point[y]], mode="markers", name=name, legendgroup=name, showlegend=legend,
                       marker=dict(size=size, symbol=symbol, color=color))
            for name, point, symbol, size, color in marks
            if point and point.get(x) is not None and point.get(y) is not None]


def _curve_trace(points: list[dict], x: str, y: str, legend: bool):
    import plotly.graph_objects as go

    shown = [p for p in points if p[x] is not None and p[y] is not None]
    return go.Scatter(x=[p[x] for p in shown], y=[p[y] for p in shown], mode="lines+markers",
                      name="threshold sweep", legendgroup="sweep", showlegend=legend, line=dict(color="#3366aa"),
                      text=[f"threshold {p['threshold']:.4f}: {p['abstained']} abstained, precision "
                            f"{fmt(p['abstention_precision'])}" for p in shown],
                      hovertemplate="%{text}<br>(%{x:.3f}, %{y:.3f})<extra></extra>")


# ---- drill-down --------------------------------------------------------------------

def _item(item: dict) -> str:
    ok = item["verdict"] in OK_VERDICTS
    gold = item["gold"]
    rank = item["retrieval"]["rank"]
    evidence = item["retrieval"].get("evidence")
    rows = [("gold answer", escape(gold["answer"])),
            ("must contain any", escape(" | ".join(gold["must_contain_any"])) or "-"),
            ("must not contain", escape(" | ".join(gold.get("must_not_contain", []))) or "-"),
            ("sources", escape(", ".join(gold["sources"])) or "-"),
            ("first relevant rank", "-" if rank is None else str(rank)),
            ("evidence (top score)", "-" if evidence is None else f"{evidence:.4f}"),
            ("retrieved (k=10)", _retrieved(item["retrieval"]["retrieved"], set(gold["sources"])))]
    if gold.get("kind") or item.get("style", "default") != "default":
        rows.append(("kind / style", escape(f"{gold.get('kind') or '-'} / {item.get('style')}")))
    if gold.get("extra"):
        rows.append(("extra", escape(", ".join(f"{k}: {v}" for k, v in gold["extra"].items()))))
    if item["error"]:
        rows.append(("error", f"<span class=\"bad\">{escape(item['error'])}</span>"))
    answer = item["answer"]
    if answer:
        t = answer["timings_ms"]
        reason = answer.get("abstain_reason")
        abstained = f" <em>(abstained{': ' + escape(reason) if reason else ''})</em>" if answer["abstained"] else ""
        all_in = answer.get("all_sources_in_context")
        rows += [("answer", escape(answer["text"]) + abstained),
                 ("sentences", _sentences(answer["sentences"])),
                 ("withheld", "<br>".join(f"{escape(w['text'])} <span class=\"muted\">({escape(w['reason'])})</span>"
                                          for w in answer.get("withheld", [])) or "-"),
                 ("LLM context", escape(", ".join(answer["context"]))
                  + ("" if all_in is None else f" <span class=\"muted\">(all needed sources: "
                                               f"{'yes' if all_in else 'no'})</span>")),
                 ("timings (ms)", escape(", ".join(f"{k} {v}" for k, v in t.items())))]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    cites = _citations(answer["citations"]) if answer else ""
    return (f"<details class=\"item\" data-ok=\"{int(ok)}\"><summary><span class=\"v {'ok' if ok else 'bad'}\">"
            f"{escape(item['verdict'])}</span> <code>{escape(item['id'])}</code> "
            f"<span class=\"muted\">{escape(item['type'])}</span> {escape(item['question'])}</summary>"
            f"<dl>{dl}</dl>{cites}</details>")


def _retrieved(doc_ids: list[str], sources: set[str]) -> str:
    return " ".join(f"<b>{escape(d)}</b>" if d in sources else f"<span class=\"muted\">{escape(d)}</span>"
                    for d in doc_ids) or "-"


def _sentences(sentences: list[dict]) -> str:
    return "<br>".join(f"{escape(s['text'])} <span class=\"muted\">[{', '.join(map(str, s['citations'])) or 'no citation'}"
                       f"; {'supported' if s['supported'] else 'NOT supported'}]</span>"
                       for s in sentences) or "-"


def _citations(citations: list[dict]) -> str:
    out = []
    for c in citations:
        flags = ["valid quote" if c["valid"] else "<span class=\"bad\">INVALID quote</span>"]
        if c["gold_source"] is not None:
            flags.append("gold source" if c["gold_source"] else "<span class=\"bad\">not a gold source</span>")
        out.append(f"<p>[{c['id']}] <code>{escape(c['doc_id'])}</code> {c['start']}-{c['end']} "
                   f"({', '.join(flags)})</p><blockquote>{escape(c['quote'])}</blockquote>")
    return "".join(out)
