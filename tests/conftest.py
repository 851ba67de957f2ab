"""Shared fixtures: real settings in a temp data dir, the real embedder and local LLM
(each loaded once per session), and the corpora in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.components import Components
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SEED_FILE = SEEDS / "000_8f42c0aa39f27bb1.txt"
SHARED = Path(os.environ.get("BYLINE_SHARED_DIR", REPO.parent / "shared"))
BBC = SHARED / "corpora" / "bbc"


@pytest.fixture(scope="session")
def embedder():
    from rag.embedding import OnnxMiniLMEmbedder

    return OnnxMiniLMEmbedder()


@pytest.fixture(scope="session")
def local_llm():
    """The real packaged Qwen model via llama.cpp (assembled into the user cache once)."""
    return Components(Settings()).llm


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", seeds_dir=SEEDS)


@pytest.fixture
def components(settings, embedder) -> Components:
    c = Components(settings)
    c.embedder = embedder
    return c


# the three retrieval switches all on: hybrid retrieval (the default), headline vectors, word-piece chunks
SWITCHES_ON = {"retrieval": "hybrid", "embed_headline": True, "chunk_unit": "word_pieces"}


@pytest.fixture
def hybrid(settings, embedder) -> Components:
    """Components with hybrid retrieval, the headline in each vector and word-piece chunks."""
    c = Components(settings.model_copy(update=SWITCHES_ON))
    c.embedder = embedder
    return c


@pytest.fixture
def bbc() -> Path:
    if not BBC.is_dir():
        pytest.skip(f"BBC corpus not found at {BBC}")
    return BBC
