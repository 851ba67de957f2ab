"""The OpenAI-compatible backend's failures, against real loopback HTTP endpoints (the real
model server: tests/api/test_openai_endpoint.py)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from rag.errors import BackendBusy, BackendUnavailable, InvalidInput
from rag.llm import OpenAICompatibleLLM, retry_after_s
from tests.endpoints import context_too_small, drops_mid_stream, endpoint, rate_limited, slow_stream, streams

MESSAGES = [{"role": "system", "content": "Answer."}, {"role": "user", "content": "Who?"}]


def llm_at(base_url: str, max_retries: int = 0) -> OpenAICompatibleLLM:
    return OpenAICompatibleLLM("m", base_url=base_url, api_key="k", timeout_s=10, max_retries=max_retries)


@pytest.mark.parametrize("header, seconds", [
    ("7", 7), (" 30 ", 30), ("0", 1), ("2.2", 3), ("999999", 3600),
    (None, 5), ("", 5), ("soon", 5), ("-4", 1), ("inf", 5), ("nan", 5),
])
def test_retry_after_in_seconds(header, seconds):
    assert retry_after_s(header) == seconds


def test_retry_after_as_an_http_date():
    in_a_minute = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    assert 55 <= retry_after_s(in_a_minute) <= 61
    assert retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT") == 1  # already past: retry now


def test_an_endpoint_429_is_busy_with_its_retry_after_after_the_clients_retries():
    with endpoint(rate_limited("1")) as (url, received):
        with pytest.raises(BackendBusy) as caught:
            list(llm_at(url, max_retries=1).stream(MESSAGES, max_tokens=8, temperature=0))
    assert caught.value.retry_after == 1
    assert len(received) == 2  # the openai client honoured Retry-After once, then gave up
    assert received[0]["messages"] == MESSAGES and received[0]["stream"] is True


def test_an_endpoint_429_with_a_long_retry_after_passes_it_on():
    with endpoint(rate_limited("120")) as (url, _):
        with pytest.raises(BackendBusy) as caught:
            list(llm_at(url).stream(MESSAGES, max_tokens=8, temperature=0))
    assert caught.value.retry_after == 120 and isinstance(caught.value, BackendUnavailable)


def test_a_connection_dropped_mid_stream_is_backend_unavailable_after_the_words_it_sent():
    got = []
    with endpoint(drops_mid_stream(["Mark", " Rutte"])) as (url, _):
        with pytest.raises(BackendUnavailable) as caught:
            for piece in llm_at(url).stream(MESSAGES, max_tokens=8, temperature=0):
                got.append(piece)
    assert got == ["Mark", " Rutte"] and not isinstance(caught.value, BackendBusy)


def test_a_prompt_over_the_endpoints_context_is_invalid_input_like_on_the_local_backend():
    with endpoint(context_too_small(2048)) as (url, received):
        with pytest.raises(InvalidInput) as caught:
            list(llm_at(url, max_retries=2).stream(MESSAGES, max_tokens=8, temperature=0))
    assert "exceeds the model context" in str(caught.value) and "smaller top_k" in str(caught.value)
    assert "Error code" not in str(caught.value)
    assert len(received) == 1  # not retried


def test_closing_the_stream_early_hangs_up_on_the_endpoint():
    """A reader that stops (a client gone, an answer cancelled) must free the model server,
    not leave it generating into a connection nobody reads."""
    gone = threading.Event()
    with endpoint(slow_stream(words=400, delay_s=0.05, gone=gone)) as (url, _):
        pieces = llm_at(url).stream(MESSAGES, max_tokens=400, temperature=0)
        assert next(pieces) == " w0"
        pieces.close()
        assert gone.wait(10), "the endpoint kept streaming to a reader that had stopped"


@pytest.mark.parametrize("finish_reason", ["stop", "length"])
def test_a_finished_stream_is_the_answer(finish_reason):
    with endpoint(streams(["Mark", " Rutte", " [1]."], finish_reason)) as (url, _):
        assert "".join(llm_at(url).stream(MESSAGES, max_tokens=8, temperature=0)) == "Mark Rutte [1]."


def test_a_stream_cut_short_without_a_finish_reason_is_not_an_answer():
    """llama.cpp's server, unless started with --interrupt_requests False, ends a stream with
    [DONE] but no finish_reason when another request arrives: a truncated answer."""
    got = []
    with endpoint(streams(["Mark", " Rutte"], finish_reason=None)) as (url, _):
        with pytest.raises(BackendUnavailable, match="without finishing"):
            for piece in llm_at(url).stream(MESSAGES, max_tokens=8, temperature=0):
                got.append(piece)
    assert got == ["Mark", " Rutte"]
