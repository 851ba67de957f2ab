"""Writes main_dense_results.json: what dense retrieval on main (before the retrieval switches
came back) gives a few queries over the seed article and four small articles, for
tests/rag/test_retrieval.py to hold the default settings against.

Run it on the code to compare with, e.g. main at 456ce3b:
    git archive 456ce3b | tar -x -C /tmp/byline-main
    PYTHONPATH=/tmp/byline-main python tests/rag/data/make_main_dense_results.py
(it only uses Components, Settings and the retriever, which both versions have).
"""

import json
import tempfile
from pathlib import Path

from rag.components import Components
from rag.settings import Settings

HERE = Path(__file__).parent
SEEDS = HERE.parents[2] / "seeds"
CORPUS = {
    "a.txt": "Bank holds rates\n\nThe central bank kept its main rate at 4.75% on Thursday.\n",
    "b.txt": "Team wins cup\n\nThe home side won the cup final 2-1 after extra time.\n",
    "c.txt": "Local news\n\nZyngorax Ltd opened a small office beside the station.\n",
    # numbers and rare words: tiktoken tokens and word pieces count them apart, so the chunks differ
    "d.txt": "Ore shipments\n\n" + " ".join(f"Shipment {i} carried {i * 7919} tonnes of Qzvrtx ore to Plovdiv."
                                          for i in range(40)) + "\n",
}
QUERIES = ["NATO summit in Vilnius", "What does Russia demand for peace?", "cup final extra time",
           "Zyngorax", "interest rates", "How much Qzvrtx ore did shipment 17 carry?"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        for name, text in CORPUS.items():
            (corpus / name).write_text(text, encoding="utf-8")
        c = Components(Settings(data_dir=Path(tmp) / "data", seeds_dir=SEEDS))
        c.ingester.run([SEEDS])
        c.ingester.run([corpus])
        results = {q: [{"chunk_id": p.chunk_id, "text": p.text, "start": p.start, "end": p.end,
                        "score": round(p.score, 6)} for p in c.retriever.retrieve(q, 5)] for q in QUERIES}
    out = HERE / "main_dense_results.json"
    out.write_text(json.dumps({"corpus": CORPUS, "results": results}, indent=1, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
