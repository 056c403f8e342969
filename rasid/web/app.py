"""The HTTP API and web page of Rasid (`rasid serve`), built with FastAPI.

`create_app(db, token=…, max_body=…, cors_origins=[…])` gives an ASGI app over one database. Every
error is JSON, {"error": {"status": n, "message": "…"}}: an unknown route (404), a wrong method
(405), a bad query parameter or malformed JSON (400), a body that fails validation (422), a body
too large (413), a missing or wrong token (401/403), and anything unexpected (500, logged, with a
generic message and never a traceback).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from rasid import __version__
from rasid.web.context import ApiError, JSONResponse, Server, error_response
from rasid.web.security import SafetyMiddleware

STATIC_DIR = Path(__file__).resolve().parent / "static"
SWAGGER_DIRS = ("swagger-ui-dist", "swagger-ui")  # where the page's build vendors swagger-ui-dist
log = logging.getLogger("rasid.web")

DESCRIPTION = (
    "Rasid's record of conflict events coded from Arabic news reports: events (JSON, ACLED CSV, GeoJSON, "
    "PLOVER, and as an OGC API - Features collection), articles with every annotation, search, entities, "
    "stories with their source-by-fact matrix, claim checks, and reviews. Writes need "
    "`Authorization: Bearer <token>`."
)


def tune_garbage_collector() -> None:
    """Fewer full collections: a 500-event page makes hundreds of thousands of short-lived objects, and
    with the default thresholds a full collection (up to ~50 ms) ran every few requests, most of the
    slow tail of the load check (`rasid bench api`). Objects alive after start-up are frozen out of it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def create_app(
    db: str,
    *,
    token: str | None = None,
    max_body: int = 5 * 1024 * 1024,
    cors_origins: list[str] | None = None,
    check_timeout: float = 30.0,
) -> FastAPI:
    """The app serving database `db`; writes are allowed only with `token` (none: read-only)."""
    from rasid.web import routes_articles, routes_changes, routes_events, routes_ogc, routes_write

    app = FastAPI(
        title="Rasid",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # FastAPI's own page loads Swagger UI from a CDN; /docs below uses vendored files
        redoc_url=None,
        default_response_class=JSONResponse,
    )
    app.state.server = Server(db=db, token=token or None, max_body=max_body, check_timeout=check_timeout)
    _add_error_handlers(app)
    app.add_middleware(SafetyMiddleware, max_body=max_body)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    for module in (routes_events, routes_ogc, routes_articles, routes_write, routes_changes):
        app.include_router(module.router)
    _add_page_routes(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> Response:
        return error_response(exc.status, exc.message, exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such resource: {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> Response:
        return _validation_response(exc.errors())

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error: the server could not answer this request (see its log)")


def _validation_response(errors: Any) -> Response:
    """FastAPI's validation errors as one message: 400 for malformed JSON or a bad query or path
    parameter, 422 for a well-formed body that does not say what the route needs."""
    errors = list(errors)
    if any(e.get("type") == "json_invalid" for e in errors):
        first = next(e for e in errors if e.get("type") == "json_invalid")
        detail = (first.get("ctx") or {}).get("error", "")
        return error_response(400, f"the request body is not valid JSON ({detail})".replace(" ()", ""))
    parts = []
    for e in errors[:5]:
        loc = [str(x) for x in e.get("loc", ()) if x not in ("body",)]
        where = ".".join(loc[1:] if loc and loc[0] in ("query", "path", "header") else loc) or "body"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    in_body = all((e.get("loc") or ("body",))[0] == "body" for e in errors)
    return error_response(422 if in_body else 400, "; ".join(parts))


def _add_page_routes(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")

    @app.get("/", include_in_schema=False, response_model=None)
    def index(request: Request, f: str | None = None) -> Response:
        if f == "json":
            from rasid.web.routes_ogc import landing

            return JSONResponse(landing(request))
        page = STATIC_DIR / "index.html"
        if not page.is_file():
            return error_response(404, "the web page is not installed (rasid/web/static/index.html is missing)")
        return FileResponse(page, media_type="text/html; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        vendor = next((d for d in SWAGGER_DIRS if (STATIC_DIR / "vendor" / d).is_dir()), SWAGGER_DIRS[0])
        return Response(_DOCS_HTML.replace("{vendor}", vendor), media_type="text/html; charset=utf-8")

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(_DOCS_INIT, media_type="text/javascript; charset=utf-8")


# Swagger UI from the files vendored under static/vendor/swagger-ui-dist (no CDN); started by a script
# file rather than inline, which the Content-Security-Policy forbids.
_DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rasid API</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/vendor/{vendor}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/{vendor}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>
"""
_DOCS_INIT = """window.addEventListener("load", function () {
  if (typeof SwaggerUIBundle === "undefined") {
    var note = document.createElement("p");
    note.textContent = "Swagger UI is not installed; the schema is at /openapi.json";
    document.body.appendChild(note);
    return;
  }
  window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
});
"""
