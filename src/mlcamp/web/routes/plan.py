"""``/plan``: the dated weekly plan as a calendar of week cards, how the learner stands against the
plan they accepted, ways to catch up, the profile form, and the plan as an iCalendar file.

Everything here mirrors ``mlcamp plan``: each view re-plans with
:func:`~mlcamp.planner.overview.refresh_plan` (saving the plan when it changed, as the command
does), profile changes and catch-up choices go through the same function, and the calendar file
is the one ``mlcamp plan --ics`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from mlcamp.planner.overview import (
    PlanView,
    UnknownCatchUp,
    has_plan,
    plan_calendar_bytes,
    refresh_plan,
)
from mlcamp.planner.profile import ProfileError
from mlcamp.planner.schedule import PlanWeek
from mlcamp.web.page_cache import cached_page
from mlcamp.web.pages import page, redirect, store, today
from mlcamp.web.routes.dashboard import BACKGROUND_CHOICES, SPECIALIZATION_CHOICES

router = APIRouter()

WEEKS_SHOWN = 12
"""Weeks the plan page shows unless the learner asks for all of them (``?weeks=all``)."""

BACKGROUND_NAMES = {
    "beginner": "For a complete beginner",
    "math-stats": "For a learner with mathematics or statistics",
    "software-engineer": "For a software engineer",
}
"""How the plan's summary line names the learner's background."""

DAYS_PER_MONTH = 30.44
"""Average days in a month, to say how many months a plan lasts (as ``mlcamp plan`` does)."""


@dataclass(frozen=True)
class WeekCard:
    """One week of the plan as the page shows it."""

    number: int
    """The week's number counted from the learner's start date (week 1 holds the start)."""
    week: PlanWeek
    current: bool
    budget: float

    @property
    def over_budget(self) -> bool:
        """Whether the week holds more hours than the weekly budget (never, from the planner)."""
        return self.week.hours > self.budget + 1e-9


def _week_cards(view: PlanView, day: date, show_all: bool) -> list[WeekCard]:
    profile = view.profile
    current = view.plan.week_of(day)
    weeks = view.plan.weeks if show_all else view.plan.weeks[:WEEKS_SHOWN]
    return [
        WeekCard(
            (week.start - profile.start_date).days // 7 + 1,
            week,
            current is not None and week.start == current.start,
            profile.hours_per_week,
        )
        for week in weeks
    ]


def _profile_form(view: PlanView) -> dict[str, object]:
    """The profile form's values, from the profile the plan was made for."""
    profile = view.profile
    return {
        "background": profile.background,
        "hours_per_week": f"{profile.hours_per_week:g}",
        "start_date": profile.start_date.isoformat(),
        "target_date": profile.target_date.isoformat() if profile.target_date else "",
        "specialization": profile.specialization or "",
        "include_optional": profile.include_optional,
    }


def _plan_page(
    request: Request,
    view: PlanView,
    day: date,
    *,
    show_all: bool = False,
    error: str | None = None,
    error_at: str = "page",
    form: dict[str, object] | None = None,
    status_code: int = 200,
) -> Response:
    plan = view.plan
    return page(
        request,
        "plan.html",
        status_code=status_code,
        title="mlcamp: plan",
        view=view,
        plan=plan,
        day=day,
        weeks=_week_cards(view, day, show_all),
        show_all=show_all,
        hidden_weeks=max(0, len(plan.weeks) - WEEKS_SHOWN),
        months=(plan.end - plan.start).days / DAYS_PER_MONTH,
        weeks_shown=WEEKS_SHOWN,
        error=error,
        error_at=error_at,
        form=form if form is not None else _profile_form(view),
        backgrounds=BACKGROUND_CHOICES,
        background_names=BACKGROUND_NAMES,
        specializations=SPECIALIZATION_CHOICES,
    )


@router.get("/plan")
@cached_page()
def plan_page(request: Request, weeks: Annotated[str, Query()] = "") -> Response:
    """The plan: week cards, standing, catch-up options, the profile form and the calendar link.

    Shows the next :data:`WEEKS_SHOWN` weeks, or every week with ``?weeks=all``. Before the
    learner has made a plan, the dashboard's onboarding form comes first.
    """
    opened = store(request)
    if not has_plan(opened):
        return redirect("/")
    day = today()
    return _plan_page(request, refresh_plan(opened, day), day, show_all=weeks == "all")


@router.get("/plan.ics")
def plan_calendar(request: Request) -> Response:
    """The plan as an iCalendar attachment (stable UIDs; SEQUENCE is the plan's number)."""
    opened = store(request)
    if not has_plan(opened):
        return redirect("/")
    body = plan_calendar_bytes(opened, refresh_plan(opened, today()))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "content-disposition": 'attachment; filename="mlcamp-plan.ics"',
            "cache-control": "no-store",
        },
    )


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ProfileError(f"{what} must be a number, got '{text}'") from None


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ProfileError(f"{what} must be a date like 2026-01-05, got '{text}'") from None


@router.post("/plan/profile")
def change_profile(
    request: Request,
    background: Annotated[str, Form()],
    hours_per_week: Annotated[str, Form()],
    start_date: Annotated[str, Form()],
    target_date: Annotated[str, Form()] = "",
    specialization: Annotated[str, Form()] = "",
    include_optional: Annotated[bool, Form()] = False,
) -> Response:
    """Change the profile and re-plan (as ``mlcamp plan --hours ... --start ...``).

    A value out of range re-shows the page with the message and the submitted form (422);
    nothing is saved then.
    """
    submitted: dict[str, object] = {
        "background": background,
        "hours_per_week": hours_per_week,
        "start_date": start_date,
        "target_date": target_date,
        "specialization": specialization,
        "include_optional": include_optional,
    }
    opened = store(request)
    day = today()
    try:
        changes: dict[str, object] = {
            "background": background,
            "hours_per_week": _number(hours_per_week, "hours per week"),
            "start_date": _day(start_date, "the start date"),
            "target_date": _day(target_date, "the target date") if target_date.strip() else None,
            "specialization": specialization or None,
            "include_optional": include_optional,
        }
        refresh_plan(opened, day, changes=changes)
    except ProfileError as exc:
        return _plan_page(
            request,
            refresh_plan(opened, day),
            day,
            error=f"Plan not changed: {exc}.",
            error_at="profile",
            form=submitted,
            status_code=422,
        )
    return redirect("/plan")


@router.post("/plan/catch-up")
def catch_up(request: Request, option: Annotated[str, Form()]) -> Response:
    """Apply a catch-up option (``extend``, ``hours`` or ``drop-optional``) while behind.

    An option not on offer re-shows the page with the ones that are (422).
    """
    opened = store(request)
    day = today()
    try:
        refresh_plan(opened, day, catch_up=option)
    except UnknownCatchUp as exc:
        return _plan_page(request, refresh_plan(opened, day), day, error=f"{exc}.", status_code=422)
    return redirect("/plan")
