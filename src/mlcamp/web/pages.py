"""What every route shares: the store, today's date, the grader pool and page rendering.

Routes stay thin: they read the request, call the core (``mlcamp.planner.overview``,
``mlcamp.practice``, ``mlcamp.labs``...), and render a template or return JSON.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from mlcamp import __version__

if TYPE_CHECKING:
    from mlcamp.store import Store
    from mlcamp.web.grading import GraderPool
    from mlcamp.web.security import Secrets

__all__ = [
    "NAVIGATION",
    "TEMPLATES",
    "grader_pool",
    "page",
    "redirect",
    "store",
    "today",
]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["version"] = __version__

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("/", "Dashboard"),
    ("/path", "Path"),
    ("/labs", "Labs"),
    ("/plan", "Plan"),
    ("/review", "Review"),
    ("/progress", "Progress"),
    ("/settings", "Settings"),
)


def store(request: Request) -> Store:
    """The application's store (opened once when the app starts)."""
    opened: Store = request.app.state.store
    return opened


def grader_pool(request: Request) -> GraderPool:
    """The warm sandboxes that grade checks from the pages and the API."""
    pool: GraderPool = request.app.state.graders
    return pool


def today() -> date:
    """Today (``MLCAMP_TODAY`` overrides, as in the CLI)."""
    from mlcamp.clock import today as clock_today

    try:
        return clock_today()
    except ValueError as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a full page: the template gets ``request``, the CSRF token and the navigation."""
    secrets: Secrets = request.app.state.secrets
    context.setdefault("title", "mlcamp")
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {
            "csrf_token": secrets.csrf,
            "navigation": NAVIGATION,
            "current": request.url.path,
            **context,
        },
        status_code=status_code,
    )


def redirect(url: str) -> RedirectResponse:
    """A 303 redirect (after a form post, the browser GETs the next page)."""
    return RedirectResponse(url, status_code=303)
