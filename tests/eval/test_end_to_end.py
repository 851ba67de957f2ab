"""A tiny gold file about the seed article, end to end with the real local model."""

import json

import pytest

from rag.cli import build_parser
from tests.conftest import SEED_FILE, SEEDS

pytestmark = pytest.mark.slow

ITEMS = [  # our own wording, not the questions of eval/gold/seed.jsonl
    {"id": "e1", "question": "Who is the head of NATO that TASS quotes?", "answer": "Mark Rutte",
     "must_contain_any": ["Rutte"], "sources": [SEED_FILE.name], "type": "single"},
    {"id": "e2", "question": "In which city was the NATO summit of summer 2023 held?", "answer": "Vilnius",
     "must_contain_any": ["Vilnius"], "sources": [SEED_FILE.name], "type": "single"},
    {"id": "e3", "question": "Which spokeswoman of the Russian Foreign Ministry is mentioned?",
     "answer": "Maria Zakharova", "must_contain_any": ["Zakharova"], "sources": [SEED_FILE.name],
     "type": "single"},
    {"id": "e4", "question": "How many tanks did France promise to send to Ukraine?", "answer": "Not stated",
     "must_contain_any": [], "sources": [], "type": "unanswerable"},
]


@pytest.fixture(scope="module")
def report(tmp_path_factory, embedder, local_llm):
    from rag.components import Components
    from rag.settings import Settings

    tmp = tmp_path_factory.mktemp("e2e")
    gold = tmp / "tiny.jsonl"
    gold.write_text("".join(json.dumps(i) + "\n" for i in ITEMS), encoding="utf-8")
    c = Components(Settings(data_dir=tmp / "data", seeds_dir=SEEDS))
    c.embedder, c.llm = embedder, local_llm
    args = build_parser().parse_args(["eval", "--gold", str(gold), "--json", str(tmp / "r.json"),
                                      "--html", str(tmp / "r.html"), "--corpus", str(SEEDS)])
    assert args.run(args, c) == 0
    return json.loads((tmp / "r.json").read_text()), (tmp / "r.html").read_text()


def test_every_item_gets_an_answer_with_timings(report):
    data, _ = report
    [run] = data["runs"]
    assert run["mode"] == "end-to-end" and data["model"] == "qwen2.5-coder-1.5b-instruct-q4_k_m"
    for item in run["items"]:
        assert item["error"] is None and item["answer"]["timings_ms"]["total"] > 0
    assert run["metrics"]["latency_ms"]["generate"]["n"] == 4


def test_answers_are_right_cited_and_verbatim(report):
    data, _ = report
    [run] = data["runs"]
    m = run["metrics"]["overall"]
    verdicts = {i["id"]: i["verdict"] for i in run["items"]}
    assert verdicts["e1"] == "correct", run["items"][0]["answer"]["text"]
    assert m["accuracy"] >= 0.75, verdicts
    assert m["citation_validity"] == 1.0
    assert m["citation_precision"] == 1.0  # a one-article corpus: every citation is the gold source
    assert m["hit_at_1"] == 1.0


def test_html_drill_down_shows_the_cited_quotes(report):
    data, page = report
    quotes = [c["quote"] for i in data["runs"][0]["items"] if i["answer"] for c in i["answer"]["citations"]]
    assert quotes
    from html import escape

    assert all(escape(q) in page for q in quotes)
