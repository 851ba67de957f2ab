"""Fuzz every operation of the OpenAPI spec with schemathesis, positive and negative
data, a bounded number of examples each, against the app over a real store and embedder
with a scripted LLM, once with API keys on and once with them off (loopback-only
serving): no request may produce a 5xx, and every response must match the spec (status
codes, content types, bodies, SSE events, auth). The per-client rate limits are off so
that every example reaches its route (429s are tested in test_ratelimit.py).

MAX_EXAMPLES is set by the CI budget: the whole module took 89 s on 2 cores shared with
other work (load average 18); 25 examples a mode, keys on only, took 22 s.

`positive_data_acceptance` is left out: some rules cannot be said in a schema (since <= until, unique ids in one
upload, a document id that exists), so schema-valid requests may honestly get 4xx.

(schemathesis' own `from_fixture` lazy loader does not work with pytest 9, so each
operation's strategy drives a plain Hypothesis test here.)"""

from __future__ import annotations

from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from rag.corpus import read_bytes
from tests.api.conftest import LOCAL, seeded_client
from tests.rag.test_corpus_fuzz import any_file, visible

MAX_EXAMPLES = 80
KEY = "fuzz-key"
WITH_INPUT = [("POST", "/v1/answer"), ("POST", "/v1/search"), ("POST", "/v1/documents"),
              ("GET", "/v1/documents"), ("GET", "/v1/documents/{doc_id}"), ("DELETE", "/v1/documents/{doc_id}")]
PATH_ONLY = [("GET", "/v1/documents/{doc_id}"), ("DELETE", "/v1/documents/{doc_id}")]
NO_INPUT = [("GET", "/healthz"), ("GET", "/readyz")]
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE


@pytest.fixture(scope="module", params=["auth on", "auth off"])
def api_schema(request, tmp_path_factory, embedder):
    """The app over the seeded store, with API keys on (so the auth checks run too) or off."""
    keys = KEY if request.param == "auth on" else ""
    with seeded_client(tmp_path_factory.mktemp("data"), embedder, api_keys=keys,
                       search_rate_per_min=0, upload_rate_per_min=0) as (client, _):
        # Loaded and called at a loopback address: without keys, the app serves nothing else.
        schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
        schema.app = client.app  # as from_asgi does: calls go to the app in-process
        schema.byline_auth = {"Authorization": f"Bearer {KEY}"} if keys else {}
        yield schema


def test_every_operation_is_fuzzed(api_schema):
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(WITH_INPUT + NO_INPUT)


@pytest.mark.parametrize("method,path,mode", [(m, p, mode) for m, p in WITH_INPUT for mode in (POSITIVE, NEGATIVE)]
                         + [(m, p, POSITIVE) for m, p in NO_INPUT])
def test_no_server_errors_and_responses_match_the_spec(api_schema, method, path, mode):
    if mode == NEGATIVE and (method, path) in PATH_ONLY and not api_schema.byline_auth:
        pytest.skip("any string is a valid doc_id: without an auth header there is nothing to make invalid")
    operation = api_schema[path][method]
    auth = api_schema.byline_auth if path.startswith("/v1/") else {}

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        case.call_and_validate(base_url=LOCAL, headers=auth, excluded_checks=[positive_data_acceptance])

    fuzz()


@pytest.fixture(scope="module")
def upload_client(tmp_path_factory, embedder):
    with seeded_client(tmp_path_factory.mktemp("data"), embedder, upload_rate_per_min=0) as (client, _):
        yield client


HUGE_INT = b'{"id": "n", "n": ' + b"9" * 5000 + b', "body": "A number too long for Python."}'


@settings(max_examples=25, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(file=any_file, as_json_body=st.booleans())
@example(file=(HUGE_INT, ".json"), as_json_body=True)
@example(file=(HUGE_INT, ".json"), as_json_body=False)
@example(file=("\u200b\u202e\n\u2060".encode(), ".txt"), as_json_body=False)
@example(file=(b'{"id": "zw", "body": "\\u200b"}', ".json"), as_json_body=True)
def test_any_uploaded_file_is_stored_or_refused_never_a_server_error(upload_client, file, as_json_body):
    """The readers' fuzz inputs (tests/rag/test_corpus_fuzz.py) sent over HTTP: as a file part,
    or a .json file's bytes as the request body itself."""
    data, suffix = file
    if as_json_body and suffix == ".json":
        r = upload_client.post("/v1/documents", content=data, headers={"Content-Type": "application/json"})
    else:
        r = upload_client.post("/v1/documents", files={"file": (f"fuzz{suffix}", data)})
    assert r.status_code in (200, 201, 400, 413, 422), r.text  # 200: the same article again, unchanged
    if r.status_code < 300:
        read = {} if as_json_body else {a.doc_id: a.body for a in read_bytes(data, f"fuzz{suffix}")}
        for doc_id in r.json()["doc_ids"]:
            doc = upload_client.get(f"/v1/documents/{quote(doc_id, safe='/')}")
            body = doc.json()["body"]
            assert doc.status_code == 200 and visible(body) and body == read.get(doc_id, body)
    else:
        assert r.json()["error"]["message"]
