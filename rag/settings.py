"""The one settings object. Built once (from env vars prefixed BYLINE_) and passed down."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "byline"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BYLINE_", extra="ignore", populate_by_name=True)

    # where things live
    data_dir: Path = Path(".byline")
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    seeds_dir: Path = Path(__file__).resolve().parents[1] / "seeds"  # the checkout's seeds/
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8001 -> Chroma server
    collection: str = "byline"
    # a chunk generation no article points to (a crashed or losing writer's) is swept once this old;
    # only with a Chroma server: the embedded store has one writer process and sweeps at once
    orphan_grace_s: float = Field(600.0, ge=0)

    # articles -> chunks
    chunk_size: int = Field(120, ge=32, le=1024)  # in `chunk_unit`s (small: the local model reads ~55 tokens/s)
    chunk_overlap: int = Field(20, ge=0, le=256)
    # "tokens": tiktoken tokens; "word_pieces": the embedder's own word pieces, so a chunk
    # (with its headline) never exceeds the embedder's window (tiktoken for an openai embedder)
    chunk_unit: Literal["tokens", "word_pieces"] = "tokens"
    # embed "headline. dateline." with each chunk (the stored text stays verbatim); recorded in
    # the store, so a store built the other way is refused, not mixed
    embed_headline: bool = False

    # embeddings
    embed_backend: Literal["local", "openai"] = "local"
    embed_model: str = "text-embedding-3-small"  # only for the openai backend
    embed_batch_size: int = Field(1, ge=1, le=2048)  # texts per ONNX run (one per core at once)

    # retrieval
    top_k: int = Field(4, ge=1, le=50)  # passages given to the LLM
    search_top_k: int = Field(5, ge=1, le=100)
    # hybrid (the default) = dense and BM25 (rag/bm25.py) fused by reciprocal rank; each
    # retriever gives `fusion_depth` candidates; score = sum(w / (rrf_k + rank)), w = 1 for
    # dense and `bm25_weight` for BM25. rrf_k 20, weight 0.5: chosen with
    # bench/bench_fusion.py on bbc + bbc_reader (2026-11-29), inside the plateau of the best
    # mean hit@1/MRR (k 5-60 x weight 0.25-0.5). Hybrid is the default since 2026-12-05
    # (README: "Hybrid retrieval"); "dense" builds and reads no BM25 index; "bm25" (keyword
    # only) is for measurement.
    retrieval: Literal["dense", "hybrid", "bm25"] = "hybrid"
    # one of the top_k slots is kept for a second article only when one comes within this
    # cosine similarity of the best article (rag.retrieval.diverse); otherwise the best article
    # fills them all. "A or B?" and comparison questions always keep it. 0.15: the second
    # article of every multi-article gold item but one comparison came within 0.14 (README:
    # "Passages per article"); 2 keeps the slot always
    article_margin: float = Field(0.15, ge=0.0, le=2.0)
    fusion_depth: int = Field(50, ge=1, le=1000)
    rrf_k: float = Field(20.0, gt=0)
    bm25_weight: float = Field(0.5, ge=0)
    # > 0: a BM25 hit that stands out (a score at least this many times the next one's: a rare
    # word only it holds, "Zakharova" among 2,227 articles) goes first whatever dense search
    # makes of it. 1.2-1.4 raised hit@1 on five gold files and lowered it on none, but the
    # answers did not follow (one right fewer, two wrong ones more of 385), so it is off
    # (README: "Hybrid retrieval")
    bm25_standout: float = Field(0.0, ge=0)
    # answer only when the best passage's cosine similarity reaches this; below it the
    # articles hold nothing relevant enough. Measured with bench/bench_evidence.py
    # (2026-11-30): the lowest answerable item of the four gold sets scored 0.214, 29 of 30
    # off-topic questions (bench/offtopic_questions.txt) scored <= 0.142 (the 30th 0.25),
    # while in-domain unanswerable ones score like answerable ones (0.14-0.88), so this gate
    # only stops questions about something else; in-domain ones are left to verification.
    min_evidence: float = Field(0.18, ge=-1.0, le=1.0)
    # lean context (rag.context): the model reads the retrieved articles' sentences closest
    # to the question, each with this many neighbours each side, within this share of the
    # passages' length; off: whole passages. 0 and 0.5: bench/bench_context.py (2026-12-06)
    # kept the gold answer in the prompt as often as whole passages do (126 of 147 items)
    lean_context: bool = False
    context_neighbours: int = Field(0, ge=0, le=10)
    context_share: float = Field(0.5, ge=0.0, le=5.0)
    # the model reads the passages twice, the second time reversed: an answer the other
    # reading contradicts is withheld, and when only the second answers, its answer is given
    # (rag.agreement); costs a second reply per question. Measured with
    # bench/bench_agreement.py (README: "An answer must survive a second reading")
    check_order: bool = True
    # a news story's first paragraph states its main facts: when the best article fills two or
    # more of the passages without its opening one, that opening replaces its lowest-ranked
    # passage (rag.retrieval.with_lead)
    lead_passage: bool = True

    # LLM
    llm_backend: Literal["local", "openai"] = "local"
    llm_model: str = "qwen2.5-coder-1.5b-instruct-q4_k_m"
    llm_threads: int | None = None  # local: llama.cpp threads (default: all cores)
    llm_context: int = Field(2048, ge=512, le=32768)  # local: n_ctx
    llm_timeout_s: float = Field(120.0, gt=0)
    llm_max_retries: int = Field(2, ge=0, le=10)
    max_answer_tokens: int = Field(200, ge=16, le=4096)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    model_retry_s: float = Field(30.0, ge=0)  # a model that failed to load is not tried again sooner
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("BYLINE_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_api_key: str | None = Field(
        None, validation_alias=AliasChoices("BYLINE_OPENAI_API_KEY", "OPENAI_API_KEY")
    )

    # HTTP API
    api_keys: str = ""  # comma-separated; when set every /v1 route needs "Authorization: Bearer <key>"
    allow_public_bind: bool = False  # serve on a non-loopback address without API keys
    max_question_chars: int = Field(2000, ge=1)
    max_upload_bytes: int = Field(10_000_000, ge=1)
    max_top_k: int = Field(20, ge=1, le=100)
    answer_concurrency: int = Field(1, ge=1)  # answers generated at once
    answer_queue: int = Field(4, ge=0)  # answers allowed to wait for a slot; more get 429
    answer_queue_timeout_s: float = Field(60.0, gt=0)  # longest wait for a slot before 503
    search_rate_per_min: int = Field(600, ge=0)  # searches a client (key, or address) may make; 0: no limit
    upload_rate_per_min: int = Field(60, ge=0)  # uploads a client may make; 0: no limit
    upload_concurrency: int = Field(1, ge=1)  # uploads embedded at once; the others wait their turn

    @property
    def api_key_list(self) -> list[str]:
        return [k.strip() for k in self.api_keys.split(",") if k.strip()]

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        """Where the BM25 index is saved: beside an embedded store; per user for a Chroma
        server (one folder per server and collection, shared by that user's workers)."""
        if not self.chroma_url:
            return self.data_dir / "bm25" / self.collection
        key = hashlib.sha256(f"{self.chroma_url}\0{self.collection}".encode()).hexdigest()[:16]
        return self.cache_dir / "bm25" / key
