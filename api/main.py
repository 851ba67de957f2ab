"""Import string for uvicorn workers: `uvicorn api.main:app_from_env --factory`.

Each worker process builds its own Settings from the BYLINE_* environment."""

from __future__ import annotations

from fastapi import FastAPI

from api.app import create_app
from rag.settings import Settings


def app_from_env() -> FastAPI:
    return create_app(Settings())
