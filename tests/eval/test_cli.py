"""`byline eval` in-process with the real embedder and store (retrieval only: no LLM)."""

import json
from pathlib import Path

import pytest

from eval.corpora import default_corpus, eval_settings
from rag.cli import build_parser, main
from rag.components import Components
from tests.conftest import SEED_FILE, SEEDS

ITEMS = [
    {"id": "t1", "question": "Who is the Secretary General of NATO?", "answer": "Mark Rutte",
     "must_contain_any": ["Rutte"], "sources": [SEED_FILE.name], "type": "single"},
    {"id": "t2", "question": "Where was the 2023 NATO summit held?", "answer": "Vilnius",
     "must_contain_any": ["Vilnius"], "sources": [SEED_FILE.name], "type": "single"},
    {"id": "t3", "question": "What did the Pope say about NATO?", "answer": "Not stated",
     "must_contain_any": [], "sources": [], "type": "unanswerable"},
]


def write_gold(tmp_path, items=ITEMS, name="tiny.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    return path


def run_eval(components, *argv) -> int:
    args = build_parser().parse_args(["eval", *map(str, argv)])
    return args.run(args, components)


def test_retrieval_only_writes_json_html_and_a_table(components, tmp_path, capsys):
    gold = write_gold(tmp_path)
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    code = run_eval(components, "--gold", gold, "--corpus", SEEDS, "--retrieval-only",
                    "--json", out_json, "--html", out_html)
    assert code == 0
    report = json.loads(out_json.read_text())
    [run] = report["runs"]
    assert run["section"] == "tiny.retrieval" and run["mode"] == "retrieval-only" and run["items_run"] == 3
    assert run["metrics"]["overall"]["hit_at_1"] == 1.0  # one article: it must come first
    assert run["metrics"]["by_type"]["unanswerable"]["hit_at_1"] is None
    assert [i["verdict"] for i in run["items"]] == ["hit", "hit", "n/a"]
    assert run["items"][0]["retrieval"]["retrieved"][0] == SEED_FILE.name
    assert "openai_api_key" not in json.dumps(report["settings"])
    assert report["model"] is None and report["settings"]["embedder"] == components.embedder.name
    assert out_html.read_text().count('class="plotly-graph-div"') == 4  # with the abstention curve
    curve = run["metrics"]["abstention_curve"]
    assert curve["run"] is None and len(curve["points"]) >= 1  # computed without answers
    assert all(isinstance(i["retrieval"]["evidence"], float) for i in run["items"])
    out = capsys.readouterr().out
    assert "retrieval hit@1" in out and "answer accuracy" not in out


def test_the_eval_store_is_its_own_and_is_reused(components, tmp_path, capsys):
    gold = write_gold(tmp_path)
    for _ in range(2):
        run_eval(components, "--gold", gold, "--corpus", SEEDS, "--retrieval-only",
                 "--json", tmp_path / "r.json", "--html", tmp_path / "r.html")
    ingest = json.loads((tmp_path / "r.json").read_text())["runs"][0]["ingest"]
    assert ingest["added"] == 0 and ingest["unchanged"] == 1
    assert components.store.count() == 0  # the user's own store is untouched
    assert eval_settings(components.settings, [SEEDS]).data_dir.parent == components.settings.data_dir / "eval"


def test_check_passes_and_fails_with_the_gap(components, tmp_path, capsys):
    gold = write_gold(tmp_path)
    thresholds = tmp_path / "t.toml"
    common = ["--gold", gold, "--corpus", SEEDS, "--retrieval-only", "--check", "--thresholds", thresholds,
              "--json", tmp_path / "r.json", "--html", tmp_path / "r.html"]
    thresholds.write_text("[tiny.retrieval.min]\nhit_at_1 = 0.95\nmrr_at_10 = 0.9\n")
    assert run_eval(components, *common) == 0
    assert "check: 2 passed, 0 failed" in capsys.readouterr().out
    thresholds.write_text("[tiny.retrieval.max]\n\"latency.retrieve_k10.p95\" = 0.001\n")
    assert run_eval(components, *common) == 1
    out = capsys.readouterr().out
    assert "FAIL tiny.retrieval latency.retrieve_k10.p95 = " in out and "above the threshold by" in out
    assert json.loads((tmp_path / "r.json").read_text())["checks"][0]["ok"] is False


def test_limit_per_type_picks_a_fixed_sample(components, tmp_path):
    gold = write_gold(tmp_path)
    run_eval(components, "--gold", gold, "--corpus", SEEDS, "--retrieval-only", "--limit", "1", "--per-type",
             "--json", tmp_path / "r.json", "--html", tmp_path / "r.html")
    run = json.loads((tmp_path / "r.json").read_text())["runs"][0]
    assert [i["id"] for i in run["items"]] == ["t1", "t3"] and run["section"] == "tiny.retrieval.sample"


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("BYLINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BYLINE_SEEDS_DIR", str(SEEDS))
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("make,message", [
    (lambda p: write_gold(p, [ITEMS[0], {**ITEMS[1], "type": "hard"}]), "tiny.jsonl:2: unknown type 'hard'"),
    (lambda p: write_gold(p, [ITEMS[0], {**ITEMS[1], "sources": ["nope.txt"]}]),
     "tiny.jsonl:2: source 'nope.txt' is not an article of the corpus"),
])
def test_bad_gold_is_one_line_with_file_and_line(env, tmp_path, capsys, make, message):
    gold = make(tmp_path)
    code = main(["eval", "--gold", str(gold), "--corpus", str(SEEDS), "--retrieval-only"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1].startswith("byline: error: ") and message in err[-1]


def test_limit_per_type_default_outputs(env, tmp_path):
    gold = write_gold(tmp_path)
    assert main(["eval", "--gold", str(gold), "--corpus", str(SEEDS), "--retrieval-only",
                 "--limit", "2", "--per-type"]) == 0
    assert (tmp_path / "eval" / "out" / "tiny-retrieval-sample2pt.json").is_file()
    assert (tmp_path / "eval" / "out" / "tiny-retrieval-sample2pt.html").is_file()


@pytest.mark.parametrize("argv,code,message", [
    (["--corpus", str(SEEDS), "--per-type"], 2, "--per-type needs --limit N"),
    (["--corpus", "/no/such/corpus"], 1, "corpus for tiny.jsonl not found: /no/such/corpus"),
])
def test_argument_mistakes(env, tmp_path, capsys, argv, code, message):
    gold = write_gold(tmp_path)
    assert main(["eval", "--gold", str(gold), "--retrieval-only", *argv]) == code
    err = capsys.readouterr().err
    assert err.strip() == f"byline: error: {message}"


def test_default_corpus_rule(tmp_path):
    assert default_corpus(Path("eval/gold/seed.jsonl"), SEEDS, tmp_path) == [SEEDS]
    assert default_corpus(Path("x/bbc.jsonl"), SEEDS, tmp_path) == [tmp_path / "corpora" / "bbc"]


def test_eval_store_key_follows_what_shapes_the_vectors(settings):
    base = eval_settings(settings, [SEEDS])
    assert eval_settings(settings, [SEEDS]).data_dir == base.data_dir
    assert eval_settings(settings.model_copy(update={"chunk_size": 99}), [SEEDS]).data_dir != base.data_dir
    assert eval_settings(settings, [SEEDS, SEED_FILE]).data_dir != base.data_dir
    assert base.collection.startswith(settings.collection) and base.collection != settings.collection


def test_components_share_the_base_models(components):
    from eval.cli import corpus_components

    c = corpus_components(components, [SEEDS], with_llm=False)
    assert c.embedder is components.embedder and "llm" not in vars(c) and "llm" not in vars(components)
    assert isinstance(c, Components)


def test_check_without_a_section_is_refused_before_the_run(env, tmp_path, capsys):
    gold = write_gold(tmp_path)
    thresholds = tmp_path / "t.toml"
    thresholds.write_text("[other.min]\naccuracy = 0.5\n")
    code = main(["eval", "--gold", str(gold), "--corpus", str(SEEDS), "--retrieval-only", "--check",
                 "--thresholds", str(thresholds)])
    err = capsys.readouterr().err
    assert code == 2 and "no [tiny.retrieval.min] or [tiny.retrieval.max] thresholds" in err
    assert not (tmp_path / "data" / "eval").exists()  # nothing was ingested


def test_default_gold_files_skip_a_missing_corpus(env, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BYLINE_SHARED_DIR", str(tmp_path / "no-shared"))
    assert main(["eval", "--retrieval-only", "--json", str(tmp_path / "r.json"),
                 "--html", str(tmp_path / "r.html")]) == 0
    err = capsys.readouterr().err
    assert "skipping bbc.jsonl: its corpus" in err
    runs = json.loads((tmp_path / "r.json").read_text())["runs"]
    assert [r["name"] for r in runs] == ["seed.jsonl", "seed_reader.jsonl"]  # NAME_STYLE -> corpus NAME
    assert all(r["corpus"] == [str(SEEDS)] for r in runs)


def test_gold_and_corpus_may_be_repeated():
    args = build_parser().parse_args(["eval", "--gold", "a.jsonl", "--gold", "b.jsonl", "c.jsonl",
                                      "--corpus", "x", "--corpus", "y"])
    assert args.gold == [Path("a.jsonl"), Path("b.jsonl"), Path("c.jsonl")]
    assert args.corpus == [Path("x"), Path("y")]


def test_two_gold_files_in_one_run_are_each_reported(components, tmp_path, capsys):
    first = write_gold(tmp_path, ITEMS[:2], name="plain.jsonl")
    reader = [{**ITEMS[0], "id": "r1", "question": "Who leads the alliance now?", "style": "reader"},
              {**ITEMS[2], "id": "r3", "style": "reader"}, {**ITEMS[1], "id": "r2"}]
    second = write_gold(tmp_path, reader, name="reader.jsonl")
    code = run_eval(components, "--gold", first, "--gold", second, "--corpus", SEEDS, "--retrieval-only",
                    "--json", tmp_path / "r.json", "--html", tmp_path / "r.html")
    assert code == 0
    runs = json.loads((tmp_path / "r.json").read_text())["runs"]
    assert [r["name"] for r in runs] == ["plain.jsonl", "reader.jsonl"]
    assert [r["items_run"] for r in runs] == [2, 3]
    assert runs[0]["metrics"]["by_style"] == {}
    assert list(runs[1]["metrics"]["by_style"]) == ["reader", "default"]
    out = capsys.readouterr().out
    assert "== plain.jsonl" in out and "== reader.jsonl" in out and "style:reader" in out
    page = (tmp_path / "r.html").read_text()
    assert "<h2>plain.jsonl" in page and "<h2>reader.jsonl" in page


@pytest.mark.parametrize("same_file", [True, False])
def test_gold_files_with_the_same_name_are_refused(env, tmp_path, capsys, same_file):
    gold = write_gold(tmp_path)
    (tmp_path / "other").mkdir()
    other = gold if same_file else write_gold(tmp_path / "other")
    code = main(["eval", "--gold", str(gold), "--gold", str(other), "--corpus", str(SEEDS), "--retrieval-only"])
    err = capsys.readouterr().err
    assert code == 2
    assert ("given twice" if same_file else "two gold files are named tiny.jsonl") in err
    assert not (tmp_path / "data" / "eval").exists()  # refused before any work
