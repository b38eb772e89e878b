"""``/progress``: progress by module, three charts of the learner's pace, and every milestone, with
a form to record (or remove) the milestones only the learner can attest.

The numbers come from the core (:func:`~mlcamp.planner.overview.progress_view` and
:func:`~mlcamp.planner.history.learner_history`); :mod:`mlcamp.web.charts` only draws them.
Recording a milestone applies the same checks as ``mlcamp milestone``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response

from mlcamp.planner.history import learner_history
from mlcamp.planner.overview import progress_view
from mlcamp.planner.reported import (
    MilestoneNotReportable,
    UnknownMilestone,
    UnusableNote,
    record_reported_milestone,
    remove_reported_milestone,
    shipped_milestones,
)
from mlcamp.store.repository import MILESTONE_NOTE_LENGTH
from mlcamp.web.charts import hours_chart, labs_chart, weekly_hours_chart
from mlcamp.web.page_cache import cached_page
from mlcamp.web.pages import page, redirect, store, today

router = APIRouter()


def _progress_page(
    request: Request,
    *,
    notice: str | None = None,
    error: str | None = None,
    error_for: str | None = None,
    note: str = "",
    status_code: int = 200,
) -> Response:
    opened = store(request)
    view = progress_view(opened)
    history = learner_history(opened, today())
    plan = history.plan
    weeks = [(week.start, week.hours) for week in plan.weeks]
    return page(
        request,
        "progress.html",
        status_code=status_code,
        title="mlcamp: progress",
        view=view,
        history=history,
        hours_svg=hours_chart(history.hours) if history.hours is not None else None,
        labs_svg=labs_chart(history.labs),
        weeks_svg=weekly_hours_chart(weeks, plan.profile.hours_per_week),
        weeks=weeks,
        budget=plan.profile.hours_per_week,
        reached=sum(1 for status in view.milestones if status.reached),
        notice=notice,
        error=error,
        error_for=error_for,
        note=note,
        note_length=MILESTONE_NOTE_LENGTH,
    )


@router.get("/progress")
@cached_page()
def progress_page(
    request: Request,
    recorded: Annotated[str, Query()] = "",
    removed: Annotated[str, Query()] = "",
) -> Response:
    """Progress by module, the charts (each with its data as a table) and all milestones.

    ``?recorded=ID`` / ``?removed=ID`` (set by the milestone form's redirect) add a notice.
    """
    milestones = shipped_milestones()
    notice = None
    if recorded in milestones:
        notice = f"Recorded (self-reported): {milestones[recorded].title}."
    elif removed in milestones:
        notice = f"Removed your record of '{milestones[removed].title}'."
    return _progress_page(request, notice=notice)


@router.post("/progress/milestones/{milestone_id}")
def record_milestone(
    request: Request,
    milestone_id: str,
    note: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "record",
) -> Response:
    """Record the learner's note on a self-reported milestone, or remove it (``action=remove``).

    As ``mlcamp milestone``: an unknown milestone is 404; one that mlcamp evidences itself (labs,
    topics, the quiz) is 422; an empty or too long note re-shows the page with the message (422).
    """
    if action not in ("record", "remove"):
        raise HTTPException(
            status_code=422, detail=f"Unknown action '{action}': use record or remove."
        )
    opened = store(request)
    try:
        if action == "remove":
            milestone = remove_reported_milestone(opened, milestone_id)
            return redirect(f"/progress?removed={milestone.id}#milestone-{milestone.id}")
        milestone = record_reported_milestone(opened, milestone_id, note)
    except UnknownMilestone as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    except MilestoneNotReportable as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    except UnusableNote as exc:
        return _progress_page(
            request, error=str(exc), error_for=milestone_id, note=note, status_code=422
        )
    anchor = f"#milestone-{milestone.id}"
    return redirect(f"/progress?recorded={milestone.id}{anchor}")
