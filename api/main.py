"""Import string for uvicorn workers: `uvicorn api.main:app_from_env --factory`.

Each worker process builds its own Settings from the BYLINE_* environment; `byline serve
--report PATH` hands the report to its workers in BYLINE_REPORT."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from api.app import create_app
from rag.settings import Settings

REPORT_ENV = "BYLINE_REPORT"


def app_from_env() -> FastAPI:
    report = os.environ.get(REPORT_ENV)
    return create_app(Settings(), report=Path(report) if report else None)
