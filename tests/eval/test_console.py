"""The console table: metrics down, groups across, undefined values as "-"."""

from dataclasses import replace

from eval.console import render, table
from eval.metrics import summarize
from eval.report import build_report

SETTINGS = {"llm_model": "m", "embedder": "e", "top_k": 4, "chunk_size": 120, "chunk_overlap": 20,
            "store": "chroma-embedded"}


def test_render_shows_every_group_and_dashes_for_undefined(gold_run):
    text = render(build_report([gold_run], SETTINGS, "t", 1.0, "byline eval", code="abc1234"))
    lines = text.splitlines()
    assert "model: qwen" in lines[0] and "code: abc1234" in lines[0]
    header = next(ln for ln in lines if ln.startswith("metric"))
    assert header.split() == ["metric", "overall", "single", "multi", "unanswerable"]
    hit1 = next(ln for ln in lines if ln.startswith("retrieval hit@1"))
    assert hit1.split()[-4:] == ["0.500", "1.000", "0.000", "-"]  # multi: first gold source at rank 2
    accuracy = next(ln for ln in lines if ln.startswith("answer accuracy"))
    assert accuracy.split()[-4:] == ["0.667", "1.000", "0.000", "1.000"]
    assert any(ln.startswith("total") and "2112" in ln for ln in lines)


def test_table_aligns_columns():
    out = table(["name", "n"], [["a", "1"], ["longer", "100"]]).splitlines()
    assert out == ["name      n", "------  ---", "a         1", "longer  100"]


def test_several_styles_get_their_own_columns(gold_run):
    one_style = render(build_report([gold_run], SETTINGS, "t", 1.0, "byline eval"))
    assert "style:" not in one_style
    gold_run.results[1].item = replace(gold_run.results[1].item, style="reader")
    gold_run.summary = summarize(gold_run.results)
    lines = render(build_report([gold_run], SETTINGS, "t", 1.0, "byline eval")).splitlines()
    header = next(ln for ln in lines if ln.startswith("metric"))
    assert header.split() == ["metric", "overall", "single", "multi", "unanswerable", "style:default", "style:reader"]
    accuracy = next(ln for ln in lines if ln.startswith("answer accuracy"))
    assert accuracy.split()[-2:] == ["1.000", "0.000"]
    assert any(ln.startswith("all needed sources in LLM context") for ln in lines)
    assert any(ln.startswith("evidence-threshold abstention recall") for ln in lines)

