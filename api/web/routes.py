"""Routes of the web page: `/` (index.html), `/static/{name}` and, only when a report is
given, `/report`.

The files are read once when the app is built. Every page response carries a strict
Content-Security-Policy (scripts and styles from this origin only, fetches to this origin
only): article text is untrusted, and the page builds its DOM with textContent, so this is
a second line of defence. The eval report inlines plotly.js, so it gets its own policy:
`sandbox allow-scripts` runs it in an opaque origin that cannot read the page's storage
(where an API key may be kept). With API keys set, the report (it quotes the corpus) needs
a key too: a Bearer header, or the browser's own login prompt (HTTP Basic, the key as the
password, any user name), since a plain link cannot send a header.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import FileResponse

from api.auth import key_matches
from api.errors import Unauthorized, error_response
from rag.errors import NotFound
from rag.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
REPORT_POLICY = "sandbox allow-scripts allow-popups; frame-ancestors 'self'"
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
REPORT_META = '<meta name="byline-report" content="">'


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, name: str) -> Asset:
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if media_type.startswith("text/") or media_type.endswith("javascript"):
            media_type += "; charset=utf-8"
        return cls(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')

    def response(self, request: Request) -> Response:
        headers = {**COMMON, "Content-Security-Policy": PAGE_POLICY, "ETag": self.etag,
                   "Cache-Control": "no-cache"}  # tiny files: revalidate, get a 304
        if request.headers.get("if-none-match") == self.etag:
            return Response(status_code=304, headers=headers)
        return Response(self.body, media_type=self.media_type, headers=headers)


def load_assets(report: Path | None) -> tuple[Asset, dict[str, Asset]]:
    """(index.html, {file name: asset}) with the report link filled in when there is one."""
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    if report is not None:
        index = index.replace(REPORT_META, '<meta name="byline-report" content="report">')
    files = {p.name: Asset.of(p.read_bytes(), p.name) for p in sorted(STATIC.iterdir())
             if p.is_file() and p.name != "index.html"}
    return Asset.of(index.encode("utf-8"), "index.html"), files


def report_key(request: Request) -> str | None:
    """The key given for the report: a Bearer token or the password of HTTP Basic."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")[2]
        except ValueError:
            return None
    return None


def build_router(settings: Settings, report: Path | None) -> APIRouter:
    index, files = load_assets(report)
    router = APIRouter(include_in_schema=False)

    @router.api_route("/", methods=["GET", "HEAD"])
    async def page(request: Request) -> Response:
        return index.response(request)

    @router.api_route("/static/{name}", methods=["GET", "HEAD"])
    async def static(name: str, request: Request) -> Response:
        if name not in files:
            return error_response(NotFound(f"no static file {name!r}"))
        return files[name].response(request)

    if report is not None:
        add_report_route(router, settings, report)
    return router


def add_report_route(router: APIRouter, settings: Settings, report: Path) -> None:
    """GET /report: the eval report, sandboxed; with API keys set it needs one (Bearer or Basic)."""

    @router.get("/report")
    async def eval_report(request: Request) -> Response:
        keys = settings.api_key_list
        if keys:
            given = report_key(request)
            if not (given and key_matches(given, keys)):
                refused = error_response(Unauthorized("the report needs an API key: enter it as the password "
                                                      "(any user name) or send 'Authorization: Bearer <key>'"))
                refused.headers["WWW-Authenticate"] = 'Basic realm="byline report", charset="UTF-8"'
                return refused
        if not report.is_file():
            return error_response(NotFound(f"the eval report {report.name} is gone from disk"))
        return FileResponse(report, media_type="text/html; charset=utf-8",
                            headers={**COMMON, "Content-Security-Policy": REPORT_POLICY,
                                     "Cache-Control": "no-cache"})


def install(app: FastAPI, settings: Settings, report: Path | None = None) -> None:
    """Serve the page (and the report, if any) from `app`, outside /v1 and the OpenAPI spec."""
    app.include_router(build_router(settings, report))
