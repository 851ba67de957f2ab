"""Builds each stage from Settings, once, on first use (so `search` never loads the LLM).

Each part is built under its own lock, so concurrent first uses build it once. A model
that fails to load (the local LLM, the embedder) is remembered for
`settings.model_retry_s`: until then every use re-raises that failure at once instead
of re-hashing a 1.1 GB file per request. Every attribute can be replaced before first
use (tests, the API lifespan).
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from typing import Literal

from rag.answer import Answerer
from rag.bm25 import Bm25Search
from rag.chunking import EMBED_FORMAT, WORD_PIECES, Chunker
from rag.embedding import Embedder, OnnxMiniLMEmbedder, OpenAIEmbedder
from rag.errors import BylineError, ModelError
from rag.ingest import Ingester
from rag.llm import LLM, LlamaCppLLM, OpenAICompatibleLLM
from rag.model_files import ensure_gguf
from rag.retrieval import DenseRetriever, HybridRetriever, Retriever
from rag.settings import Settings
from rag.store import ChromaStore, connect

PartState = Literal["ok", "loading", "unavailable"]


class part:  # noqa: N801 (used like @property)
    """A part built by `build(components)` on first use and kept in the instance's __dict__
    (so assigning the attribute replaces it). With `model=True`, a failure is turned into a
    ModelError when it is not a BylineError already, and remembered for a while."""

    def __init__(self, build: Callable | None = None, *, model: bool = False):
        self.build, self.model = build, model
        self.name = build.__name__ if build else ""

    def __call__(self, build: Callable) -> part:  # @part(model=True)
        return part(build, model=self.model)

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, components, owner=None):
        if components is None:
            return self
        if self.name in components.__dict__:
            return components.__dict__[self.name]
        return components._build(self)


def vector_name(embedder_name: str, headline: bool = False, word_pieces: bool = False) -> str:
    """What a store's vectors are (recorded in the store, which refuses other vectors rather
    than mix them): the embedder, plus the headline text form and the word-piece chunk unit
    when on (off: the plain embedder name, so stores built before the switches still open)."""
    return "+".join([embedder_name] + [EMBED_FORMAT] * headline + [WORD_PIECES] * word_pieces)


class Components:
    def __init__(self, settings: Settings, *, clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self._clock = clock
        self._locks: dict[str, threading.RLock] = {}
        self._locks_lock = threading.Lock()
        self._failed: dict[str, tuple[float, BaseException]] = {}  # part -> (retry after, error)
        self._building: set[str] = set()

    def state(self, name: str) -> PartState:
        """The part's state: ok (built), unavailable (its last build failed) or loading (not yet built)."""
        if name in self.__dict__:
            return "ok"
        return "unavailable" if name in self._failed and name not in self._building else "loading"

    def warm(self, name: str) -> None:
        """Build a part in a background thread, unless it is built, being built or failed lately
        (a readiness probe calls this, so a model that failed at start-up is tried again even
        when no request reaches an unready server)."""
        retry_at, _ = self._failed.get(name, (0.0, None))
        if name in self.__dict__ or name in self._building or self._clock() < retry_at:
            return
        threading.Thread(target=self._build_quietly, args=(name,), name=f"build-{name}", daemon=True).start()

    def _build_quietly(self, name: str) -> None:
        try:
            getattr(self, name)
        except Exception:
            pass  # remembered in _failed (models) or tried again on next use

    def _build(self, p: part):
        with self._lock(p.name):
            if p.name in self.__dict__:  # built by another thread while we waited
                return self.__dict__[p.name]
            retry_at, error = self._failed.get(p.name, (0.0, None))
            if error is not None and self._clock() < retry_at:
                raise copy.copy(error).with_traceback(None)
            self._building.add(p.name)
            try:
                value = p.build(self)
            except Exception as e:
                if not p.model:
                    raise
                if not isinstance(e, BylineError):
                    e = ModelError(f"could not load the {p.name}: {type(e).__name__}: {e}")
                self._failed[p.name] = (self._clock() + self.settings.model_retry_s, e)
                raise e from None
            finally:
                self._building.discard(p.name)
            self._failed.pop(p.name, None)
            self.__dict__[p.name] = value
            return value

    def _lock(self, name: str) -> threading.RLock:
        with self._locks_lock:
            return self._locks.setdefault(name, threading.RLock())

    @part(model=True)
    def embedder(self) -> Embedder:
        s = self.settings
        if s.embed_backend == "openai":
            return OpenAIEmbedder(s.embed_model, base_url=s.openai_base_url, api_key=s.openai_api_key,
                                  timeout_s=s.llm_timeout_s, max_retries=s.llm_max_retries)
        return OnnxMiniLMEmbedder(batch_size=s.embed_batch_size)

    @part
    def store(self) -> ChromaStore:
        s = self.settings
        return ChromaStore(connect(s.chroma_dir, s.chroma_url), s.collection, self.vector_name,
                           orphan_grace_s=s.orphan_grace_s if s.chroma_url else 0.0)

    @property
    def vector_name(self) -> str:
        return vector_name(self.embedder.name, self.settings.embed_headline, self._word_pieces is not None)

    @property
    def _word_pieces(self) -> Callable[[str], list] | None:
        """The embedder's word-piece counter when chunks are sized in word pieces (an openai
        embedder has none: its chunks stay in tiktoken tokens)."""
        return getattr(self.embedder, "word_pieces", None) if self.settings.chunk_unit == "word_pieces" else None

    @part
    def chunker(self) -> Chunker:
        s, pieces = self.settings, self._word_pieces
        return Chunker(s.chunk_size, s.chunk_overlap, word_pieces=pieces,
                       window=self.embedder.window if pieces else None, headline=s.embed_headline)

    @part
    def bm25(self) -> Bm25Search:
        return Bm25Search(self.store, self.settings.bm25_dir)

    @part
    def ingester(self) -> Ingester:
        return Ingester(self.chunker, self.embedder, self.store)

    @part
    def retriever(self) -> Retriever:
        s = self.settings
        if s.retrieval == "dense":  # no BM25 index is built or read
            return DenseRetriever(self.store, self.embedder, s.search_top_k)
        return HybridRetriever(self.store, self.embedder, self.bm25, s.search_top_k, mode=s.retrieval,
                               depth=s.fusion_depth, rrf_k=s.rrf_k, bm25_weight=s.bm25_weight,
                               standout=s.bm25_standout)

    @part(model=True)
    def llm(self) -> LLM:
        s = self.settings
        if s.llm_backend == "openai":
            return OpenAICompatibleLLM(s.llm_model, base_url=s.openai_base_url, api_key=s.openai_api_key,
                                       timeout_s=s.llm_timeout_s, max_retries=s.llm_max_retries)
        return LlamaCppLLM(ensure_gguf(s.cache_dir), model=s.llm_model, n_ctx=s.llm_context,
                           threads=s.llm_threads)

    @part
    def answerer(self) -> Answerer:
        s = self.settings
        return Answerer(self.retriever, self.llm, top_k=s.top_k, max_tokens=s.max_answer_tokens,
                        temperature=s.temperature, min_evidence=s.min_evidence,
                        embedder=self.embedder if s.lean_context else None,
                        body_of=lambda doc_id: self.store.get(doc_id).body, neighbours=s.context_neighbours,
                        share=s.context_share, article_margin=s.article_margin, check_order=s.check_order,
                        lead_of=self.retriever.opening if s.lead_passage else None,
                        article_of=self.retriever.article)
