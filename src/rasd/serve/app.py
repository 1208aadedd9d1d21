"""The FastAPI application: ``create_app(store, settings, ...)``. No globals: every service
(store, gazetteer, ingest pipeline) is handed in and kept on ``app.state``.

Reads are open to loopback clients unless ``require_token_for_reads``; writes (ingest,
corrections) always need the token (``Authorization: Bearer <token>`` or ``X-Rasd-Token``).
Requests must name an allowed host (``Host``: loopback names, plus ``allowed_hosts``), so that a
page of another site cannot read the store through DNS rebinding; every response carries
security headers (a Content-Security-Policy without inline script, nosniff, no referrer).
"""
from __future__ import annotations

import logging
from importlib import resources
from typing import Any, Callable, Iterable, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from ..config import Settings
from ..errors import RasdError, StoreError
from ..store import Store
from .auth import LOOPBACK_HOSTS, ServeOptions, new_token, require_read  # noqa: F401 (new_token is re-exported)

log = logging.getLogger(__name__)


def create_app(store: Store, settings: Optional[Settings] = None, *, token: Optional[str] = None,
               require_token_for_reads: bool = False, max_body_bytes: Optional[int] = None,
               gazetteer: Any = None, pipeline_factory: Optional[Callable[[], Any]] = None,
               ontology: Optional[dict[str, list[str]]] = None, tiles: Optional[str] = None,
               allowed_hosts: Iterable[str] = (), ingest_threads: int = 2, actors: Any = None) -> FastAPI:
    """Build the application around an open store.

    ``pipeline_factory`` builds the ingest pipeline (the CLI's) on first use, once for each of
    ``ingest_threads`` ingest threads; ``gazetteer`` answers place searches; ``ontology`` (event
    type -> sub-event types) checks corrections; ``tiles`` is an optional tile URL template drawn
    over the bundled country outlines; ``allowed_hosts`` are host names (or addresses) the server
    answers to besides the loopback ones; ``actors`` (``code.actor_search.ActorSearch``) makes the
    actor filter match aliases ("SDF") and answers /api/actors.
    """
    from . import api_alerts, api_brief, api_documents, api_events, api_places, api_review
    from .ingest import IngestWorkers

    settings = settings or Settings()
    hosts = frozenset(LOOPBACK_HOSTS) | {_host_name(h) for h in allowed_hosts if h and h.strip()}
    opts = ServeOptions(token=token or new_token(), require_token_for_reads=require_token_for_reads,
                        max_body_bytes=max_body_bytes or min(settings.max_file_bytes, 10 * 1024 * 1024),
                        allowed_hosts=frozenset(hosts))
    app = FastAPI(title="rasd", version="0.1.0", docs_url=None, redoc_url=None,
                  openapi_url="/openapi.json", lifespan=_threads(settings.serve_threads),
                  description="Conflict events coded in the ACLED ontology, with evidence spans, "
                              "fused across outlets, and analyst corrections.")
    app.state.store = store
    app.state.settings = settings
    app.state.opts = opts
    app.state.gazetteer = gazetteer
    app.state.actors = actors
    from ..geo.search import PlaceSearch
    from .workbench import WorkbenchRules

    from ..code.language import LanguageCheck

    app.state.place_search = PlaceSearch(gazetteer) if gazetteer is not None else None
    app.state.workbench = WorkbenchRules.load()
    app.state.language = LanguageCheck.load()  # documents stored before the language stage get theirs on read
    app.state.pipeline_factory = pipeline_factory
    app.state.ontology = ontology
    app.state.ingest_workers = IngestWorkers(
        pipeline_factory or (lambda: api_documents.default_pipeline(settings)), size=ingest_threads)
    app.state.tiles = tiles

    _errors(app)
    app.include_router(api_events.router)
    app.include_router(api_review.router)
    app.include_router(api_places.router)
    app.include_router(api_documents.router)
    app.include_router(api_brief.router)
    app.include_router(api_alerts.router)
    _static(app)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(_BodyLimit, limit=opts.max_body_bytes)  # type: ignore[arg-type]
    app.add_middleware(_Guard, hosts=opts.allowed_hosts, csp=content_security_policy(tiles))  # type: ignore[arg-type]
    return app


def _threads(n: int):
    """The server's lifespan: requests are answered by at most ``n`` threads at once (the
    store's reads, each thread on a connection of its own; the rest wait their turn), not by
    anyio's default 40: with several server processes on one PostgreSQL server, 40 connections
    each would crowd its connection limit."""
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = n
        yield

    return lifespan


def _host_name(host: str) -> str:
    """A Host header's name without its port, lower case; IPv6 addresses keep their brackets."""
    h = host.strip().lower()
    if h.startswith("["):
        return h[:h.find("]") + 1] if "]" in h else h
    if h.count(":") > 1:  # a bare IPv6 address
        return f"[{h}]"
    return h.rsplit(":", 1)[0] if ":" in h else h


def content_security_policy(tiles: Optional[str]) -> str:
    """Scripts and styles from this server only (no inline script); images also from the tile
    server when one is configured."""
    img = "'self' data:"
    if tiles:
        from urllib.parse import urlsplit

        u = urlsplit(tiles.replace("{", "").replace("}", ""))
        if u.scheme in ("http", "https") and u.hostname:
            img += f" {u.scheme}://{tiles.split('://', 1)[1].split('/', 1)[0]}"
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            f"img-src {img}; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


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
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method of the path, not only those of the first route
            methods = _methods_of(app, request.scope)
            if methods:
                headers["Allow"] = ", ".join(methods)
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=headers or None)

    @app.exception_handler(RasdError)
    async def _rasd(request: Request, exc: RasdError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503 if isinstance(exc, StoreError) else 400)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc}"}, status_code=500)


def _methods_of(app: FastAPI, scope) -> list[str]:
    """The methods the OpenAPI document lists for the request's path."""
    import re

    path = scope.get("path", "")
    for template, ops in app.openapi()["paths"].items():
        if re.fullmatch(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)), path):
            return sorted(m.upper() for m in ops)
    return []


# -- the OpenAPI document ----------------------------------------------------------------
def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, made to tell the truth: the errors are ours ({"error": ...}), not
    FastAPI's validation shape; writes declare the bearer token; corrections list the ontology."""
    if app.openapi_schema:
        return app.openapi_schema
    from .responses import ERROR_SCHEMA, WHY

    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    comps = doc.setdefault("components", {})
    schemas = comps.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    if not schemas:
        comps.pop("schemas")
    comps["securitySchemes"] = {"token": {"type": "http", "scheme": "bearer",
                                          "description": "the token printed by 'rasd serve' (or RASD_TOKEN), "
                                                         "or an analyst's token ('rasd tokens add NAME')"}}
    onto = app.state.ontology or {}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            responses = op.setdefault("responses", {})
            responses.pop("default", None)
            if "422" in responses:  # FastAPI's own shape for path parameters: ours instead
                responses["422"] = {"description": WHY[422],
                                    "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            if "201" in responses:
                responses.pop("200", None)
            content = responses.get("200", {}).get("content", {})
            if len(content) > 1 and not content.get("application/json", {}).get("schema", True):
                content.pop("application/json")  # FastAPI's default, on an operation that answers in other types
            responses.setdefault("400", {"description": WHY[400],
                                         "content": {"application/json": {"schema": ERROR_SCHEMA}}})
            if method == "post":
                op["security"] = [{"token": []}]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            props = body.get("properties", {})
            if onto and "event_type" in props and "sub_event_type" in props:
                props["event_type"] = {**props["event_type"], "enum": sorted(onto)}
                props["sub_event_type"] = {**props["sub_event_type"],
                                           "enum": sorted({s for subs in onto.values() for s in subs})}
    app.openapi_schema = doc
    return doc


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

    docs = static.joinpath("docs.html")

    @app.get("/api/docs", include_in_schema=False)
    async def _docs():
        # Swagger UI from the bundled, pinned copy (static/vendor/swagger-ui), started by docs.js
        if not docs.is_file():
            return JSONResponse({"error": "the web page is not built: run 'make web'"}, status_code=404)
        return FileResponse(str(docs), headers={"Cache-Control": "no-cache"})

    if static.is_dir():
        app.mount("/static", StaticFiles(directory=str(static)), name="static")


# -- hosts and headers ------------------------------------------------------------------
class _Guard:
    """Answers only requests whose Host is allowed (a 400 naming --allowed-host otherwise), and
    adds the security headers to every response."""

    def __init__(self, app, hosts: frozenset[str], csp: str):
        self.app = app
        self.hosts = hosts
        self.headers = [(b"content-security-policy", csp.encode()), (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
        name = _host_name(host)
        if name not in self.hosts:
            return await _send_json(send, 400, {"error": (
                f"host {host[:100]!r} is not one this server answers to: start it with "
                f"--allowed-host {name[:100] or 'NAME'} (or RASD_ALLOWED_HOSTS) to allow it")}, self.headers)

        async def with_headers(msg):
            if msg["type"] == "http.response.start":
                msg = {**msg, "headers": [*msg.get("headers", []), *self.headers]}
            await send(msg)

        await self.app(scope, receive, with_headers)


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
    await _send_json(send, 413, {"error": f"request body over the limit of {limit} bytes"})


async def _send_json(send, status: int, data: dict, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    import json

    body = json.dumps(data, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": body})
