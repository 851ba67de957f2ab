"""The HTML report: self-contained, plots present, every text escaped."""

from eval.report import build_report
from eval.report_html import render_html
from tests.eval.conftest import EVIL

SETTINGS = {"llm_model": "qwen <b>", "embedder": "minilm", "top_k": 4, "store": "chroma-embedded"}


def report(run, checks=None):
    return build_report([run], SETTINGS, "2025-01-01T00:00:00+00:00", 6.0, "byline eval", checks)


def test_plots_and_drill_down_with_escaped_quotes(gold_run):
    page = render_html(report(gold_run))
    assert page.count("/**\n* plotly.js v") == 1  # plotly.js inlined once: works offline
    assert 'src="http' not in page
    assert page.count('class="plotly-graph-div"') == 4  # accuracy by type, latency, rank of first hit, abstention
    assert page.count('<details class="item"') == 3
    assert EVIL not in page and "<script>alert" not in page
    assert "quoted &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quotes&#x27;" in page
    assert "INVALID quote" in page and "not a gold source" in page  # the bad multi citation
    assert "qwen &lt;b&gt;" in page
    assert "combines two" in page


def test_two_runs_share_one_plotly_bundle(gold_run):
    r = build_report([gold_run, gold_run], SETTINGS, "t", 1.0, "byline eval")
    page = render_html(r, plotlyjs="/*PLOTLY*/")
    assert page.count("/*PLOTLY*/") == 1 and page.count('class="plotly-graph-div"') == 8


def test_checks_are_shown(gold_run):
    checks = [{"section": "tiny", "metric": "accuracy", "kind": "min", "bound": 0.9, "value": 0.5, "ok": False}]
    page = render_html(report(gold_run, checks), plotlyjs="")
    assert "threshold check: 0 passed, 1 failed" in page and "tiny accuracy" in page


def test_retrieval_only_run_renders_without_answers(gold_run):
    for r in gold_run.results:
        r.answered = False
    from eval.metrics import summarize

    gold_run.retrieval_only, gold_run.summary = True, summarize(gold_run.results)
    page = render_html(report(gold_run), plotlyjs="")
    assert "Retrieval hit rate by type" in page and page.count('class="plotly-graph-div"') == 4
    assert page.count(">hit</span>") == 2 and page.count(">n/a</span>") == 1


def test_the_abstention_curve_is_drawn_with_the_run_and_best_points(gold_run):
    page = render_html(report(gold_run), plotlyjs="")
    assert "Abstaining when the top retrieval score is below a threshold" in page
    assert '"name":"this run"' in page and '"name":"best at false abstention' in page and "threshold sweep" in page
    assert "evidence (top score)" in page and "0.8100" in page
    assert "(abstained: no_evidence)" in page


def test_the_abstention_curve_in_a_retrieval_only_run_has_no_run_point(gold_run):
    from eval.metrics import summarize

    for r in gold_run.results:
        r.answered = False
    gold_run.retrieval_only, gold_run.summary = True, summarize(gold_run.results)
    page = render_html(report(gold_run), plotlyjs="")
    assert "threshold sweep" in page and '"name":"this run"' not in page


def test_without_evidence_scores_the_curve_is_a_note(gold_run):
    from eval.metrics import summarize

    for r in gold_run.results:
        r.evidence = None
    gold_run.summary = summarize(gold_run.results)
    page = render_html(report(gold_run), plotlyjs="")
    assert "no retrieval evidence scores" in page and page.count('class="plotly-graph-div"') == 3


def test_styles_show_in_the_table_and_must_not_contain_in_the_drill_down(gold_run):
    from dataclasses import replace

    from eval.metrics import summarize

    r = gold_run.results[1]
    r.item = replace(r.item, style="reader", must_not_contain=("Nobody",), kind="choice")
    gold_run.summary = summarize(gold_run.results)
    page = render_html(report(gold_run), plotlyjs="")
    assert "<th>style:reader</th>" in page and "Accuracy by type and style" in page
    assert "<dt>must not contain</dt><dd>Nobody</dd>" in page and "choice / reader" in page
