"""The store against real Chroma: a `chroma run` server that goes away after connecting
is a BackendUnavailable with a readable message, not an httpx error; and (embedded) an
article is replaced atomically as readers see it, whatever step a write stops at and
however writers race; and date filters leave out undated articles and count them, in
both modes."""

import dataclasses
import hashlib
import re
import threading
from datetime import date

import numpy as np
import pytest

from rag.consistency import check_store
from rag.errors import BackendUnavailable, NotFound
from rag.store import ArticleWrite, ChromaStore, connect
from rag.types import Article, Chunk, Filters
from tests.conftest import SEED_FILE, SEEDS
from tests.processes import chroma_server, stop


def test_a_chroma_server_that_goes_away_is_a_backend_error(tmp_path):
    with chroma_server(tmp_path) as (proc, url):
        store = ChromaStore(connect(tmp_path / "unused", url), "byline", "test-embedder")
        assert store.count() == 0 and store.count_chunks() == 0
        stop(proc)
        for call in (store.count, lambda: store.query([0.1] * 384, 3), lambda: store.get("a.txt")):
            with pytest.raises(BackendUnavailable, match="the Chroma server cannot be reached"):
                call()
        with pytest.raises(BackendUnavailable, match="Chroma store not reachable"):
            store.ping()


# ---- atomic replacement, against a real embedded Chroma (vectors made up, chunks by hand) ----

V1 = "Bank holds rates. The central bank kept its main rate at 4.75%. Economists expected it."
V2 = "Bank cuts rates. The bank cut its rate to 4.5% on Thursday. Markets rose. Shares gained."


def vector(text: str) -> list[float]:
    v = np.random.default_rng(int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)).normal(size=384)
    return (v / np.linalg.norm(v)).tolist()


def article_write(doc_id: str, body: str) -> ArticleWrite:
    """One chunk per sentence, with offsets into the body (the real chunker is not the point here)."""
    spans = [m.span() for m in re.finditer(r"[^.]+\.", body)]
    chunks = [Chunk(doc_id, i, body[s:e], s, e) for i, (s, e) in enumerate(spans)]
    return ArticleWrite(Article(doc_id=doc_id, title=body.split(".")[0], body=body), chunks,
                        [vector(c.text) for c in chunks])


@pytest.fixture
def client(tmp_path):
    return connect(tmp_path / "chroma")


def open_store(client, **kw) -> ChromaStore:
    return ChromaStore(client, "byline", "test-embedder", **kw)


class Refuse:
    """Wraps a real collection; one method raises, like a crash at that step of a write."""

    def __init__(self, inner, method: str):
        self.inner, self.method = inner, method

    def __getattr__(self, name):
        if name == self.method:
            def refuse(*args, **kwargs):
                raise KeyboardInterrupt
            return refuse
        return getattr(self.inner, name)


def reader_view(store, doc_id):
    """(body, the texts a search returns for it, in chunk order): what a reader sees."""
    body = store.get(doc_id).body
    got = store.query(vector("anything"), 50)
    return body, [p.text for p in sorted(got, key=lambda p: p.start) if p.doc_id == doc_id]


def sentences(body):
    return re.findall(r"[^.]+\.", body)


@pytest.mark.parametrize("step", [("_chunks", "add"), ("_articles", "upsert")], ids=["add", "flip"])
def test_a_write_interrupted_at_any_step_leaves_the_old_version_whole(client, step):
    store = open_store(client)
    store.write([article_write("a.txt", V1)])
    collection, method = step
    setattr(store, collection, Refuse(getattr(store, collection), method))
    with pytest.raises(KeyboardInterrupt):
        store.write([article_write("a.txt", V2)])
    store = open_store(client)  # as the next process would
    assert reader_view(store, "a.txt") == (V1, sentences(V1))
    assert store.hashes()["a.txt"][0] == article_write("a.txt", V1).article.content_hash  # so a rerun redoes it
    assert check_store(store, {"a.txt": V1}).ok
    store.write([article_write("a.txt", V2)])
    assert reader_view(store, "a.txt") == (V2, sentences(V2))
    assert check_store(store, {"a.txt": V2}).clean


def test_replacing_and_deleting_leave_no_chunks_behind(client):
    store = open_store(client)
    store.write([article_write("a.txt", V1), article_write("b.txt", V2)])
    store.write([article_write("a.txt", V2)])
    assert store.count_chunks() == 2 * len(sentences(V2))
    store.delete("b.txt")
    assert store.count_chunks() == len(sentences(V2)) and check_store(store, {"a.txt": V2}).clean
    with pytest.raises(NotFound):
        store.delete("b.txt")


def test_chunks_lists_what_readers_see_with_the_ids_citations_carry(client):
    store = open_store(client, orphan_grace_s=600)
    store.write([article_write("a.txt", V1)])
    store._articles = Refuse(store._articles, "upsert")
    with pytest.raises(KeyboardInterrupt):
        store.write([article_write("a.txt", V2)])  # leaves an orphan generation
    store = open_store(client, orphan_grace_s=600)
    seen = list(store.chunks())
    assert [(c.chunk_id, c.text) for c in sorted(seen, key=lambda c: c.index)] == \
        [(f"a.txt#{i}", t) for i, t in enumerate(sentences(V1))]
    assert {c.doc_id for c in seen} == {"a.txt"} and all(c.metadata["title"] == "Bank holds rates" for c in seen)
    assert len(list(store.chunks(stale=True))) == len(sentences(V1)) + len(sentences(V2))
    assert store.sweep() == 0  # younger than the grace period: maybe a live writer's
    assert store.sweep(older_than_s=0) == len(sentences(V2))
    assert check_store(store, {"a.txt": V1}).clean


class Hold:
    """A pause point that stops the writer at `at` until released (stands in for the test hook)."""

    def __init__(self, at: str):
        self.at, self.reached, self.go = at, threading.Event(), threading.Event()

    def reach(self, name: str) -> None:
        if name == self.at:
            self.reached.set()
            assert self.go.wait(60)


@pytest.mark.parametrize("pause_at, winner", [("write:added", V1), ("write:flipped", V2)],
                         ids=["paused-before-flip", "paused-after-flip"])
def test_two_processes_racing_on_one_article_leave_one_version_whole(client, pause_at, winner):
    """Two stores with their own locks stand for two worker processes over one Chroma server:
    A stops at `pause_at` while B writes the other version from start to end."""
    open_store(client).write([article_write("a.txt", "Old text. Quite old.")])
    hold = Hold(pause_at)
    a = open_store(client, orphan_grace_s=600, pauses=hold)
    b = open_store(client, orphan_grace_s=600)
    writer = threading.Thread(target=a.write, args=([article_write("a.txt", V1)],))
    writer.start()
    assert hold.reached.wait(60)
    b.write([article_write("a.txt", V2)])
    hold.go.set()
    writer.join()
    assert reader_view(b, "a.txt") == (winner, sentences(winner))
    assert check_store(b, {"a.txt": winner}).clean  # the loser's chunks were the replaced generation


def test_concurrent_writers_of_one_article_in_one_process_never_mix(client):
    store = open_store(client)
    bodies = [V1, V2, "Third version. Short.", "Fourth version. It has. Four sentences. Here."]
    for _ in range(10):
        threads = [threading.Thread(target=store.write, args=([article_write("a.txt", body)],)) for body in bodies]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        body = store.get("a.txt").body
        assert body in bodies and check_store(store, {"a.txt": body}).clean
        assert reader_view(store, "a.txt") == (body, sentences(body))


class DeletedWhileQueried:
    """Wraps a real collection; its query answers as Chroma does for a chunk deleted while the
    query ran: the id with no document and no metadata."""

    def __init__(self, inner):
        self.inner = inner

    def query(self, **kw):
        got = self.inner.query(**kw)
        got["ids"][0].insert(0, "gone#0@x")
        got["documents"][0].insert(0, None)
        got["metadatas"][0].insert(0, None)
        got["distances"][0].insert(0, 0.0)
        return got

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_chunk_deleted_while_a_search_runs_is_left_out_not_an_error(client):
    store = open_store(client)
    store.write([article_write("a", "Alpha one. Alpha two.")])
    store._chunks = DeletedWhileQueried(store._chunks)
    assert [p.doc_id for p in store.query(vector("Alpha one."), 2)] == ["a", "a"]


# ---- date filters: undated articles are left out, and counted (embedded and server) ----

SINCE_2005 = Filters.parse(since="2005-01-01")


@pytest.fixture(params=["embedded", "server"])
def any_client(request, tmp_path):
    if request.param == "embedded":
        yield connect(tmp_path / "chroma")
        return
    with chroma_server(tmp_path) as (_, url):
        yield connect(tmp_path / "unused", url)


def dated_write(doc_id: str, body: str, published: date | None, source: str = "BBC") -> ArticleWrite:
    w = article_write(doc_id, body)
    return dataclasses.replace(w, article=dataclasses.replace(w.article, published=published, source=source))


def test_a_date_filter_leaves_out_undated_articles_and_counts_them(any_client):
    store = open_store(any_client)
    store.write([dated_write("dated", V1, date(2005, 3, 1)), dated_write("undated", V2, None)])
    assert {p.doc_id for p in store.query(vector("rates"), 10, SINCE_2005)} == {"dated"}
    assert store.count_undated(SINCE_2005) == 1
    assert store.count_undated(Filters.parse(until="2005-12-31", source="bbc")) == 1
    assert store.count_undated(Filters.parse(since="2005-01-01", source="TASS")) == 0  # its source leaves it out
    assert store.count_undated(None) == 0 and store.count_undated(Filters(source="BBC")) == 0  # no date filter


def test_nothing_is_counted_when_every_article_is_dated(client):
    store = open_store(client)
    store.write([dated_write("a", V1, date(2005, 3, 1)), dated_write("b", V2, date(2004, 1, 2))])
    assert store.count_undated(SINCE_2005) == 0
    store.write([dated_write("b", V2, None)])  # re-ingested without its date
    assert store.count_undated(SINCE_2005) == 1


def test_records_written_before_the_undated_flag_are_marked_once(client):
    store = open_store(client)
    store.write([dated_write("dated", V1, date(2005, 3, 1)), dated_write("undated", V2, None)])
    store._articles.update(ids=["dated", "undated"], metadatas=[{"undated": None}] * 2)  # as older stores hold them
    assert store.count_undated(SINCE_2005) == 0
    assert store.mark_undated() == 2 and store.count_undated(SINCE_2005) == 1
    assert store.mark_undated() == 0


def test_every_write_and_delete_gives_a_new_version(components):
    store = components.store
    v0 = store.version()
    components.ingester.run([SEEDS])
    v1 = store.version()
    assert v1 != v0 and store.version() == v1  # reading does not change it
    components.ingester.run([SEEDS])  # nothing changed: nothing written
    assert store.version() == v1
    store.delete(SEED_FILE.name)
    assert store.version() not in (v0, v1)
    assert list(store.iter_chunks()) == []


def test_iter_chunks_gives_every_current_chunk_by_its_public_id(components):
    components.ingester.run([SEEDS])
    ids = [cid for cid, _, _ in components.store.iter_chunks()]
    stored = components.store._chunks.get(include=["metadatas"])["metadatas"]
    assert sorted(ids) == sorted(m["chunk_id"] for m in stored) and len(ids) >= 3
    assert all("@" not in cid for cid in ids)
