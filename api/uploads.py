"""Upload bodies -> Articles, with the same readers as `byline ingest`.

A JSON body is one article or a list of them. A multipart body carries one or more
`file` parts; each is read by its file name's extension (.txt .md .html .json .jsonl),
so a file uploaded as `business/001.txt` gets the same doc id as the CLI would give it.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from fastapi import Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.errors import BadRequest, UnsupportedMediaType
from api.schemas import ArticleIn
from rag.corpus import article_from_json, read_bytes
from rag.errors import InvalidInput
from rag.types import Article

Upload = tuple[str, bytes]  # (file name as given, content)


async def read_upload(request: Request) -> list[Article]:
    """The articles in a JSON or multipart body; errors say what is wrong with it."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        try:
            given = json.loads(await request.body())
        except ValueError as e:  # not JSON, not UTF-8, or an integer of more than 4300 digits
            raise BadRequest(f"the request body is not valid JSON: {e}") from None
        except RecursionError:
            raise BadRequest("the request body is JSON nested too deeply") from None
        return articles_from_json(given)
    if kind == "multipart/form-data":
        form = await request.form(max_files=1000, max_fields=100)
        parts = form.getlist("file")
        if not parts:
            raise InvalidInput("a multipart upload needs one or more 'file' parts")
        if not all(isinstance(p, UploadFile) and p.filename for p in parts):
            raise InvalidInput("every 'file' part needs a file name ending in .txt .md .html .json or .jsonl")
        files = [(p.filename, await p.read()) for p in parts]
        return await run_in_threadpool(read_files, files)
    raise UnsupportedMediaType(f"send application/json or multipart/form-data, not {kind or 'no content type'}")


def articles_from_json(given: object) -> list[Article]:
    """Articles from a JSON object or list, checked against ArticleIn (the documented shape)."""
    items = given if isinstance(given, list) else [given]
    if not items:
        raise InvalidInput("the list of articles is empty")
    articles = []
    for n, item in enumerate(items):
        try:
            articles.append(article_from_json(item))  # its messages name the usual mistakes
            ArticleIn.model_validate(item)  # and field types are as documented
        except (InvalidInput, ValidationError) as e:
            reason = e if isinstance(e, InvalidInput) else _first_problem(e)
            raise InvalidInput(f"article {n}: {reason}" if isinstance(given, list) else str(reason)) from None
    return unique(articles)


def _first_problem(e: ValidationError) -> str:
    err = e.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc']) or 'article'}: {err['msg']}"


def read_files(files: list[Upload]) -> list[Article]:
    """Articles from uploaded files, each read by its name's extension (CPU-bound: call in a thread)."""
    return unique([a for name, data in files for a in read_bytes(data, safe_relative(name).as_posix())])


def safe_relative(name: str) -> PurePosixPath:
    """The upload's name as a relative path (its doc_id); refuses escapes and odd names."""
    path = PurePosixPath(name.replace("\\", "/"))
    if (path.is_absolute() or len(name) > 1024 or any(ord(ch) < 32 for ch in name)
            or any(p in ("", ".", "..") or len(p.encode("utf-8", "replace")) > 255 for p in path.parts)):
        raise InvalidInput(f"unusable file name {name[:80]!r}: give a relative name like business/001.txt")
    return path


def unique(articles: list[Article]) -> list[Article]:
    seen: set[str] = set()
    for a in articles:
        if a.doc_id in seen:
            raise InvalidInput(f"the upload holds two articles with id {a.doc_id!r}")
        seen.add(a.doc_id)
    return articles
