"""Ingest against real Chroma (embedded) and the real ONNX embedder."""

import shutil

import pytest

from rag.consistency import check_store
from rag.corpus import read_file
from tests.conftest import SEED_FILE, SEEDS

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


def chunks_by_doc(store):
    got = store._chunks.get(include=["documents", "metadatas"])
    out = {}
    for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
        out.setdefault(meta["doc_id"], {})[cid] = doc
    return out


def test_ingest_twice_changes_nothing(components):
    first = components.ingester.run([SEEDS])
    n_chunks = components.store.count_chunks()
    assert (first.added, first.unchanged, first.failed) == (1, 0, [])
    assert n_chunks == first.chunks > 0
    second = components.ingester.run([SEEDS])
    assert (second.added, second.updated, second.unchanged, second.chunks) == (0, 0, 1, 0)
    assert components.store.count_chunks() == n_chunks


def test_stored_chunks_are_verbatim_slices_of_the_article(components):
    components.ingester.run([SEEDS])
    body = components.store.get(SEED_FILE.name).body
    assert body == SEED_FILE.read_text(encoding="utf-8")
    for cid, text in chunks_by_doc(components.store)[SEED_FILE.name].items():
        meta = components.store._chunks.get(ids=[cid], include=["metadatas"])["metadatas"][0]
        assert body[meta["start"]:meta["end"]] == text


def test_editing_one_article_replaces_only_its_chunks(components, corpus):
    components.ingester.run([corpus])
    before = chunks_by_doc(components.store)
    (corpus / "b.txt").write_text("Team loses cup\n\nThe home side lost the final 0-3.\n", encoding="utf-8")
    report = components.ingester.run([corpus])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    after = chunks_by_doc(components.store)
    assert after["a.txt"] == before["a.txt"] and after["c.md"] == before["c.md"]
    assert list(after["b.txt"].values()) == ["The home side lost the final 0-3."]
    assert components.store.get("b.txt").title == "Team loses cup"


def test_prune_removes_only_articles_gone_from_the_folder(components, corpus, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(SEED_FILE, other)
    components.ingester.run([corpus, other])
    (corpus / "c.md").unlink()
    assert components.ingester.run([corpus]).removed == 0  # without --prune nothing goes
    report = components.ingester.run([corpus], prune=True)
    assert report.removed == 1
    ids = {r["doc_id"] for r in components.store.list()[0]}
    assert ids == {"a.txt", "b.txt", SEED_FILE.name}  # the other folder's article stays
    assert "c.md" not in chunks_by_doc(components.store)


def test_prune_keeps_an_article_whose_file_failed_to_read(components, corpus):
    components.ingester.run([corpus])
    (corpus / "a.txt").write_bytes(b"\x00\x01binary now")
    report = components.ingester.run([corpus], prune=True)
    assert report.removed == 0 and len(report.failed) == 1
    assert components.store.get("a.txt").title == "Bank holds rates"


def test_corrupt_file_among_good_ones_is_reported_and_the_rest_ingest(components, corpus):
    (corpus / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (corpus / "empty.md").write_text("")
    (corpus / "bad.json").write_text("{oops")
    report = components.ingester.run([corpus])
    assert report.added == 3
    failed = {name.rsplit("/", 1)[-1]: reason for name, reason in report.failed}
    assert set(failed) == {"broken.txt", "empty.md", "bad.json"}
    assert "binary" in failed["broken.txt"] and "empty" in failed["empty.md"] and "JSON" in failed["bad.json"]


class FailingEmbedder:
    """Wraps the real embedder and fails on the n-th call, like a crash mid-ingest."""

    def __init__(self, inner, fail_on_call):
        self.inner, self.fail_on_call, self.calls = inner, fail_on_call, 0
        self.name = inner.name

    def embed_batch(self, texts):
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt
        return self.inner.embed_batch(texts)


def test_interrupted_ingest_is_finished_by_a_rerun(components, bbc, embedder, tmp_path):
    sample = tmp_path / "bbc"
    for name in sorted((bbc / "tech").glob("*.txt"))[:60]:
        (sample / "tech").mkdir(parents=True, exist_ok=True)
        shutil.copy(name, sample / "tech")
    components.ingester.batch_chunks = 16
    components.ingester.embedder = FailingEmbedder(embedder, fail_on_call=3)
    with pytest.raises(KeyboardInterrupt):
        components.ingester.run([sample])
    partial = components.store.count()
    assert 0 < partial < 60
    components.ingester.embedder = embedder
    report = components.ingester.run([sample])
    assert report.added + report.unchanged == 60
    assert components.store.count() == 60
    n_chunks = components.store.count_chunks()
    assert n_chunks == len({cid for doc in chunks_by_doc(components.store).values() for cid in doc})
    assert all(r["complete"] for r in components.store.list()[0])
    assert components.ingester.run([sample]).unchanged == 60
    assert components.store.count_chunks() == n_chunks


class CrashOnAdd:
    """Wraps the store's real chunk collection; `add` raises, like a kill inside store.write()."""

    def __init__(self, inner):
        self.inner = inner

    def add(self, **kwargs):
        raise KeyboardInterrupt

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_an_edit_interrupted_inside_the_store_write_is_redone_by_a_rerun(components, corpus):
    components.ingester.run([corpus])
    store = components.store
    old = store.get("b.txt").body
    new = "Team loses cup\n\nThe home side lost the final 0-3.\n"
    (corpus / "b.txt").write_text(new, encoding="utf-8")
    store._chunks = CrashOnAdd(store._chunks)
    with pytest.raises(KeyboardInterrupt):
        components.ingester.run([corpus])
    store._chunks = store._chunks.inner
    assert store.get("b.txt").body == old  # readers still see the old version, whole
    assert check_store(store).ok
    report = components.ingester.run([corpus])
    assert (report.updated, report.unchanged) == (1, 2)  # the write was not recorded as done
    expected = {a.doc_id: a.body for name in ARTICLES for a in read_file(corpus / name, corpus)}
    assert check_store(store, expected).clean


def test_json_articles_ingest_with_metadata_and_filters(components, tmp_path):
    from datetime import date

    from rag.types import Filters

    root = tmp_path / "j"
    root.mkdir()
    (root / "feed.jsonl").write_text(
        '{"id": "x1", "title": "Rates", "body": "The bank raised rates to 5%.", "published_at": "2024-01-10", "source": "Wire"}\n'
        '{"id": "x2", "title": "Rates again", "body": "The bank cut rates to 4%.", "published_at": "2024-06-10", "source": "Post"}\n')
    components.ingester.run([root])
    retr = components.retriever
    got = retr.retrieve("bank rates", 5, Filters(since=date(2024, 3, 1)))
    assert [p.doc_id for p in got] == ["x2"]
    got = retr.retrieve("bank rates", 5, Filters(source="wire"))
    assert [p.doc_id for p in got] == ["x1"]
    got = retr.retrieve("bank rates", 5, Filters(until=date(2024, 12, 31), source="post"))
    assert [p.doc_id for p in got] == ["x2"]
    assert retr.retrieve("bank rates", 5, Filters(until=date(2023, 1, 1))) == []


def test_ingest_marks_undated_articles_a_store_from_before_the_flag_holds(components):
    from rag.types import Filters

    components.ingester.run([SEEDS])  # the seed article has no date (its dateline has no year)
    store = components.store
    store._articles.update(ids=[SEED_FILE.name], metadatas=[{"undated": None}])  # as older stores hold it
    since = Filters.parse(since="2005-01-01")
    assert store.count_undated(since) == 0
    assert components.ingester.run([SEEDS]).unchanged == 1  # nothing rewritten, yet marked
    assert store.count_undated(since) == 1


def test_each_vector_is_of_headline_dateline_and_chunk(hybrid, embedder):
    import numpy as np

    hybrid.ingester.run([SEEDS])
    got = hybrid.store._chunks.get(include=["documents", "embeddings", "metadatas"])
    article = hybrid.store.get(SEED_FILE.name)
    prefix = hybrid.chunker.prefix(article)
    assert prefix.startswith(article.title[:20]) and "BRUSSELS" in prefix
    for doc, vec in zip(got["documents"], got["embeddings"]):
        assert not doc.startswith(prefix)  # stored text stays the verbatim chunk
        want = embedder.embed_batch([f"{prefix}\n{doc}"])[0]
        assert float(np.dot(vec, want)) > 0.999


def test_by_default_each_vector_is_of_the_chunk_alone(components, embedder):
    import numpy as np

    components.ingester.run([SEEDS])
    assert components.chunker.prefix(components.store.get(SEED_FILE.name)) == ""
    got = components.store._chunks.get(include=["documents", "embeddings"])
    for doc, vec in zip(got["documents"], got["embeddings"], strict=True):
        assert float(np.dot(vec, embedder.embed_batch([doc])[0])) > 0.999


@pytest.mark.parametrize("switch", [{"embed_headline": True}, {"chunk_unit": "word_pieces"}])
def test_a_store_built_with_other_vectors_is_refused_not_mixed(settings, embedder, switch):
    """Headline vectors or word-piece chunks either way round: refused like another embedder."""
    from rag.components import Components
    from rag.errors import ModelError

    def opened(s):
        c = Components(s)
        c.embedder = embedder
        return c

    opened(settings).ingester.run([SEEDS])
    with pytest.raises(ModelError, match="built with embedder"):
        opened(settings.model_copy(update=switch)).store.count()
    other = settings.model_copy(update={"data_dir": settings.data_dir.parent / "other", **switch})
    opened(other).ingester.run([SEEDS])
    with pytest.raises(ModelError, match="built with embedder"):
        opened(other.model_copy(update={"embed_headline": False, "chunk_unit": "tokens"})).store.count()
    assert opened(settings.model_copy(update={"retrieval": "hybrid"})).store.count() == 1  # BM25 is derived
