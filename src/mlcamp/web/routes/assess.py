"""``/assess``: the readiness quiz of ``mlcamp assess``, as one form grouped by area.

``GET /assess`` shows every area's questions (``?area=numpy``, repeatable, keeps some areas);
``POST /assess`` scores the answers, records the attempt, places the learner out of the topics of
passed areas, optionally adopts the recommended background, and redirects to the attempt's
result page, ``GET /assess/results/{id}``, which reads everything from the recorded attempt.
An unanswered question counts as wrong, as in the terminal, and the result lists it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from mlcamp.assessment.quiz import AREAS, QuizArea, read_quiz
from mlcamp.assessment.scoring import score
from mlcamp.assessment.service import UnknownAttempt, apply_result, recorded_attempt
from mlcamp.planner.overview import UnknownTopic, find_topic, has_plan
from mlcamp.web.pages import page, redirect, store
from mlcamp.web.routes.dashboard import BACKGROUND_CHOICES
from mlcamp.web.routes.review import markdown_html

if TYPE_CHECKING:
    from starlette.datastructures import FormData

__all__ = ["DONT_KNOW", "router"]

router = APIRouter()

DONT_KNOW = "skip"
"""The value of the "I don't know" choice: the question stays unanswered (counted wrong)."""


def _quiz(chosen: list[str]) -> tuple[list[QuizArea], list[QuizArea]]:
    """Every quiz area, and those asked for (all of them unless ``chosen``); 404 for an
    unknown area."""
    areas, problems = read_quiz()
    if problems:
        raise HTTPException(
            status_code=500,
            detail="The quiz content has problems: run `mlcamp content check` to see them.",
        )
    if not chosen:
        return areas, areas
    unknown = sorted(set(chosen) - set(AREAS))
    if unknown:
        raise HTTPException(
            status_code=404,
            detail=f"There is no quiz area {', '.join(unknown)}. Areas: {', '.join(AREAS)}.",
        )
    return areas, [area for area in areas if area.area in chosen]


@router.get("/assess")
def quiz_page(request: Request, area: Annotated[list[str] | None, Query()] = None) -> Response:
    """The quiz: one section per area, one fieldset of radio buttons per question."""
    chosen = area or []
    all_areas, areas = _quiz(chosen)
    return page(
        request,
        "assess.html",
        title="mlcamp: readiness quiz",
        areas=areas,
        all_areas=[(a.area, a.title) for a in all_areas],
        chosen=chosen,
        markdown=markdown_html,
        dont_know=DONT_KNOW,
        question_count=sum(len(a.items) for a in areas),
    )


def _answers(form: FormData, areas: list[QuizArea]) -> dict[str, int]:
    """Item id -> chosen index, for the questions answered with one of their own choices."""
    given: dict[str, int] = {}
    for quiz_area in areas:
        for item in quiz_area.items:
            value = form.get(item.id)
            if isinstance(value, str) and value.isdigit() and int(value) < len(item.choices):
                given[item.id] = int(value)
    return given


def _topic_title(topic_id: str) -> str:
    try:
        return find_topic(topic_id).title
    except UnknownTopic:
        return topic_id


@router.post("/assess")
async def submit_quiz(request: Request) -> Response:
    """Score the answers and apply the result (as ``mlcamp assess``), then show the result page
    (a redirect: reloading the result does not take the quiz again)."""
    form = await request.form()
    chosen = [value for value in form.getlist("area") if isinstance(value, str)]
    adopt = form.get("adopt") in ("true", "on", "1")
    return await run_in_threadpool(_score_and_record, request, form, chosen, adopt)


def _score_and_record(request: Request, form: FormData, chosen: list[str], adopt: bool) -> Response:
    _, areas = _quiz(chosen)
    given = _answers(form, areas)
    applied = apply_result(
        store(request), score(areas, given), adopt_background=adopt, answers=given
    )
    return redirect(f"/assess/results/{applied.attempt_id}")


@router.get("/assess/results/{attempt_id}")
def quiz_result(request: Request, attempt_id: int) -> Response:
    """A recorded quiz attempt: scores, recommendation, topics placed out, the questions missed."""
    opened = store(request)
    all_areas, _ = _quiz([])
    try:
        attempt = recorded_attempt(opened, attempt_id, all_areas)
    except UnknownAttempt as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    labels = dict(BACKGROUND_CHOICES)
    chosen = [area.area for area in attempt.areas]
    return page(
        request,
        "assess_result.html",
        title="mlcamp: quiz result",
        scores=attempt.scores,
        answers_kept=attempt.answers_kept,
        titles={a.area: a.title for a in all_areas},
        passed_topics={
            area.area: [(topic, _topic_title(topic)) for topic in area.topics]
            for area in attempt.passed_areas()
        },
        changed=[(topic, _topic_title(topic)) for topic in attempt.changed_topics],
        recommended=attempt.recommended,
        recommended_label=labels.get(attempt.recommended, ""),
        adopted=attempt.adopted,
        has_plan=has_plan(opened),
        unanswered=attempt.unanswered,
        wrong=attempt.wrong,
        markdown=markdown_html,
        chosen=chosen if len(chosen) < len(all_areas) else [],
    )
