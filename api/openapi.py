"""The OpenAPI document of one server states that server's limits (from its settings):
the longest question or query and the largest top_k it accepts."""

from __future__ import annotations

from fastapi import FastAPI

from rag.settings import Settings


def _bound(prop: dict, key: str, value: int) -> None:
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") in ("integer", "string"):
            branch[key] = value


def state_limits(app: FastAPI, settings: Settings) -> None:
    """Make `app.openapi()` carry the settings' limits on the request bodies."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schemas = build()["components"]["schemas"]
            for model, text in (("AnswerRequest", "question"), ("SearchRequest", "query")):
                props = schemas[model]["properties"]
                _bound(props[text], "maxLength", settings.max_question_chars)
                _bound(props["top_k"], "maximum", settings.max_top_k)
        return app.openapi_schema

    app.openapi = openapi
