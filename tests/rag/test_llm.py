"""The OpenAI-compatible backend's error mapping, over fake endpoint responses (no server):
an endpoint that refuses an over-long prompt is the caller's 422, like the local model."""

import httpx2
import openai
import pytest

from rag.errors import BackendUnavailable, ContextOverflow, InvalidInput
from rag.llm import OpenAICompatibleLLM

MESSAGES = [{"role": "system", "content": "Answer."}, {"role": "user", "content": "Q?"}]

# What real servers answer to a prompt over the model's context window.
OVERFLOW_400 = {
    "openai": {"error": {"message": "This model's maximum context length is 8192 tokens. However, your "
                         "messages resulted in 9000 tokens. Please reduce the length of the messages.",
                         "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}},
    "vllm": {"object": "error", "message": "This model's maximum context length is 2048 tokens. However, you "
             "requested 2300 tokens (2100 in the messages, 200 in the completion).",
             "type": "BadRequestError", "param": None, "code": 400},
    "llama.cpp server": {"error": {"code": 400, "message": "the request exceeds the available context size, "
                                   "try increasing it", "type": "exceed_context_size_error",
                                   "n_prompt_tokens": 2300, "n_ctx": 2048}},
}


def llm_answering(status: int, body: dict) -> OpenAICompatibleLLM:
    """The backend with its HTTP client replaced by one whose every request gets this response."""
    llm = OpenAICompatibleLLM("some-model", base_url="http://127.0.0.1:9/v1", api_key="k", max_retries=0)
    transport = httpx2.MockTransport(lambda request: httpx2.Response(status, json=body))
    llm._client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="k", max_retries=0,
                                http_client=httpx2.Client(transport=transport))
    return llm


@pytest.mark.parametrize("server", sorted(OVERFLOW_400))
def test_an_endpoint_refusing_a_long_prompt_is_a_context_overflow(server):
    llm = llm_answering(400, OVERFLOW_400[server])
    with pytest.raises(ContextOverflow, match="exceeds the model context .* smaller top_k") as info:
        list(llm.stream(MESSAGES, max_tokens=200, temperature=0.0))
    assert isinstance(info.value, InvalidInput)  # so the API answers 422, as for the local model
    assert "200 answer tokens" in str(info.value) and "some-model" in str(info.value)


@pytest.mark.parametrize("status,body", [
    (400, {"error": {"message": "temperature must be at most 2", "type": "invalid_request_error"}}),
    (404, {"error": {"message": "The model some-model does not exist", "code": "model_not_found"}}),
    (500, {"error": {"message": "maximum context length is 2048 tokens"}}),  # the server's fault, not ours
])
def test_other_endpoint_errors_stay_backend_errors(status, body):
    with pytest.raises(BackendUnavailable, match=f"answered {status}"):
        list(llm_answering(status, body).stream(MESSAGES, max_tokens=200, temperature=0.0))
