"""The site's routes, one module per area; :data:`ROUTERS` lists them for the app."""

from __future__ import annotations

from fastapi import APIRouter

from mlcamp.web.routes import assess, dashboard, labs, path, plan, progress, review, settings

ROUTERS: list[APIRouter] = [
    dashboard.router,
    path.router,
    labs.router,
    plan.router,
    progress.router,
    review.router,
    assess.router,
    settings.router,
]
