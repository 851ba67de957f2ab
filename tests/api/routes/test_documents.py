"""/v1/documents: uploads in every format the ingester reads, idempotence, paging,
show and delete, and the ways an upload can be wrong."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED_FILE

TEXT = "Bank holds rates\n\nThe central bank kept its main rate at 4.75% on Thursday.\n"
HTML = ("<html><head><title>Phone sales rise</title></head><body><h1>Phone sales rise</h1>"
        "<p>Mobile phone sales rose 30% last year, a trade body said.</p></body></html>")
ARTICLE = {"id": "ecb-1", "title": "ECB cuts rates", "published_at": "2024-12-12", "source": "Reuters",
           "body": "The European Central Bank cut its deposit rate to 3% on Thursday.", "desk": "economy"}


def upload(client, name: str, data: bytes | str):
    return client.post("/v1/documents", files={"file": (name, data, "application/octet-stream")})


@pytest.mark.parametrize("name,data,doc_ids,title", [
    ("rates.txt", TEXT, ["rates.txt"], "Bank holds rates"),
    ("notes/rates.md", "# Bank holds rates\n\nThe bank kept rates.\n", ["notes/rates.md"], "Bank holds rates"),
    ("phones.html", HTML, ["phones.html"], "Phone sales rise"),
    ("ecb.json", json.dumps(ARTICLE), ["ecb-1"], "ECB cuts rates"),
    ("many.jsonl", json.dumps(ARTICLE) + "\n" + json.dumps({**ARTICLE, "id": "ecb-2"}) + "\n",
     ["ecb-1", "ecb-2"], "ECB cuts rates"),
])
def test_file_upload_in_each_format_then_show(client, name, data, doc_ids, title):
    r = upload(client, name, data)
    assert r.status_code == 201, r.text
    assert r.json()["added"] == len(doc_ids) and r.json()["doc_ids"] == doc_ids and r.json()["chunks"] >= len(doc_ids)
    shown = client.get(f"/v1/documents/{doc_ids[0]}").json()
    assert shown["doc_id"] == doc_ids[0] and shown["title"] == title and shown["body"].strip()


def test_json_article_and_list_of_articles(client):
    r = client.post("/v1/documents", json=ARTICLE)
    assert r.status_code == 201 and r.json()["doc_ids"] == ["ecb-1"]
    shown = client.get("/v1/documents/ecb-1").json()
    assert shown == {"doc_id": "ecb-1", "title": "ECB cuts rates", "source": "Reuters", "published": "2024-12-12",
                     "url": "", "metadata": {"desk": "economy"}, "body": ARTICLE["body"]}
    r = client.post("/v1/documents", json=[ARTICLE, {**ARTICLE, "id": "ecb-2"}])
    assert r.status_code == 201 and (r.json()["added"], r.json()["unchanged"]) == (1, 1)
    hits = client.post("/v1/search", json={"query": "deposit rate cut", "filters": {"source": "reuters"}}).json()
    assert {h["doc_id"] for h in hits["results"]} == {"ecb-1", "ecb-2"}


def test_reupload_is_unchanged_and_an_edit_is_an_update(client):
    first = upload(client, "rates.txt", TEXT)
    again = upload(client, "rates.txt", TEXT)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == {"added": 0, "updated": 0, "unchanged": 1, "removed": 0, "failed": [], "chunks": 0,
                            "doc_ids": ["rates.txt"]}
    edited = upload(client, "rates.txt", TEXT.replace("4.75%", "5%"))
    assert edited.status_code == 200 and edited.json()["updated"] == 1
    assert "5%" in client.get("/v1/documents/rates.txt").json()["body"]


def test_uploaded_seed_matches_the_cli_ingest_and_offsets_hold(client):
    # `client` is seeded by the ingester from the seeds folder: the same bytes over HTTP are unchanged
    r = upload(client, SEED_FILE.name, SEED_FILE.read_bytes())
    assert r.status_code == 200 and r.json()["unchanged"] == 1
    assert client.get(f"/v1/documents/{SEED_FILE.name}").json()["body"] == SEED_FILE.read_text(encoding="utf-8")


def test_ids_with_slashes_show_and_delete_then_404(client):
    assert upload(client, "business/001.txt", TEXT).status_code == 201
    assert client.get("/v1/documents/business/001.txt").json()["doc_id"] == "business/001.txt"
    r = client.delete("/v1/documents/business/001.txt")
    assert r.status_code == 200 and r.json() == {"deleted": "business/001.txt"}
    for method in ("GET", "DELETE"):
        r = client.request(method, "/v1/documents/business/001.txt")
        assert r.status_code == 404 and r.json()["error"] == {
            "code": "not_found", "message": "no document with id 'business/001.txt'"}
    hits = client.post("/v1/search", json={"query": "central bank rate"}).json()["results"]
    assert "business/001.txt" not in {h["doc_id"] for h in hits}


def test_paging(client):
    client.post("/v1/documents", json=[{**ARTICLE, "id": f"doc-{n:02d}"} for n in range(7)])
    everything = client.get("/v1/documents", params={"limit": 100}).json()
    ids = [d["doc_id"] for d in everything["documents"]]
    assert everything["total"] == 8 and ids == sorted(ids) and SEED_FILE.name in ids
    page = client.get("/v1/documents", params={"offset": 2, "limit": 3}).json()
    assert (page["total"], page["offset"], page["limit"]) == (8, 2, 3)
    assert [d["doc_id"] for d in page["documents"]] == ids[2:5]
    assert client.get("/v1/documents", params={"offset": 8}).json()["documents"] == []
    assert set(page["documents"][0]) == {"doc_id", "title", "source", "published", "chunks", "complete"}


@pytest.mark.parametrize("params", [{"offset": -1}, {"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"limt": 5}])
def test_bad_paging_is_422(shared, params):
    client, _ = shared
    r = client.get("/v1/documents", params=params)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("name,data,status,needle", [
    ("photo.png", b"\x89PNG\r\n", 422, "unsupported file type .png"),
    ("blob.txt", b"\x00\x01\x02\x00", 422, "binary file"),
    ("empty.txt", b"   \n", 422, "empty file"),
    ("bad.json", b"{not json", 422, "invalid JSON"),
    ("nobody.json", json.dumps({"id": "x", "title": "t"}), 422, "non-empty 'body'"),
    ("../escape.txt", TEXT, 422, "unusable file name"),
    ("/etc/passwd.txt", TEXT, 422, "unusable file name"),
    ("x" * 300 + ".txt", TEXT, 422, "unusable file name"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, 422, "nested too deeply"),
    ("odd.json", b'{"id": "x", "body": "bad \\ud800 text"}', 422, "not valid Unicode"),
])
def test_unreadable_files_are_422(shared, name, data, status, needle):
    client, _ = shared
    r = upload(client, name, data)
    assert r.status_code == status and needle in r.json()["error"]["message"], r.text


@pytest.mark.parametrize("kwargs,status,needle", [
    ({"json": {"title": "no body, no id"}}, 422, "needs a non-empty 'body'"),
    ({"json": {"body": "text without an id"}}, 422, "needs an 'id'"),
    ({"json": [ARTICLE, {"id": 2}]}, 422, "article 1:"),
    ({"json": [ARTICLE, ARTICLE]}, 422, "two articles with id 'ecb-1'"),
    ({"json": []}, 422, "empty"),
    ({"json": "just a string"}, 422, "must be an object"),
    ({"json": {**ARTICLE, "published_at": "someday"}}, 422, "not an ISO date"),
    ({"content": b"{oops", "headers": {"Content-Type": "application/json"}}, 400, "not valid JSON"),
    ({"content": b"[" * 100_000 + b"]" * 100_000, "headers": {"Content-Type": "application/json"}}, 400,
     "nested too deeply"),
    ({"content": b'{"id": "\\udc00", "body": "b"}', "headers": {"Content-Type": "application/json"}}, 422,
     "not valid Unicode"),
    ({"content": b"xx", "headers": {"Content-Type": "multipart/form-data"}}, 400, "boundary"),
    ({"content": TEXT, "headers": {"Content-Type": "text/plain"}}, 415, "multipart/form-data"),
    ({"data": {"title": "x"}, "files": {"other": ("a.txt", TEXT)}}, 422, "'file' parts"),
    ({"files": {"file": (None, "a field, not a file")}}, 422, "file name"),
    ({"data": {"file": "x"}}, 415, "not application/x-www-form-urlencoded"),
])
def test_bad_upload_bodies(shared, kwargs, status, needle):
    client, _ = shared
    r = client.post("/v1/documents", **kwargs)
    assert r.status_code == status and needle in r.json()["error"]["message"], r.text


def test_oversize_upload_is_413_and_nothing_is_stored(make_client, seeded):
    client = make_client(max_upload_bytes=2_000)
    r = upload(client, "big.txt", "Headline\n\n" + "word " * 1_000)
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
    assert "2,000 bytes" in r.json()["error"]["message"]
    assert client.get("/v1/documents/big.txt").status_code == 404
    assert upload(client, "small.txt", TEXT).status_code == 201


def test_unknown_document_is_404(shared):
    client, _ = shared
    r = client.get("/v1/documents/no/such.txt")
    assert r.status_code == 404 and r.json()["error"]["message"] == "no document with id 'no/such.txt'"
