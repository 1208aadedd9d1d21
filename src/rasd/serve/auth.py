"""Who may read and write: the server's options, its token, and the two FastAPI dependencies
the routers use (a module of its own, so that the routers need not import the app)."""
from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from typing import Optional

from fastapi import HTTPException, Request

from ..analysts import OWNER, hash_token

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


@dataclass
class ServeOptions:
    token: str
    require_token_for_reads: bool = False
    max_body_bytes: int = 10 * 1024 * 1024
    allowed_hosts: frozenset[str] = frozenset(LOOPBACK_HOSTS)


def new_token() -> str:
    return secrets.token_urlsafe(24)


# -- auth -------------------------------------------------------------------------
def _is_loopback(host: Optional[str]) -> bool:
    if not host:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")


def _given_token(request: Request) -> Optional[str]:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-rasd-token")


def token_ok(request: Request) -> bool:
    """The request carries the server's token or a working analyst's token."""
    return token_author(request) is not None


def token_author(request: Request) -> Optional[str]:
    """Who the request's token says writes: an analyst's name (``rasd tokens add NAME``), or
    ``OWNER`` for the server's own token; None without a good token."""
    given = _given_token(request)
    if not given:
        return None
    if hmac.compare_digest(given.encode(), request.app.state.opts.token.encode()):
        return OWNER
    return request.app.state.store.reader().token_author(hash_token(given))


async def require_read(request: Request) -> None:
    opts: ServeOptions = request.app.state.opts
    host = request.client.host if request.client else None
    if (opts.require_token_for_reads or not _is_loopback(host)) and not token_ok(request):
        raise HTTPException(401, "this server needs a token for reads: send 'Authorization: Bearer <token>'")


async def require_write(request: Request) -> None:
    """A write needs a token; the author of what it writes is the token's name
    (``request.state.author``)."""
    author = token_author(request)
    if author is None:
        raise HTTPException(401, "writes need the token printed by 'rasd serve' (or RASD_TOKEN), or an "
                                 "analyst's token ('rasd tokens add NAME'): send 'Authorization: Bearer <token>'")
    request.state.author = author
