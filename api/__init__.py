"""Byline over HTTP (FastAPI). No retrieval or prompting logic lives here."""
