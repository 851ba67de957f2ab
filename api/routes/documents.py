"""/v1/documents: upload (idempotent, like `byline ingest`), list, show and delete articles."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Query, Request, Response

from api.auth import rate_limited
from api.deps import IngesterDep, StoreDep, UploadLimiterDep
from api.schemas import ArticleIn, Deleted, DocumentOut, DocumentPage, IngestOut, PageQuery, error_responses
from api.uploads import read_upload
from rag.dates import iso_date

router = APIRouter(prefix="/documents", tags=["documents"])

_ARTICLE = ArticleIn.model_json_schema()
UPLOAD_BODY = {"required": True, "content": {
    "application/json": {"schema": {"oneOf": [_ARTICLE, {"type": "array", "items": _ARTICLE, "minItems": 1}]},
                         "example": _ARTICLE["examples"][0]},
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"},
                                "description": "article files: .txt .md .html .json .jsonl"}}}}}}


@router.post("", response_model=IngestOut, openapi_extra={"requestBody": UPLOAD_BODY},
             summary="Add or update articles (re-uploading the same content changes nothing)",
             dependencies=[rate_limited("upload")],
             responses={201: {"model": IngestOut, "description": "At least one article was new"},
                        **error_responses(400, 401, 413, 415, 422, 429, 503, 504)})
async def upload(request: Request, response: Response, ingester: IngesterDep, limiter: UploadLimiterDep) -> dict:
    articles = await read_upload(request)
    # embedding is CPU-bound: at most BYLINE_UPLOAD_CONCURRENCY uploads at once, the rest wait their turn
    report = await anyio.to_thread.run_sync(ingester.add_articles, articles, limiter=limiter)
    response.status_code = 201 if report.added else 200
    return {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
            "removed": report.removed, "failed": [{"path": p, "reason": r} for p, r in report.failed],
            "chunks": report.chunks, "doc_ids": [a.doc_id for a in articles]}


@router.get("", response_model=DocumentPage, summary="List articles by id, a page at a time",
            responses=error_responses(401, 422, 503))
def list_documents(store: StoreDep, page: Annotated[PageQuery, Query()]) -> dict:
    rows, total = store.list(page.offset, page.limit)
    return {"total": total, "offset": page.offset, "limit": page.limit, "documents": rows}


@router.get("/{doc_id:path}", response_model=DocumentOut, summary="One article: metadata and body",
            responses=error_responses(401, 404, 422, 503))
def get_document(doc_id: str, store: StoreDep) -> dict:
    a = store.get(doc_id)
    return {"doc_id": a.doc_id, "title": a.title, "source": a.source,
            "published": iso_date(a.published), "url": a.url,
            "metadata": a.metadata, "body": a.body}


@router.delete("/{doc_id:path}", response_model=Deleted, summary="Remove an article and its passages",
               responses=error_responses(401, 404, 422, 503))
def delete_document(doc_id: str, store: StoreDep) -> dict:
    store.delete(doc_id)
    return {"deleted": doc_id}
