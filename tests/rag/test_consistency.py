"""The consistency check finds each kind of damage it is meant to find (real embedded Chroma,
damaged by hand through the raw collections)."""

import pytest

from rag.consistency import check_store
from tests.rag.test_store import V1, V2, article_write, open_store, sentences, vector


@pytest.fixture
def store(tmp_path):
    from rag.store import connect

    s = open_store(connect(tmp_path / "chroma"))
    s.write([article_write("a.txt", V1), article_write("b.txt", V2)])
    return s


def stored_ids(store, doc_id):
    return store._chunks.get(where={"doc_id": doc_id}, include=[])["ids"]


def test_a_whole_store_is_clean(store):
    got = check_store(store, {"a.txt": V1, "b.txt": V2})
    assert got.clean and (got.articles, got.stale_chunks) == (2, 0) and got.chunks == len(sentences(V1) + sentences(V2))


def test_a_chunk_whose_text_is_not_its_span_of_the_body(store):
    store._chunks.update(ids=[stored_ids(store, "a.txt")[0]], documents=["Something else."],
                          embeddings=[vector("Something else.")])
    assert any("text is not body" in p for p in check_store(store).problems)


def test_a_missing_chunk(store):
    store._chunks.delete(ids=[stored_ids(store, "b.txt")[-1]])
    assert any(p.startswith("b.txt: generation") for p in check_store(store).problems)


def test_lost_unexpected_and_wrong_versions(store):
    got = check_store(store, {"a.txt": V2, "c.txt": V1})
    assert got.problems == ["c.txt: lost", "b.txt: not expected", "a.txt: body is not the expected version"]


def test_stale_chunks_are_counted_but_do_not_make_readers_see_damage(store):
    store._articles.update(ids=["a.txt"], metadatas=[{"gen": "other"}])
    got = check_store(store)
    assert got.stale_chunks == len(sentences(V1)) and not got.ok  # a.txt now points at a generation with no chunks
