"""``/path`` (the whole path as a prerequisite graph, and as a list) and ``/topics/{id}`` (one
topic: summary with math, objectives, prerequisites, resources, labs, status and its history).

The layout comes from :mod:`mlcamp.web.path_graph`, the Markdown from :mod:`mlcamp.web.markdown`;
states and evidence come from the planner and the store, as in ``mlcamp path`` and
``mlcamp progress``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from mlcamp.curriculum.models import BACKGROUNDS
from mlcamp.planner.overview import (
    TOPIC_STATES_BY_HAND,
    UnknownTopic,
    find_topic,
    mark_topic,
    replan_after_change,
)
from mlcamp.planner.service import LEARNER, learner_profile, learner_progress
from mlcamp.web.markdown import render_inline, render_markdown
from mlcamp.web.page_cache import cached_page
from mlcamp.web.pages import page, redirect, store, today
from mlcamp.web.path_graph import STATUS_LABELS, layout_path

if TYPE_CHECKING:
    from markupsafe import Markup

    from mlcamp.curriculum.models import Curriculum, Part, Resource, Section, Topic
    from mlcamp.labs import Lab
    from mlcamp.store import Store
    from mlcamp.store.records import TopicEventRecord

router = APIRouter()

BACKGROUND_LABELS: dict[str, str] = {
    "beginner": "Complete beginner",
    "math-stats": "Mathematics or statistics",
    "software-engineer": "Software engineer",
}
"""The three learner backgrounds, as the topic page names them."""

EVIDENCE_LABELS: dict[str, str] = {
    "self-reported": "you set it",
    "lab-passed": "a lab passed",
    "quiz-passed": "a quiz passed",
}
"""Why a topic's state changed, in words."""

STATE_BUTTONS: tuple[tuple[str, str], ...] = (
    ("learning", "I'm learning it"),
    ("done", "Mark as done"),
    ("skipped", "Skip it"),
    ("not-started", "Reset to not started"),
)
"""The states a learner may set by hand, with the labels of their buttons."""


def _curriculum() -> Curriculum:
    from mlcamp.curriculum import shipped_curriculum

    return shipped_curriculum()


def _learner_id(opened: Store) -> int:
    return opened.get_or_create_learner(LEARNER).id


@router.get("/path")
@cached_page()
def path_page(request: Request) -> Response:
    """The path as a graph coloured by the learner's states, with a plain list under it."""
    opened = store(request)
    curriculum = _curriculum()
    progress = learner_progress(opened, curriculum)
    graph = layout_path(curriculum, progress.topic_states)
    background = learner_profile(opened).background
    return page(
        request,
        "path.html",
        title="mlcamp: the path",
        graph=graph,
        parts=curriculum.parts,
        progress=progress,
        labels=STATUS_LABELS,
        counts=graph.counts(),
        background=background,
        background_label=BACKGROUND_LABELS.get(background, background),
    )


# -- one topic ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedTopic:
    """A topic linked from another one, with the learner's state of it."""

    topic: Topic
    state: str


@dataclass(frozen=True)
class LabLink:
    """A lab that serves the topic, and how the learner has done on it."""

    lab: Lab
    passed: bool
    attempts: int


@dataclass(frozen=True)
class HistoryRow:
    """One recorded change of the topic's state."""

    event: TopicEventRecord
    evidence: str


def _missing(request: Request, error: UnknownTopic) -> Response:
    """The 404 page for an unknown topic id, with similar ids and where to look."""
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"error": str(error), "close": error.close}, status_code=404)
    curriculum = _curriculum()
    close = [curriculum.topic(topic_id) for topic_id in error.close]
    return page(
        request,
        "topic.html",
        status_code=404,
        title="mlcamp: no such topic",
        missing=error.topic_id,
        close=close,
    )


def _place(curriculum: Curriculum, topic: Topic) -> tuple[Part, Section]:
    part = next(p for p in curriculum.parts if p.id == topic.part)
    section = next(s for s in part.sections if s.id == topic.section)
    return part, section


def _labs(opened: Store, topic: Topic) -> list[LabLink]:
    from mlcamp.labs import all_labs

    attempts = opened.lab_attempts(_learner_id(opened))
    links = []
    for lab in all_labs():
        if topic.id not in lab.spec.topics and lab.id not in topic.labs:
            continue
        mine = [a for a in attempts if a.lab_id == lab.id]
        links.append(LabLink(lab, any(a.status == "pass" for a in mine), len(mine)))
    return links


def _history(opened: Store, curriculum: Curriculum, topic: Topic) -> list[HistoryRow]:
    """The topic's state changes, newest first, including those recorded under an old id."""
    learner = _learner_id(opened)
    ids = [topic.id, *sorted(old for old, new in curriculum.aliases.items() if new == topic.id)]
    events = [event for topic_id in ids for event in opened.topic_events(learner, topic_id)]
    events.sort(key=lambda event: (event.created_at, event.id), reverse=True)
    return [
        HistoryRow(event, EVIDENCE_LABELS.get(event.evidence or "", event.evidence or ""))
        for event in events
    ]


@router.get("/topics/{topic_id}")
@cached_page()
def topic_page(
    request: Request, topic_id: str, saved: str | None = None, cards: str | None = None
) -> Response:
    """One topic with the learner's state of it; an old id redirects to the current one."""
    try:
        topic = find_topic(topic_id)
    except UnknownTopic as error:
        return _missing(request, error)
    if topic.id != topic_id:
        return RedirectResponse(f"/topics/{topic.id}", status_code=307)
    opened = store(request)
    curriculum = _curriculum()
    progress = learner_progress(opened, curriculum)
    part, section = _place(curriculum, topic)
    resources: list[Resource] = [curriculum.resource(r) for r in topic.resources]
    summary = render_markdown(topic.summary)
    objectives: list[Markup] = [render_inline(objective).html for objective in topic.objectives]
    state = progress.state(topic.id)
    notice = None
    if saved in STATUS_LABELS:
        notice = f"Saved: {STATUS_LABELS[saved].lower()}."
        if cards is not None and cards.isdigit() and int(cards) > 0:
            count = int(cards)
            notice += f" {count} concept card{'s' if count != 1 else ''} joined your reviews."
    return page(
        request,
        "topic.html",
        title=f"mlcamp: {topic.title}",
        topic=topic,
        part=part,
        section=section,
        summary=summary.html,
        objectives=objectives,
        prerequisites=[
            LinkedTopic(curriculum.topic(p), progress.state(p)) for p in topic.prerequisites
        ],
        needed_by=[
            LinkedTopic(t, progress.state(t.id))
            for t in curriculum.topics()
            if topic.id in t.prerequisites
        ],
        resources=resources,
        labs=_labs(opened, topic),
        state=state,
        labels=STATUS_LABELS,
        history=_history(opened, curriculum, topic),
        buttons=STATE_BUTTONS,
        backgrounds=[
            (key, BACKGROUND_LABELS[key], topic.hours.for_background(key)) for key in BACKGROUNDS
        ],
        background=learner_profile(opened).background,
        notice=notice,
    )


@router.post("/topics/{topic_id}/status")
def topic_status(request: Request, topic_id: str, state: Annotated[str, Form()]) -> Response:
    """Set the topic's state by hand (recorded as self-reported), then show the topic again."""
    try:
        find_topic(topic_id)
    except UnknownTopic as error:
        return _missing(request, error)
    if state not in TOPIC_STATES_BY_HAND:
        raise HTTPException(
            status_code=422,
            detail=f"Unknown state '{state}': choose one of {', '.join(TOPIC_STATES_BY_HAND)}.",
        )
    opened = store(request)
    topic, added = mark_topic(opened, topic_id, state)
    replan_after_change(opened, today())
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"topic": topic.id, "state": state, "cards_added": added})
    return redirect(f"/topics/{topic.id}?saved={state}&cards={added}")
