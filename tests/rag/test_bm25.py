"""BM25 against real Chroma (embedded and a real `chroma run` server) and the real embedder,
with the retrieval switches on: the index follows every ingest, update, delete and prune, in
every process using the store."""

import json

import pytest

from rag.bm25 import Bm25Index, Bm25Search, Tokenizer
from rag.components import Components
from rag.types import Filters
from tests.conftest import SWITCHES_ON
from tests.processes import chroma_server

ARTICLES = {
    "a.txt": "Bank holds rates\n\nThe central bank kept its main rate at 4.75% on Thursday. "
             "Economists had expected the decision.\n",
    "b.txt": "Team wins cup\n\nThe home side won the cup final 2-1 after extra time. "
             "The captain scored the winner.\n",
    "c.md": "# Phone sales rise\n\nMobile phone sales rose 30% last year, a trade body said.\n",
}


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in ARTICLES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def docs(bm25: Bm25Search, query: str, filters=None) -> list[str]:
    return [cid.split("#")[0] for cid, _ in bm25.search(query, 10, filters)]


def test_tokenizer_drops_stopwords_and_stems():
    assert Tokenizer()("The Elections, and the voters voted!") == ["elect", "voter", "vote"]
    assert Tokenizer(stem=False)("The rates ROSE 4.75%") == ["rates", "rose", "4", "75"]


def test_index_follows_ingest_update_delete_and_prune(hybrid, corpus):
    bm25 = hybrid.bm25
    assert bm25.search("cup final", 5) == []  # empty store
    hybrid.ingester.run([corpus])
    assert docs(bm25, "cup final") == ["b.txt"]
    assert docs(bm25, "Phone sales") == ["c.md"]  # headline words count too
    (corpus / "b.txt").write_text("Team loses replay\n\nThe visitors lost the replay on penalties.\n")
    hybrid.ingester.run([corpus])
    assert docs(bm25, "cup final") == []
    assert docs(bm25, "replay") == ["b.txt"]
    hybrid.store.delete("a.txt")
    assert docs(bm25, "central bank") == []
    (corpus / "c.md").unlink()
    hybrid.ingester.run([corpus], prune=True)
    assert docs(bm25, "phone") == []
    assert hybrid.bm25 is bm25  # one index object, brought up to date, not rebuilt by hand


def test_a_second_process_loads_the_saved_index_without_rebuilding(hybrid, corpus, embedder):
    hybrid.ingester.run([corpus])
    assert docs(hybrid.bm25, "captain") == ["b.txt"]
    assert hybrid.bm25.last_build_s is not None
    other = Components(hybrid.settings)
    other.embedder = embedder
    assert docs(other.bm25, "captain") == ["b.txt"]
    assert other.bm25.last_build_s is None  # loaded from disk
    assert len(list(hybrid.settings.bm25_dir.iterdir())) == 1


def test_workers_of_one_chroma_server_see_each_others_writes(tmp_path, corpus, embedder):
    """Two API workers: separate processes' objects and cache dirs, one Chroma server."""
    from rag.settings import Settings

    with chroma_server(tmp_path) as (_, url):
        workers = []
        for n in range(2):
            c = Components(Settings(data_dir=tmp_path / f"d{n}", cache_dir=tmp_path / f"cache{n}", chroma_url=url,
                                    **SWITCHES_ON))
            c.embedder = embedder
            workers.append(c)
        a, b = workers
        assert b.bm25.search("captain", 5) == []
        a.ingester.run([corpus])
        assert docs(a.bm25, "captain") == docs(b.bm25, "captain") == ["b.txt"]
        assert b.retriever.retrieve("captain", 1)[0].doc_id == "b.txt"
        b.store.delete("b.txt")
        assert docs(a.bm25, "captain") == []
        assert (tmp_path / "cache0" / "bm25").is_dir() and (tmp_path / "cache1" / "bm25").is_dir()


def test_filters_apply_to_bm25(hybrid, tmp_path):
    rows = [{"id": "old", "title": "Rates news", "body": "Interest rates rose again.", "published_at": "2004-06-01",
             "source": "BBC"},
            {"id": "new", "title": "Rates news", "body": "Interest rates fell again.", "published_at": "2005-06-01",
             "source": "Reuters"},
            {"id": "undated", "title": "Rates news", "body": "Interest rates held.", "source": "BBC"}]
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    hybrid.ingester.run([path])
    bm25 = hybrid.bm25
    assert sorted(docs(bm25, "interest rates")) == ["new", "old", "undated"]
    assert docs(bm25, "interest rates", Filters.parse(since="2005-01-01")) == ["new"]
    assert docs(bm25, "interest rates", Filters.parse(until="2005-01-01")) == ["old"]  # undated: out
    assert sorted(docs(bm25, "interest rates", Filters.parse(source="bbc"))) == ["old", "undated"]
    assert docs(bm25, "interest rates", Filters.parse(since="2004-01-01", source="reuters")) == ["new"]


def test_chunks_of_a_generation_no_record_points_to_are_not_indexed(hybrid, corpus):
    """A writer that crashed after adding its chunks (or lost a race) left an orphan generation."""
    from rag.store import ArticleWrite
    from rag.types import Article, Chunk

    hybrid.ingester.run([corpus])
    body = "The captain scored a hat-trick in the orphan match."
    orphan = ArticleWrite(Article("b.txt", "Orphan", body), [Chunk("b.txt", 0, body, 0, len(body))],
                          [hybrid.embedder.embed_batch([body])[0]])
    hybrid.store._add_chunks([orphan], "orphangen")
    hybrid.store._bump()
    assert docs(hybrid.bm25, "hat-trick orphan") == []
    assert docs(hybrid.bm25, "captain") == ["b.txt"]
    assert hybrid.store.passages(["b.txt#0"], hybrid.embedder.embed_batch(["captain"])[0])[0].text != body


def test_index_save_and_load_round_trip(tmp_path):
    rows = [("x#0", "Gold prices rose sharply", {"title": "Gold", "published": 20050101, "source_key": "bbc"}),
            ("y#0", "Silver prices fell", {"title": "Silver"})]
    index = Bm25Index.build("tok", rows, Tokenizer())
    index.save(tmp_path / "i")
    loaded = Bm25Index.load(tmp_path / "i")
    tokens = Tokenizer()("gold price")
    assert loaded.search(tokens, 5) == index.search(tokens, 5)
    assert [c for c, _ in loaded.search(tokens, 5)] == ["x#0", "y#0"]
    assert loaded.token == "tok" and loaded.published.tolist() == [20050101, 0]
