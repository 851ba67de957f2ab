"""Uploads of one article that race or die, through real `byline serve` processes over
loopback HTTP: the article ends as exactly one of the uploaded versions, whole (each of
its chunks is body[start:end] of that version), whichever worker wrote it."""

from __future__ import annotations

import json
import signal
import threading
import time
from contextlib import contextmanager

import httpx
import pytest

from rag.consistency import check_store
from rag.embedding import OnnxMiniLMEmbedder
from rag.store import ChromaStore, connect
from tests.api.test_e2e import chroma  # noqa: F401 (fixture)
from tests.processes import byline_env, byline_serving, check_store_in_a_process, free_port

DOC = "race-1"


@contextmanager
def serve(tmp_path, workers=1, **env):
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    env = byline_env(tmp_path / "data", BYLINE_LLM_BACKEND="openai", BYLINE_LLM_MODEL="none",
                     BYLINE_OPENAI_BASE_URL=f"http://127.0.0.1:{free_port()}/v1", BYLINE_UPLOAD_RATE_PER_MIN="0",
                     BYLINE_SEARCH_RATE_PER_MIN="0", **env)
    with byline_serving(port, workers, env, log, 600) as (base, proc):
        yield base, proc, log


def versions(bbc, n=2) -> list[dict]:
    """Two long, different bodies (several chunks each) from the BBC corpus."""
    paths = sorted((bbc / "business").glob("*.txt"))[:n]
    return [{"id": DOC, "title": f"Version {i}", "body": p.read_text(encoding="utf-8")} for i, p in enumerate(paths)]


def upload_together(base, bodies) -> list[int]:
    """POST every body at once (threads released together); their status codes."""
    start, codes = threading.Barrier(len(bodies)), [0] * len(bodies)

    def send(i):
        start.wait()
        codes[i] = httpx.post(f"{base}/v1/documents", json=bodies[i], timeout=300).status_code
    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def reader_sees_one_whole_version(base, bodies) -> str:
    """The body GET returns is one of the uploaded ones, and search only shows spans of it."""
    body = httpx.get(f"{base}/v1/documents/{DOC}").json()["body"]
    assert body in [b["body"] for b in bodies]
    hits = httpx.post(f"{base}/v1/search", json={"query": body[:200], "top_k": 20}).json()["results"]
    mine = [h for h in hits if h["doc_id"] == DOC]
    assert mine and all(body[h["start"]:h["end"]] == h["text"] for h in mine)
    return body


def test_concurrent_uploads_through_two_workers_leave_one_version_whole(tmp_path, chroma, bbc):
    _, chroma_url = chroma
    bodies, rounds, winners = versions(bbc), 12, []
    with serve(tmp_path, workers=2, BYLINE_CHROMA_URL=chroma_url) as (base, _, log):
        store = ChromaStore(connect(None, chroma_url), "byline", OnnxMiniLMEmbedder.name, orphan_grace_s=600)
        for r in range(rounds):
            sent = bodies if r % 2 else bodies[::-1]
            assert set(upload_together(base, sent)) <= {200, 201}
            body = reader_sees_one_whole_version(base, bodies)
            got = check_store(store, {DOC: body})
            assert got.ok, (r, got)  # a losing writer's chunks may wait for the sweep, never read
            winners.append(bodies.index(next(b for b in bodies if b["body"] == body)))
            bodies = [{**b, "body": b["body"] + f"\nRound {r}."} for b in bodies]  # new content each round
        access = [json.loads(line) for line in log.read_text().splitlines()
                  if line.startswith("{") and '"byline.access"' in line]
        pids = {a["pid"] for a in access if a.get("path") == "/v1/documents"}
    store.sweep(older_than_s=0)
    assert check_store(store, {DOC: body}).clean
    print(f"{rounds} rounds of 2 concurrent uploads; winners {winners}; uploads served by {len(pids)} workers")


def test_concurrent_uploads_in_one_worker_are_serialised_per_article(tmp_path, bbc):
    bodies, rounds = versions(bbc, 4), 8
    with serve(tmp_path, BYLINE_UPLOAD_CONCURRENCY="4") as (base, _, _):
        for r in range(rounds):
            assert set(upload_together(base, bodies)) <= {200, 201}
            body = reader_sees_one_whole_version(base, bodies)
            bodies = [{**b, "body": b["body"] + f"\nRound {r}."} for b in bodies]
    got = check_store_in_a_process(tmp_path / "data", tmp_path, {DOC: body})
    assert got["clean"], got  # one process: its per-article lock leaves nothing to sweep


@pytest.mark.parametrize("point", ["write:added@2", "write:flipped@2"])
def test_a_server_killed_inside_an_upload_keeps_one_version_and_sweeps_on_restart(tmp_path, bbc, point):
    """The first upload goes through; the server is killed inside the second one's store write."""
    old, new = versions(bbc)
    with serve(tmp_path, BYLINE_TEST_PAUSE_AT=point) as (base, proc, log):
        assert httpx.post(f"{base}/v1/documents", json=old, timeout=300).status_code == 201
        sending = threading.Thread(target=post_and_lose_the_answer, args=(f"{base}/v1/documents", new))
        sending.start()
        wait_for_line(log, "byline-test: paused at", proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        sending.join()
    got = check_store_in_a_process(tmp_path / "data", tmp_path)
    assert got["ok"] and got["stale_chunks"] > 0, got  # the dead write's leftovers, never read
    with serve(tmp_path) as (base, _, _):
        body = reader_sees_one_whole_version(base, [old, new])
        assert body == (old["body"] if point == "write:added@2" else new["body"])
        assert httpx.post(f"{base}/v1/documents", json=new, timeout=300).status_code == 200  # the client's retry
        reader_sees_one_whole_version(base, [new])
    got = check_store_in_a_process(tmp_path / "data", tmp_path, {DOC: new["body"]})
    assert got["clean"], got  # swept when the server started again


def post_and_lose_the_answer(url, body):
    with pytest.raises(httpx.HTTPError):
        httpx.post(url, json=body, timeout=300)


def wait_for_line(log, text, proc, timeout_s=300):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not logged in {timeout_s} s")
