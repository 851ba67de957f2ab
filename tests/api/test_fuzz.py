"""Fuzz every operation of the OpenAPI spec with schemathesis, positive and negative
data, a bounded number of examples each, against the app over a real store and embedder
with a scripted LLM: no request may produce a 5xx, and every response must match the
spec (status codes, content types, bodies, SSE events, auth). `positive_data_acceptance`
is left out: some rules cannot be said in a schema (since <= until, unique ids in one
upload, a document id that exists), so schema-valid requests may honestly get 4xx.

(schemathesis' own `from_fixture` lazy loader does not work with pytest 9, so each
operation's strategy drives a plain Hypothesis test here.)"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from tests.api.conftest import seeded_client

MAX_EXAMPLES = 25
KEY = "fuzz-key"
WITH_INPUT = [("POST", "/v1/answer"), ("POST", "/v1/search"), ("POST", "/v1/documents"),
              ("GET", "/v1/documents"), ("GET", "/v1/documents/{doc_id}"), ("DELETE", "/v1/documents/{doc_id}")]
NO_INPUT = [("GET", "/healthz"), ("GET", "/readyz")]
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory, embedder):
    """The app with API keys on (so the auth checks run too) over the seeded store."""
    with seeded_client(tmp_path_factory.mktemp("data"), embedder, api_keys=KEY) as (client, _):
        yield schemathesis.openapi.from_asgi("/openapi.json", client.app)


def test_every_operation_is_fuzzed(api_schema):
    found = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert found == set(WITH_INPUT + NO_INPUT)


@pytest.mark.parametrize("method,path,mode", [(m, p, mode) for m, p in WITH_INPUT for mode in (POSITIVE, NEGATIVE)]
                         + [(m, p, POSITIVE) for m, p in NO_INPUT])
def test_no_server_errors_and_responses_match_the_spec(api_schema, method, path, mode):
    operation = api_schema[path][method]
    auth = {"Authorization": f"Bearer {KEY}"} if path.startswith("/v1/") else {}

    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def fuzz(case):
        case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

    fuzz()
