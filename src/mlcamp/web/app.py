"""The FastAPI application of ``mlcamp start``: pages and a JSON API over the same core as the CLI.

:func:`create_app` builds the app around an open store and the server's secrets; routes live in
``mlcamp.web.routes`` (one module per area of the site) and templates in ``templates/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from mlcamp.store import StoreError
from mlcamp.web.grading import GraderPool
from mlcamp.web.page_cache import PageCache
from mlcamp.web.pages import page
from mlcamp.web.security import Secrets, SecurityMiddleware, protect_state_changes

if TYPE_CHECKING:
    from mlcamp.store import Store

__all__ = ["create_app"]

STATIC_DIR = Path(__file__).parent / "static"


def create_app(store: Store, secrets: Secrets, *, graders: GraderPool | None = None) -> FastAPI:
    """The web app over ``store``, protected by ``secrets`` (see :mod:`mlcamp.web.security`).

    ``graders`` defaults to a pool of sandboxed graders, started on the first check.
    """
    from mlcamp.web.routes import ROUTERS

    pool = graders if graders is not None else GraderPool()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        title="mlcamp",
        lifespan=lifespan,
        dependencies=[Depends(protect_state_changes)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.store = store
    app.state.secrets = secrets
    app.state.graders = pool
    app.state.page_cache = PageCache()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'][1:])}: {error['msg']}"
            for error in exc.errors()
        )
        return _error(request, 422, f"Bad request: {problems}")

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return _error(request, 503, exc.message)

    app.add_middleware(SecurityMiddleware, secrets_=secrets)
    return app


def _error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    ):
        return JSONResponse({"error": message}, status_code=status)
    response: HTMLResponse = page(
        request, "error.html", status_code=status, title="mlcamp: error", message=message
    )
    return response
