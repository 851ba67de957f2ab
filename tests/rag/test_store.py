"""The store against a real `chroma run` server: a server that goes away after connecting
is a BackendUnavailable with a readable message, not an httpx error."""

import pytest

from rag.errors import BackendUnavailable
from rag.store import ChromaStore, connect
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
