"""The FastAPI application: ``create_app(store, settings, ...)``. No globals: every service
(store, gazetteer, ingest pipeline) is handed in and kept on ``app.state``.

Reads are open to loopback clients unless ``require_token_for_reads``; writes (ingest,
corrections) always need the token (``Authorization: Bearer <token>`` or ``X-Rasd-Token``).
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any, Callable, Optional

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from ..config import Settings
from ..errors import RasdError, StoreError
from ..store import Store

log = logging.getLogger(__name__)


@dataclass
class ServeOptions:
    token: str
    require_token_for_reads: bool = False
    max_body_bytes: int = 10 * 1024 * 1024


def new_token() -> str:
    return secrets.token_urlsafe(24)


def create_app(store: Store, settings: Optional[Settings] = None, *, token: Optional[str] = None,
               require_token_for_reads: bool = False, max_body_bytes: Optional[int] = None,
               gazetteer: Any = None, pipeline_factory: Optional[Callable[[], Any]] = None,
               ontology: Optional[dict[str, list[str]]] = None, tiles: Optional[str] = None) -> FastAPI:
    """Build the application around an open store.

    ``pipeline_factory`` builds the ingest pipeline (the CLI's) on first use; ``gazetteer``
    answers place searches; ``ontology`` (event type -> sub-event types) checks corrections;
    ``tiles`` is an optional tile URL template drawn over the bundled country outlines.
    """
    from . import api_documents, api_events

    settings = settings or Settings()
    opts = ServeOptions(token=token or new_token(), require_token_for_reads=require_token_for_reads,
                        max_body_bytes=max_body_bytes or min(settings.max_file_bytes, 10 * 1024 * 1024))
    app = FastAPI(title="rasd", version="0.1.0", docs_url="/api/docs", redoc_url=None,
                  openapi_url="/openapi.json",
                  description="Conflict events coded in the ACLED ontology, with evidence spans, "
                              "fused across outlets, and analyst corrections.")
    app.state.store = store
    app.state.settings = settings
    app.state.opts = opts
    app.state.gazetteer = gazetteer
    app.state.pipeline_factory = pipeline_factory
    app.state.pipeline = None
    app.state.ontology = ontology
    app.state.ingest_lock = threading.Lock()
    app.state.tiles = tiles

    _errors(app)
    app.include_router(api_events.router)
    app.include_router(api_documents.router)
    _static(app)
    app.add_middleware(_BodyLimit, limit=opts.max_body_bytes)  # type: ignore[arg-type]
    return app


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


def _token_ok(request: Request) -> bool:
    given = _given_token(request)
    return bool(given) and hmac.compare_digest(given.encode(), request.app.state.opts.token.encode())


async def require_read(request: Request) -> None:
    opts: ServeOptions = request.app.state.opts
    host = request.client.host if request.client else None
    if (opts.require_token_for_reads or not _is_loopback(host)) and not _token_ok(request):
        raise HTTPException(401, "this server needs a token for reads: send 'Authorization: Bearer <token>'")


async def require_write(request: Request) -> None:
    if not _token_ok(request):
        raise HTTPException(401, "writes need the token printed by 'rasd serve' (or RASD_TOKEN): "
                                 "send 'Authorization: Bearer <token>'")


# -- errors -----------------------------------------------------------------------
def _errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _bad_params(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for e in exc.errors():
            loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "body", "path")]
            problems.append({"param": ".".join(loc) or "request", "reason": e.get("msg", "invalid")})
        first = problems[0] if problems else {"param": "request", "reason": "invalid"}
        return JSONResponse({"error": f"bad parameter {first['param']}: {first['reason']}", "problems": problems},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RasdError)
    async def _rasd(request: Request, exc: RasdError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503 if isinstance(exc, StoreError) else 400)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc}"}, status_code=500)


# -- the page -----------------------------------------------------------------------
def _static(app: FastAPI) -> None:
    static = resources.files("rasd.serve").joinpath("static")
    index = static.joinpath("index.html")

    @app.get("/", include_in_schema=False)
    async def _index(request: Request):
        await require_read(request)
        if not index.is_file():
            return JSONResponse({"error": "the web page is not built: run 'make web'"}, status_code=404)
        return FileResponse(str(index), headers={"Cache-Control": "no-cache"})

    if static.is_dir():
        app.mount("/static", StaticFiles(directory=str(static)), name="static")


# -- request size ---------------------------------------------------------------------
class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes (by Content-Length, and while streaming)."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for k, v in scope.get("headers", []):
            if k == b"content-length" and v.isdigit() and int(v) > self.limit:
                return await _too_large(send, self.limit)
        seen = 0
        started = False

        async def counting_receive():
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return msg

        async def tracking_send(msg):
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send, limit: int) -> None:
    import json

    body = json.dumps({"error": f"request body over the limit of {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
