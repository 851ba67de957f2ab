"""`byline serve`: the HTTP API and web page under uvicorn (registered into rag/cli.py's parser)."""

from __future__ import annotations

import os
from pathlib import Path

from api.auth import bind_refusal
from api.logs import log_config
from rag.cli import whole_number
from rag.components import Components
from rag.errors import InvalidInput


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve the HTTP API and the web page (uvicorn)",
                       description="Serve the HTTP API, and a web page at / that uses it. --workers above 1 "
                                   "needs a Chroma server (BYLINE_CHROMA_URL); API keys come from "
                                   "BYLINE_API_KEYS.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=whole_number(0, 65535), default=8000, help="default: 8000")
    p.add_argument("--workers", type=whole_number(1, 64), default=1,
                   help="worker processes (default: 1; more need BYLINE_CHROMA_URL)")
    p.add_argument("--report", type=Path, metavar="PATH",
                   help="an HTML report from `byline eval --html`; the page links to it (served at /report)")
    p.set_defaults(run=run)


def run(args, components: Components) -> int:
    import uvicorn

    from api.app import create_app
    from api.main import REPORT_ENV

    settings = components.settings
    refusal = bind_refusal(args.host, settings)
    if refusal:
        raise InvalidInput(refusal)
    if args.workers > 1 and not settings.chroma_url:
        raise InvalidInput(f"--workers {args.workers} needs a Chroma server: the embedded store is not "
                           "safe for several processes; start one with `chroma run --path DIR --port 8001` "
                           "and set BYLINE_CHROMA_URL=http://127.0.0.1:8001")
    report = args.report.resolve() if args.report else None
    if report and not report.is_file():
        raise InvalidInput(f"--report {args.report}: no such file; make one with "
                           "`byline eval --gold eval/gold/seed.jsonl --html eval/out/seed.html`")
    # A worker answers the supervisor's health pings from a thread; while it imports and loads
    # its models on a busy machine that can take well over uvicorn's default 5 s.
    common = dict(host=args.host, port=args.port, log_config=log_config(), access_log=False,
                  timeout_graceful_shutdown=10, timeout_worker_healthcheck=120)
    if args.workers == 1:
        uvicorn.run(create_app(settings, components=components, report=report), **common)
    else:  # each worker process imports the factory and reads the same BYLINE_* environment
        if report:
            os.environ[REPORT_ENV] = str(report)
        uvicorn.run("api.main:app_from_env", factory=True, workers=args.workers, **common)
    return 0
