"""Threshold checking: bounds per gold file and mode, clear failures, refusals."""

import pytest

from eval.thresholds import DEFAULT_PATH, check, find_section, load_thresholds, metric_value, section_name
from rag.errors import InvalidInput, NotFound

METRICS = {
    "overall": {"items": 10, "hit_at_5": 0.8, "accuracy": 0.7, "false_abstention_rate": 0.1,
                "citation_precision": None},
    "by_type": {"single": {"accuracy": 0.9}, "multi": {"accuracy": 0.4}},
    "by_style": {"reader": {"accuracy": 0.55}, "default": {"accuracy": 0.8}},
    "latency_ms": {"total": {"p50": 900.0, "p95": 2000.0, "n": 10}},
}


def write(tmp_path, text):
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    return load_thresholds(path)


def test_section_names():
    assert section_name("seed.jsonl", False, None) == "seed"
    assert section_name("bbc.jsonl", True, None) == "bbc.retrieval"
    assert section_name("bbc.jsonl", False, 10) == "bbc.sample"
    assert find_section({"bbc": {"retrieval": {"min": {}}}}, "bbc.retrieval") == {"min": {}}
    assert find_section({"bbc": {"min": {}}}, "bbc.sample") is None


def test_metric_lookup():
    assert metric_value(METRICS, "accuracy") == 0.7
    assert metric_value(METRICS, "accuracy.multi") == 0.4
    assert metric_value(METRICS, "accuracy.unanswerable") is None  # type absent from the run
    assert metric_value(METRICS, "latency.total.p95") == 2000.0
    for bad in ("acuracy", "accuracy.single.x", "latency.total.p99"):
        with pytest.raises(InvalidInput, match="unknown"):
            metric_value(METRICS, bad)


def test_metric_lookup_by_style_and_new_metric_names():
    assert metric_value(METRICS, "accuracy.reader") == 0.55
    assert metric_value(METRICS, "accuracy.default") == 0.8
    old = {k: v for k, v in METRICS.items() if k != "by_style"}  # a report from before styles
    assert metric_value(old, "accuracy.reader") is None
    from eval.metrics import summarize
    from tests.eval.conftest import make_results

    full = summarize(make_results())
    for name in ("all_sources_in_context", "all_sources_in_context.multi", "evidence_abstention_recall_at_fa10",
                 "evidence_abstention_threshold_at_fa10"):
        metric_value(full, name)  # known: no InvalidInput
    assert metric_value(full, "all_sources_in_context.multi") == 0.0


def test_passing_and_failing_bounds_say_by_how_much(tmp_path):
    t = write(tmp_path, """
[seed.min]
accuracy = 0.65
hit_at_5 = 0.85
"accuracy.multi" = 0.5
[seed.max]
false_abstention_rate = 0.05
"latency.total.p95" = 5000
""")
    checks = check(t, "seed", METRICS, None, False)
    failed = {c.metric: c for c in checks if not c.ok}
    assert set(failed) == {"hit_at_5", "accuracy.multi", "false_abstention_rate"}
    assert failed["hit_at_5"].message() == "seed hit_at_5 = 0.8 < 0.85 (below the threshold by 0.05)"
    assert failed["false_abstention_rate"].message() == \
        "seed false_abstention_rate = 0.1 > 0.05 (above the threshold by 0.05)"
    assert all(c.ok for c in checks if c.metric in ("accuracy", "latency.total.p95"))


def test_an_undefined_metric_fails(tmp_path):
    t = write(tmp_path, "[seed.min]\ncitation_precision = 0.5\n")
    [c] = check(t, "seed", METRICS, None, False)
    assert not c.ok and "undefined" in c.message()


def test_missing_section_or_other_sample_is_refused(tmp_path):
    t = write(tmp_path, "[bbc.sample]\nlimit = 10\nper_type = true\n[bbc.sample.min]\naccuracy = 0.5\n")
    with pytest.raises(InvalidInput, match=r"no \[bbc.min\] or \[bbc.max\]"):
        check(t, "bbc", METRICS, None, False)
    with pytest.raises(InvalidInput, match="measured with --limit 10 --per-type"):
        check(t, "bbc.sample", METRICS, 5, True)
    with pytest.raises(InvalidInput, match="measured with --limit 10 --per-type"):
        check(t, "bbc.sample", METRICS, 10, False)
    assert [c.ok for c in check(t, "bbc.sample", METRICS, 10, True)] == [True]


def test_bad_files(tmp_path):
    with pytest.raises(InvalidInput, match="t.toml"):
        write(tmp_path, "[seed.min\n")
    t = write(tmp_path, "[seed.min]\naccuracy = \"high\"\n")
    with pytest.raises(InvalidInput, match="accuracy must be a number"):
        check(t, "seed", METRICS, None, False)
    with pytest.raises(NotFound):
        load_thresholds(tmp_path / "none.toml")


def test_the_shipped_thresholds_parse_and_name_known_metrics():
    from eval.metrics import summarize
    from tests.eval.conftest import make_results

    full = summarize(make_results())  # answers for every type: every metric name exists
    t = load_thresholds(DEFAULT_PATH)
    for name in ("seed", "bbc", "bbc.retrieval", "bbc.sample"):
        section = find_section(t, name)
        assert section and any(section.get(k) for k in ("min", "max")), name
        for kind in ("min", "max"):
            for metric, bound in section.get(kind, {}).items():
                assert isinstance(bound, (int, float)) and not isinstance(bound, bool), (name, metric)
                metric_value(full, metric)  # raises for an unknown name
    assert find_section(t, "bbc.sample")["limit"] >= 1
