"""``/``: the dashboard (this week, next lab, reviews, progress, streak, milestones), and the
onboarding form a learner sees until they have made a plan."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from mlcamp.planner.overview import (
    activity_days,
    has_plan,
    progress_view,
    refresh_plan,
    streak,
    today_view,
)
from mlcamp.planner.profile import ProfileError
from mlcamp.planner.service import learner_profile
from mlcamp.review.service import next_due_after
from mlcamp.web.page_cache import cached_page
from mlcamp.web.pages import page, redirect, store, today

router = APIRouter()

BACKGROUND_CHOICES = (
    ("beginner", "Complete beginner (18-24 months)"),
    ("math-stats", "Mathematics or statistics background (12-16 months)"),
    ("software-engineer", "Software engineer (14-18 months)"),
)
SPECIALIZATION_CHOICES = (
    ("", "None yet"),
    ("cv", "Computer vision"),
    ("nlp", "Natural language processing"),
    ("time-series", "Time series"),
)


@router.get("/")
@cached_page(valid_until=next_due_after)
def dashboard(request: Request) -> Response:
    """The dashboard, or the onboarding form on the first visit."""
    opened = store(request)
    day = today()
    if not has_plan(opened):
        return _onboarding(request, day)
    week = today_view(opened, day)
    progress = progress_view(opened)
    return page(
        request,
        "dashboard.html",
        title="mlcamp: dashboard",
        view=week,
        progress=progress,
        streak=streak(activity_days(opened), day),
        reached=[m for m in progress.milestones if m.reached],
        next_milestones=[m for m in progress.milestones if not m.reached][:3],
    )


def _onboarding(
    request: Request, start: date, error: str | None = None, status_code: int = 200
) -> Response:
    profile = learner_profile(store(request))
    return page(
        request,
        "onboarding.html",
        status_code=status_code,
        title="mlcamp: welcome",
        profile=profile,
        start=start,
        error=error,
        backgrounds=BACKGROUND_CHOICES,
        specializations=SPECIALIZATION_CHOICES,
    )


@router.post("/onboarding")
def onboarding(
    request: Request,
    background: Annotated[str, Form()],
    hours_per_week: Annotated[float, Form()],
    start_date: Annotated[date, Form()],
    specialization: Annotated[str, Form()] = "",
    include_optional: Annotated[bool, Form()] = False,
) -> Response:
    """Save the profile and make the first plan, then show the dashboard."""
    changes: dict[str, object] = {
        "background": background,
        "hours_per_week": hours_per_week,
        "start_date": start_date,
        "specialization": specialization or None,
        "include_optional": include_optional,
    }
    try:
        refresh_plan(store(request), today(), changes=changes)
    except ProfileError as exc:
        return _onboarding(request, start_date, error=f"{exc}.", status_code=422)
    return redirect("/")
