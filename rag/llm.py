"""Prompt -> text. Backends implement `stream`; `complete` is built on it.

Two backends: llama.cpp running the packaged GGUF (the offline default) and any
OpenAI-compatible chat endpoint through the `openai` package.
"""

from __future__ import annotations

import math
import os
import re
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol

from rag.errors import BackendBusy, BackendTimeout, BackendUnavailable, BylineError, ContextOverflow, InvalidInput


class LLM(Protocol):
    model: str

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float,
               after: list[dict] | None = None) -> Iterator[str]:
        """Yield the reply to chat `messages` ({role, content}) piece by piece as it is generated.
        `after`: the messages of the call this one follows up (the same passages, another
        question); a backend may reuse what it evaluated of them."""
        ...


def chatml(messages: list[dict]) -> str:
    """Chat messages in the ChatML format of the Qwen2.5 models (their GGUF chat template)."""
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)


REPLY_START = "<|im_start|>assistant\n"
STOP = ["<|im_end|>", "<|im_start|>", "<|endoftext|>"]


class LlamaCppLLM:
    """A local GGUF model through llama-cpp-python. One generation at a time.

    Every prompt is evaluated the same way in every process, so one question gets one
    answer: the stable prefix (all messages but the last) is evaluated on its own, once,
    and each question's tail is always evaluated from the end of that prefix, never from
    a longer prefix left over from the previous question. A follow-up (`after`) is
    evaluated from where it parts from the prompt it follows, as that prompt's own
    evaluation left it (re-evaluated the same way if another question came between)."""

    def __init__(self, model_path: Path, *, model: str, n_ctx: int = 2048, threads: int | None = None,
                 seed: int = 0):
        from llama_cpp import Llama, llama_print_system_info

        self.model = model
        self.n_ctx = n_ctx
        # the instruction sets llama.cpp was built for: its arithmetic, and so a reply's last
        # bits and sometimes its words, depend on them (eval.replay keys replies by it)
        self.build = llama_print_system_info().decode().strip()
        self._llama = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads or os.cpu_count(),
                            n_batch=512, seed=seed, verbose=False)
        self._lock = threading.Lock()
        self._origin: list[int] = []  # the last question's prompt, whose evaluation is in the context
        self._intact = 0  # how many of its first tokens are still as that evaluation left them

    def tokenize(self, text: str) -> list[int]:
        return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float,
               after: list[dict] | None = None) -> Iterator[str]:
        with self._lock:
            prefix = self.tokenize(chatml(messages[:-1]))
            tokens = prefix + self.tokenize(chatml(messages[-1:]) + REPLY_START)
            if len(tokens) + max_tokens > self.n_ctx:
                raise ContextOverflow(f"prompt of {len(tokens)} tokens plus {max_tokens} answer tokens "
                                      f"exceeds the model context of {self.n_ctx}; ask with a smaller top_k")
            follow_up = after is not None and after[:-1] == messages[:-1]
            if follow_up:
                self._continue(prefix, prefix + self.tokenize(chatml(after[-1:]) + REPLY_START), tokens)
            else:
                self._keep_only(prefix)
                self._origin, self._intact = [], 0
            for part in self._llama.create_completion(prompt=tokens, max_tokens=max_tokens,
                                                      temperature=temperature, stop=STOP, stream=True):
                if not follow_up and not self._origin:  # the prompt is evaluated once a part comes
                    self._origin, self._intact = tokens, len(tokens)
                text = part["choices"][0]["text"]
                if text:
                    yield text

    def _continue(self, prefix: list[int], earlier: list[int], tokens: list[int]) -> None:
        """Leave evaluated the part of `tokens` they share with the `earlier` prompt, exactly
        as the earlier prompt's own evaluation left it: kept if nothing else has written over
        it since, or else evaluated again the same way (from the end of `prefix`)."""
        shared = next((i for i, (a, b) in enumerate(zip(earlier, tokens)) if a != b), min(len(earlier), len(tokens)))
        shared = min(shared, len(tokens) - 1)
        if self._origin != earlier or self._intact < shared:
            self._keep_only(prefix)
            self._llama.eval(earlier[len(prefix):])
            self._origin, self._intact = earlier, len(earlier)
        self._llama.n_tokens = shared
        self._intact = shared  # the follow-up writes from here on

    def _keep_only(self, prefix: list[int]) -> None:
        """Leave exactly `prefix` evaluated in the context, evaluating it now if it is not."""
        llama, n = self._llama, len(prefix)
        if llama.n_tokens >= n and llama.input_ids[:n].tolist() == prefix:
            llama.n_tokens = n
        else:
            llama.reset()
            if prefix:
                llama.eval(prefix)


class OpenAICompatibleLLM:
    """Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server)."""

    def __init__(self, model: str, *, base_url: str | None, api_key: str | None,
                 timeout_s: float = 120.0, max_retries: int = 2):
        import openai

        if not model:
            raise InvalidInput("a model name is required for the OpenAI-compatible backend (BYLINE_LLM_MODEL)")
        self.model = model
        self._openai = openai
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "unused",
                                     timeout=timeout_s, max_retries=max_retries)

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float,
               after: list[dict] | None = None) -> Iterator[str]:
        """`after` is not sent: servers that cache prompts (vLLM, llama.cpp's) find the shared
        part themselves."""
        openai = self._openai
        try:
            # `with`: a reader that stops early (a cancelled answer) closes the connection, which
            # tells the endpoint to stop generating
            finished = False
            with self._client.chat.completions.create(
                    model=self.model, messages=messages, max_tokens=max_tokens,
                    temperature=temperature, stream=True) as chunks:
                for chunk in chunks:
                    if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
                    finished = finished or bool(chunk.choices and chunk.choices[0].finish_reason)
            if not finished:  # e.g. llama.cpp's server cut it short for another request
                raise BackendUnavailable("the LLM endpoint ended the stream without finishing the answer "
                                         "(no finish_reason); a llama.cpp server does so when another request "
                                         "arrives unless started with --interrupt_requests False")
        except openai.RateLimitError as e:  # 429 (after the client's own retries): busy, not broken
            raise BackendBusy(f"the LLM endpoint answered 429: {e.message}",
                              retry_after=retry_after_s(e.response.headers.get("retry-after"))) from None
        except openai.APIError as e:
            raise endpoint_error(e, self.model, max_tokens) from None


# How OpenAI-compatible servers refuse a prompt over the context window: OpenAI and
# llama-cpp-python's server say code "context_length_exceeded", vLLM "This model's maximum
# context length is N tokens", llama.cpp's server type "exceed_context_size_error".
_OVERFLOW_CODES = {"context_length_exceeded", "exceed_context_size_error"}
_OVERFLOW_TEXT = re.compile(r"maximum context length|context (?:length|window|size)|"
                            r"prompt (?:is )?too long|too many tokens", re.IGNORECASE)


def endpoint_error(e: Exception, model: str, max_tokens: int) -> BylineError:
    """The Byline error for an `openai` exception: an over-long prompt is the caller's to
    shorten (ContextOverflow, like the local model's), the rest is the backend's."""
    import openai

    if isinstance(e, openai.APITimeoutError):
        return BackendTimeout(f"the LLM endpoint did not answer in time (model {model})")
    if isinstance(e, openai.APIConnectionError):
        return BackendUnavailable(f"cannot reach the LLM endpoint: {e}")
    if isinstance(e, openai.APIStatusError) and e.status_code in (400, 413, 422) and is_context_overflow(e):
        return ContextOverflow(f"prompt plus {max_tokens} answer tokens exceeds the model context of the "
                               f"LLM endpoint (model {model}); ask with a smaller top_k")
    if isinstance(e, openai.APIStatusError):
        return BackendUnavailable(f"the LLM endpoint answered {e.status_code}: {e.message}")
    return BackendUnavailable(f"the LLM endpoint failed: {type(e).__name__}: {e}")


def is_context_overflow(e) -> bool:
    """Whether an endpoint's error (an openai.APIError) says the prompt is over the context window."""
    body = e.body if isinstance(e.body, dict) else {}
    names = {str(body.get("code") or ""), str(body.get("type") or ""), str(e.code or "")}
    return bool(names & _OVERFLOW_CODES) or bool(_OVERFLOW_TEXT.search(str(body.get("message") or e.message)))


def retry_after_s(value: str | None, default: int = 5, longest: int = 3600) -> int:
    """Whole seconds to wait from a Retry-After header (seconds or an HTTP date), at least 1
    and at most `longest`; `default` when the header is missing or unreadable."""
    if not value or not value.strip():
        return default
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return default
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if not math.isfinite(seconds):
        return default
    return max(1, min(longest, math.ceil(seconds)))
