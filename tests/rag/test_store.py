"""The store against a real `chroma run` server: a server that goes away after connecting
is a BackendUnavailable with a readable message, not an httpx error."""

import pytest

from rag.errors import BackendUnavailable
from rag.store import ChromaStore, connect
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


def test_iter_chunks_pages_through_every_chunk(components):
    components.ingester.run([SEEDS])
    ids = [cid for cid, _, _ in components.store.iter_chunks(page=2)]
    assert sorted(ids) == sorted(components.store._chunks.get(include=[])["ids"]) and len(ids) >= 3
