"""Prompt -> text. Backends implement `stream`; `complete` is built on it.

Two backends: llama.cpp running the packaged GGUF (the offline default) and any
OpenAI-compatible chat endpoint through the `openai` package.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from rag.errors import BackendTimeout, BackendUnavailable, BylineError, ContextOverflow, InvalidInput


class LLM(Protocol):
    model: str

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float) -> Iterator[str]:
        """Yield the reply to chat `messages` ({role, content}) piece by piece as it is generated."""
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
    a longer prefix left over from the previous question."""

    def __init__(self, model_path: Path, *, model: str, n_ctx: int = 2048, threads: int | None = None,
                 seed: int = 0):
        from llama_cpp import Llama

        self.model = model
        self.n_ctx = n_ctx
        self._llama = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads or os.cpu_count(),
                            n_batch=512, seed=seed, verbose=False)
        self._lock = threading.Lock()

    def tokenize(self, text: str) -> list[int]:
        return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self.tokenize(text))

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float) -> Iterator[str]:
        with self._lock:
            prefix = self.tokenize(chatml(messages[:-1]))
            tokens = prefix + self.tokenize(chatml(messages[-1:]) + REPLY_START)
            if len(tokens) + max_tokens > self.n_ctx:
                raise ContextOverflow(f"prompt of {len(tokens)} tokens plus {max_tokens} answer tokens "
                                      f"exceeds the model context of {self.n_ctx}; ask with a smaller top_k")
            self._keep_only(prefix)
            for part in self._llama.create_completion(prompt=tokens, max_tokens=max_tokens,
                                                      temperature=temperature, stop=STOP, stream=True):
                text = part["choices"][0]["text"]
                if text:
                    yield text

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

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float) -> Iterator[str]:
        openai = self._openai
        try:
            chunks = self._client.chat.completions.create(
                model=self.model, messages=messages, max_tokens=max_tokens,
                temperature=temperature, stream=True)
            for chunk in chunks:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
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
