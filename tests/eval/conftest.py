"""Hand-made ItemResults and a GoldRun for the report tests."""

import pytest

from eval.gold import GoldItem
from eval.metrics import summarize
from eval.report import GoldRun
from eval.results import CitationCheck, ItemResult
from rag.types import IngestReport

EVIL = '<script>alert("x")</script> & \'quotes\''


def make_results():
    single = GoldItem("s1", f"Who said {EVIL}?", "Rutte", ("Rutte",), ("a.txt",), "single", 1)
    multi = GoldItem("m1", "Which two?", "A and B", ("A",), ("a.txt", "b.txt"), "multi", 2,
                     extra={"note": "combines two"})
    unans = GoldItem("u1", "When?", "Not stated", (), (), "unanswerable", 3)
    timings = {"retrieve": 12, "prompt": 900, "generate": 2100, "total": 2112}
    return [
        ItemResult(single, ["a.txt", "b.txt"], 12, True, f"Rutte said {EVIL} [1].", False,
                   [CitationCheck(1, "a.txt", f"quoted {EVIL}", 10, 40, True)],
                   [{"text": f"Rutte said {EVIL}.", "citations": [1], "supported": True}], ["a.txt"],
                   timings, "qwen", evidence=0.81),
        ItemResult(multi, ["c.txt", "b.txt"], 15, True, "Nobody [1].", False,
                   [CitationCheck(1, "c.txt", "Nobody here.", 0, 12, False)],
                   [{"text": "Nobody.", "citations": [1], "supported": False}], ["c.txt"], timings, "qwen",
                   evidence=0.52),
        ItemResult(unans, ["a.txt"], 11, True, "The articles do not say.", True, [], [], ["a.txt"],
                   timings, "qwen", evidence=0.34, abstain_reason="no_evidence"),
    ]


@pytest.fixture
def gold_run(tmp_path):
    results = make_results()
    return GoldRun(gold=tmp_path / "tiny.jsonl", corpus=[tmp_path / "corpus"], section="tiny",
                   retrieval_only=False, limit=None, per_type=False, items_in_file=3, results=results,
                   summary=summarize(results), ingest=IngestReport(added=2), ingest_s=1.0, run_s=5.0)
