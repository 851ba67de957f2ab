"""Who may call what.

With `BYLINE_API_KEYS` set, every /v1 route needs `Authorization: Bearer <key>` (the
routers are included with the `ApiKey` dependency). Open without a key: the health
probes (/healthz, /readyz), the API description (/docs, /redoc, /openapi.json: they hold
no data and /docs needs the spec to let you enter a key) and the web page at / with its
static files (no data either; it asks for a key when /v1 says 401).

Rate limits (api/ratelimit.py) count per client: its API key when keys are set, else its
address (behind a proxy, run uvicorn with --proxy-headers so that is the real client's).

Without keys, the app answers only requests that reached it on a loopback address (see
`LoopbackOnly` in api/middleware.py), whatever address the server was told to listen on,
unless `BYLINE_ALLOW_PUBLIC_BIND=true`. `byline serve` refuses such a bind up front too.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import RateLimitsDep, SettingsDep
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


def client_identity(request: Request, settings: Settings) -> str:
    """Who is calling, for rate limits: a digest of its key (checked by ApiKey before), else its address."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if settings.api_key_list and scheme.lower() == "bearer" and key.strip():
        return "key:" + hashlib.sha256(key.strip().encode("utf-8")).hexdigest()[:16]
    return "address:" + (request.client.host if request.client else "unknown")


def rate_limited(what: str):
    """A dependency that spends one of the caller's `what` tokens (429 when there is none).
    It reads the header itself, so the spec claims no security when there are no keys."""
    async def take(request: Request, settings: SettingsDep, limits: RateLimitsDep) -> None:
        limits[what].take(client_identity(request, settings))
    return Depends(take)


def is_loopback(host: str) -> bool:
    """Whether a host to listen on is loopback-only (an IP literal or the name localhost)."""
    if host.strip("[]").lower() == "localhost":
        return True
    return _loopback_ip(host.strip("[]"))


def reached_over_loopback(server: tuple | list | None) -> bool:
    """Whether a request came in on a local socket: ASGI `scope["server"]` is (local IP, port)
    of the connection, or (path, None) for a unix socket. Names are not trusted: a server
    that fills this from the Host header proves nothing."""
    if not server:
        return False
    host, port = server[0], server[1] if len(server) > 1 else None
    return port is None or _loopback_ip(str(host))


def _loopback_ip(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable from outside
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def serves_only_loopback(settings: Settings) -> bool:
    """No keys and no explicit consent: requests from beyond loopback are refused."""
    return not settings.api_key_list and not settings.allow_public_bind


def bind_refusal(host: str, settings: Settings) -> str | None:
    """Why serving on `host` is refused (None when it is allowed)."""
    if is_loopback(host) or not serves_only_loopback(settings):
        return None
    return (f"refusing to listen on {host} without API keys: anyone who can reach it could use it; "
            "set BYLINE_API_KEYS=<key>[,<key>...] or, to serve openly, BYLINE_ALLOW_PUBLIC_BIND=true")
