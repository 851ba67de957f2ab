"""The eval report as one JSON-ready dict: settings, every metric, every item.

The console table and the HTML page are both rendered from this dict, so the three
outputs never disagree (and an old JSON report can be re-rendered)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from eval.metrics import first_relevant_rank, has_needed_sources, is_correct, verdict
from eval.results import ItemResult
from rag.settings import Settings
from rag.types import IngestReport

SCHEMA = 1


@dataclass
class GoldRun:
    """One gold file evaluated against one corpus."""

    gold: Path
    corpus: list[Path]
    section: str  # thresholds section, e.g. "bbc.retrieval"
    retrieval_only: bool
    limit: int | None
    per_type: bool
    items_in_file: int
    results: list[ItemResult]
    summary: dict
    ingest: IngestReport
    ingest_s: float
    run_s: float


def public_url(url: str | None) -> str | None:
    """A URL without user info, query or fragment (they may carry secrets)."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def settings_info(settings: Settings, embedder_name: str) -> dict:
    """What shaped the numbers; never API keys."""
    s = settings
    return {
        "llm_backend": s.llm_backend, "llm_model": s.llm_model,
        "llm_endpoint": public_url(s.openai_base_url) if s.llm_backend == "openai" else None,
        "llm_context": s.llm_context, "llm_threads": s.llm_threads, "max_answer_tokens": s.max_answer_tokens,
        "temperature": s.temperature, "embedder": embedder_name, "top_k": s.top_k,
        "chunk_size": s.chunk_size, "chunk_overlap": s.chunk_overlap, "chunk_unit": s.chunk_unit,
        "embed_headline": s.embed_headline, "retrieval": s.retrieval, "fusion_depth": s.fusion_depth,
        "rrf_k": s.rrf_k, "bm25_weight": s.bm25_weight,
        "store": "chroma-server" if s.chroma_url else "chroma-embedded",
        "chroma_url": public_url(s.chroma_url),
    }


def item_dict(r: ItemResult) -> dict:
    item = r.item
    sources = set(item.sources)
    out = {
        "id": item.id, "type": item.type, "style": item.style_name, "line": item.line,
        "question": item.question,
        "gold": {"answer": item.answer, "must_contain_any": list(item.must_contain_any),
                 "must_not_contain": list(item.must_not_contain), "kind": item.kind,
                 "sources": list(item.sources), "source_groups": [list(g) for g in item.source_groups],
                 **({"extra": item.extra} if item.extra else {})},
        "retrieval": {"rank": first_relevant_rank(r.retrieved, item.sources) if item.answerable else None,
                      "retrieved": r.retrieved, "ms": r.retrieve_ms, "evidence": r.evidence},
        "verdict": verdict(r), "error": r.error, "answer": None,
    }
    if r.answered and not r.error:
        out["answer"] = {
            "text": r.answer, "abstained": r.abstained, "abstain_reason": r.abstain_reason,
            "correct": is_correct(item, r.answer, r.abstained),
            "citations": [{"id": c.id, "doc_id": c.doc_id, "quote": c.quote, "start": c.start, "end": c.end,
                           "valid": c.valid, "gold_source": c.doc_id in sources if item.answerable else None}
                          for c in r.citations],
            "sentences": r.sentences, "withheld": r.withheld, "context": r.context,
            "all_sources_in_context": has_needed_sources(r.context, item) if item.answerable else None,
            "timings_ms": r.timings_ms, "model": r.model,
        }
    return out


def run_dict(run: GoldRun) -> dict:
    return {
        "gold": str(run.gold), "name": run.gold.name, "corpus": [str(p) for p in run.corpus],
        "section": run.section,
        "mode": "retrieval-only" if run.retrieval_only else "end-to-end",
        "limit": run.limit, "per_type": run.per_type,
        "items_in_file": run.items_in_file, "items_run": len(run.results),
        "ingest": {"added": run.ingest.added, "updated": run.ingest.updated,
                   "unchanged": run.ingest.unchanged, "failed": len(run.ingest.failed),
                   "chunks_written": run.ingest.chunks, "seconds": round(run.ingest_s, 1)},
        "seconds": round(run.run_s, 1),
        "metrics": run.summary,
        "items": [item_dict(r) for r in run.results],
    }


def code_version(repo: Path) -> str | None:
    """The checkout's commit ("abc1234", "+dirty" with uncommitted changes), if it is a git checkout."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10)
        status = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + ("+dirty" if status.stdout.strip() else "")


def build_report(runs: list[GoldRun], settings: dict, started: str, seconds: float,
                 command: str, checks: list[dict] | None = None, code: str | None = None) -> dict:
    models = sorted({r.model for run in runs for r in run.results if r.model})
    return {
        "schema": SCHEMA, "started": started, "seconds": round(seconds, 1), "command": command,
        "code": code, "model": models[0] if len(models) == 1 else (models or None),
        "settings": settings,
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "runs": [run_dict(run) for run in runs],
        "checks": checks,
    }


def write_json(report: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
