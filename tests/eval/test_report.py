"""The JSON report: every item with its verdict, and no secrets."""

import json

from eval.report import build_report, item_dict, public_url, settings_info
from rag.settings import Settings


def test_settings_info_never_carries_keys_or_url_credentials(tmp_path):
    s = Settings(data_dir=tmp_path, llm_backend="openai", llm_model="gpt-x", openai_api_key="sk-SECRET",
                 openai_base_url="https://user:pw@llm.example:8443/v1?token=SECRET", api_keys="k1,k2")
    info = settings_info(s, "emb")
    text = json.dumps(info)
    assert "SECRET" not in text and "pw" not in text and "k1" not in text
    assert info["llm_endpoint"] == "https://llm.example:8443/v1" and info["llm_model"] == "gpt-x"
    assert public_url(None) is None


def test_items_carry_question_gold_answer_citations_verdict_and_timings(gold_run):
    report = build_report([gold_run], {"top_k": 4}, "t", 1.0, "byline eval", code="abc")
    [run] = report["runs"]
    assert report["model"] == "qwen" and report["code"] == "abc"
    first = run["items"][0]
    assert first["verdict"] == "correct" and first["gold"]["sources"] == ["a.txt"]
    assert first["answer"]["citations"][0] | {"quote": None} == {
        "id": 1, "doc_id": "a.txt", "quote": None, "start": 10, "end": 40, "valid": True, "gold_source": True}
    assert first["answer"]["timings_ms"]["total"] == 2112 and first["retrieval"]["rank"] == 1
    assert run["items"][2]["answer"]["citations"] == [] and run["items"][2]["retrieval"]["rank"] is None
    assert run["items"][1]["gold"]["extra"] == {"note": "combines two"}
    json.dumps(report)  # serialisable as is


def test_an_errored_item_has_no_answer(gold_run):
    r = gold_run.results[0]
    r.error = "BackendTimeout: slow"
    d = item_dict(r)
    assert d["verdict"] == "error" and d["answer"] is None and d["error"] == "BackendTimeout: slow"


def test_items_carry_the_wrong_options_of_a_choice_item(gold_run):
    from dataclasses import replace

    r = gold_run.results[0]
    r.item = replace(r.item, must_not_contain=("Stoltenberg",), kind="choice")
    d = item_dict(r)
    assert d["gold"]["must_not_contain"] == ["Stoltenberg"] and d["gold"]["kind"] == "choice"
    r.answer = "Rutte, not Stoltenberg [1]."
    d = item_dict(r)
    assert d["verdict"] == "wrong" and d["answer"]["correct"] is False


def test_items_and_metrics_say_whether_every_needed_source_reached_the_model(gold_run):
    report = build_report([gold_run], {"top_k": 4}, "t", 1.0, "byline eval")
    single, multi, unans = report["runs"][0]["items"]
    assert single["answer"]["all_sources_in_context"] is True
    assert multi["gold"]["source_groups"] == [["a.txt"], ["b.txt"]]
    assert multi["answer"]["all_sources_in_context"] is False  # only c.txt reached the model
    assert unans["answer"]["all_sources_in_context"] is None
    assert report["runs"][0]["metrics"]["overall"]["all_sources_in_context"] == 0.5


def test_items_carry_evidence_and_abstain_reason_and_the_run_has_its_curve(gold_run):
    report = build_report([gold_run], {"top_k": 4}, "t", 1.0, "byline eval")
    single, _, unans = report["runs"][0]["items"]
    assert single["retrieval"]["evidence"] == 0.81 and single["answer"]["abstain_reason"] is None
    assert unans["answer"]["abstain_reason"] == "no_evidence"
    curve = report["runs"][0]["metrics"]["abstention_curve"]
    assert [p["threshold"] for p in curve["points"]] == [0.34, 0.52, 0.81]
    assert curve["best"]["threshold"] == 0.52 and curve["best"]["abstention_recall"] == 1.0
    assert curve["run"]["abstention_recall"] == 1.0
    json.dumps(report)


def test_items_carry_their_style(gold_run):
    from dataclasses import replace

    r = gold_run.results[0]
    assert item_dict(r)["style"] == "default"
    r.item = replace(r.item, style="reader")
    assert item_dict(r)["style"] == "reader"
