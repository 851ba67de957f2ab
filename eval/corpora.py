"""Which corpus a gold file is evaluated against, and the eval's own store for it.

Rule: without --corpus, gold file NAME.jsonl (or NAME_STYLE.jsonl, e.g. bbc_reader.jsonl)
is checked against the corpus called NAME:
`seed` -> the seeds folder (BYLINE_SEEDS_DIR); any other NAME -> SHARED/corpora/NAME,
where SHARED is $BYLINE_SHARED_DIR (default: ../shared beside the checkout).
--corpus PATH ... replaces that for every gold file of the run.

Each corpus is ingested into its own store under <BYLINE_DATA_DIR>/eval/<key>, where the
key hashes everything that shapes the stored vectors (corpus paths, embedder, chunking);
the ingester is incremental, so a second run over an unchanged corpus only re-checks it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from rag.chunking import EMBED_FORMAT
from rag.settings import Settings

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = Path(__file__).resolve().parent / "gold"
DEFAULT_SHARED = REPO.parent / "shared"


def default_corpus(gold: Path, seeds_dir: Path, shared_dir: Path) -> list[Path]:
    name = gold.name.removesuffix(".jsonl").split("_", 1)[0]
    return [seeds_dir] if name == "seed" else [shared_dir / "corpora" / name]


def corpus_key(paths: list[Path], settings: Settings) -> str:
    shape = {"paths": sorted(str(p.resolve()) for p in paths), "embed": [settings.embed_backend,
             settings.embed_model if settings.embed_backend == "openai" else "local"],
             "chunk": [settings.chunk_size, settings.chunk_overlap]}
    if settings.embed_headline:  # only when on, so the default settings keep their stores
        shape["text"] = EMBED_FORMAT
    if settings.chunk_unit != "tokens":
        shape["unit"] = settings.chunk_unit
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:12]


def eval_settings(settings: Settings, paths: list[Path]) -> Settings:
    """The user's settings, with the store moved to the eval's own data dir and collection."""
    key = corpus_key(paths, settings)
    return settings.model_copy(update={"data_dir": settings.data_dir / "eval" / key,
                                       "collection": f"{settings.collection}-eval-{key}"})
