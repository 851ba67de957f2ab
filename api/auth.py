"""API keys: when `BYLINE_API_KEYS` is set, every /v1 route needs `Authorization: Bearer <key>`."""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import SettingsDep
from api.errors import Unauthorized
from rag.settings import Settings

bearer = HTTPBearer(auto_error=False, description="One of the keys in BYLINE_API_KEYS (when it is set).")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


def key_matches(given: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(given.encode("utf-8"), key.encode("utf-8"))
    return found


async def require_api_key(settings: SettingsDep, credentials: Credentials) -> None:  # no I/O: no thread hop
    keys = settings.api_key_list
    if keys and not (credentials and key_matches(credentials.credentials, keys)):
        raise Unauthorized("missing or invalid API key; send 'Authorization: Bearer <key>'")


ApiKey = Depends(require_api_key)


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable from outside


def bind_refusal(host: str, settings: Settings) -> str | None:
    """Why serving on `host` is refused (None when it is allowed)."""
    if is_loopback(host) or settings.api_key_list or settings.allow_public_bind:
        return None
    return (f"refusing to listen on {host} without API keys: anyone who can reach it could use it; "
            "set BYLINE_API_KEYS=<key>[,<key>...] or, to serve openly, BYLINE_ALLOW_PUBLIC_BIND=true")
