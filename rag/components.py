"""Builds each stage from Settings, once, on first use (so `search` never loads the LLM).

Every attribute can be replaced before first use (tests, the API lifespan)."""

from __future__ import annotations

from functools import cached_property

from rag.answer import Answerer
from rag.chunking import Chunker
from rag.embedding import Embedder, OnnxMiniLMEmbedder, OpenAIEmbedder
from rag.ingest import Ingester
from rag.llm import LLM, LlamaCppLLM, OpenAICompatibleLLM
from rag.model_files import ensure_gguf
from rag.retrieval import DenseRetriever
from rag.settings import Settings
from rag.store import ChromaStore, connect


class Components:
    def __init__(self, settings: Settings):
        self.settings = settings

    @cached_property
    def embedder(self) -> Embedder:
        s = self.settings
        if s.embed_backend == "openai":
            return OpenAIEmbedder(s.embed_model, base_url=s.openai_base_url, api_key=s.openai_api_key,
                                  timeout_s=s.llm_timeout_s, max_retries=s.llm_max_retries)
        return OnnxMiniLMEmbedder(batch_size=s.embed_batch_size)

    @cached_property
    def store(self) -> ChromaStore:
        s = self.settings
        return ChromaStore(connect(s.chroma_dir, s.chroma_url), s.collection, self.embedder.name)

    @cached_property
    def chunker(self) -> Chunker:
        return Chunker(self.settings.chunk_size, self.settings.chunk_overlap)

    @cached_property
    def ingester(self) -> Ingester:
        return Ingester(self.chunker, self.embedder, self.store)

    @cached_property
    def retriever(self) -> DenseRetriever:
        return DenseRetriever(self.store, self.embedder, self.settings.search_top_k)

    @cached_property
    def llm(self) -> LLM:
        s = self.settings
        if s.llm_backend == "openai":
            return OpenAICompatibleLLM(s.llm_model, base_url=s.openai_base_url, api_key=s.openai_api_key,
                                       timeout_s=s.llm_timeout_s, max_retries=s.llm_max_retries)
        return LlamaCppLLM(ensure_gguf(s.cache_dir), model=s.llm_model, n_ctx=s.llm_context,
                           threads=s.llm_threads)

    @cached_property
    def answerer(self) -> Answerer:
        s = self.settings
        return Answerer(self.retriever, self.llm, top_k=s.top_k, max_tokens=s.max_answer_tokens,
                        temperature=s.temperature, min_evidence=s.min_evidence)
