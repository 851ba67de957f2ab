"""Parsing the dates users and articles give us."""

from __future__ import annotations

from datetime import date, datetime

from rag.errors import InvalidInput


def iso_date(d: date | None) -> str | None:
    """YYYY-MM-DD, or None for an unknown date (the JSON contracts' form)."""
    return d.isoformat() if d else None


def parse_date(value) -> date | None:
    """ISO date or datetime (string or object) to a date; raises InvalidInput when unreadable."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidInput(f"not an ISO date: {text!r} (expected YYYY-MM-DD)") from None
