"""``/review``: the concept cards due now, one at a time, rated as in ``mlcamp review``.

The page shows the next due card's question; the answer and the four rating buttons sit in a
``<details>`` element, so revealing works with the keyboard and without JavaScript. Rating posts
the card's id, the rating (1 again, 2 hard, 3 good, 4 easy) and when the question was shown (for
the time spent), then the browser comes back to ``/review`` for the next card.

:func:`markdown_html` renders the cards' Markdown (and the quiz's) with
:mod:`mlcamp.web.markdown`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from mlcamp.clock import now as current_time
from mlcamp.planner.overview import UnknownTopic, find_topic, replan_after_change
from mlcamp.review.service import LEARNER, RATINGS, due_cards, next_due_after, rate
from mlcamp.web.markdown import render_inline, render_markdown
from mlcamp.web.page_cache import cached_page, do_not_cache
from mlcamp.web.pages import page, redirect, store, today

if TYPE_CHECKING:
    from mlcamp.store import Store

__all__ = ["RATING_BUTTONS", "markdown_html", "router"]

router = APIRouter()

RATING_BUTTONS: tuple[tuple[int, str, str], ...] = (
    (1, "Again", "I did not recall it"),
    (2, "Hard", "recalled with serious effort"),
    (3, "Good", "recalled after some thought"),
    (4, "Easy", "recalled at once"),
)
"""The rating buttons: value, label, and what each means."""

LONGEST_REVIEW_SECONDS = 6 * 3600
"""A longer gap between showing a card and rating it is a forgotten tab, not time spent."""


def markdown_html(text: str, *, inline: bool = False) -> Markup:
    """Content Markdown with ``$`` math as safe HTML (see :mod:`mlcamp.web.markdown`).

    ``inline`` renders one line without a surrounding paragraph (for labels and choices).
    """
    return (render_inline(text) if inline else render_markdown(text)).html


# -- pages -----------------------------------------------------------------------------------------


def _topic_title(topic_id: str) -> str:
    try:
        return find_topic(topic_id).title
    except UnknownTopic:
        return topic_id


def _next_due(opened: Store) -> datetime | None:
    """When the learner's next card falls due (None: no cards yet)."""
    learner = opened.get_or_create_learner(LEARNER).id
    cards = opened.review_cards(learner)
    return cards[0].due if cards else None


def _rated_notice(rated: str | None, next_day: str | None) -> str | None:
    """The note shown after a rating; built from known words only, never echoed text."""
    if rated is None or not rated.isdigit() or int(rated) not in RATINGS:
        return None
    label = {value: name for value, name, _ in RATING_BUTTONS}[int(rated)]
    try:
        day = date.fromisoformat(next_day) if next_day else None
    except ValueError:
        day = None
    return f"Rated {label}." + (f" That card comes back on {day.isoformat()}." if day else "")


@router.get("/review")
@cached_page(valid_until=next_due_after)
def review_page(
    request: Request,
    rated: str | None = None,
    next_day: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    """The next due card (question, then answer and ratings), or when the next one is due."""
    opened = store(request)
    moment = current_time()
    due = due_cards(opened, now=moment)
    context: dict[str, Any] = {
        "title": "mlcamp: review",
        "due_count": len(due),
        "notice": _rated_notice(rated, next_day),
        "ratings": RATING_BUTTONS,
        "card": None,
        "next_due": None,
    }
    if due:
        item = due[0]
        do_not_cache(request)  # the page holds the moment the card was shown
        context.update(
            card=item,
            topic_title=_topic_title(item.topic_id),
            front=markdown_html(item.card.front),
            back=markdown_html(item.card.back),
            shown=moment.isoformat(),
        )
    else:
        context["next_due"] = _next_due(opened)
    return page(request, "review.html", **context)


def _duration(shown: str | None, moment: datetime) -> float | None:
    """Seconds between showing the card and rating it, when the page said when it showed it."""
    if not shown:
        return None
    try:
        started = datetime.fromisoformat(shown)
    except ValueError:
        return None
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    seconds = (moment - started).total_seconds()
    return round(seconds, 3) if 0 <= seconds <= LONGEST_REVIEW_SECONDS else None


@router.post("/review/{card_id}")
def rate_card(
    request: Request,
    card_id: str,
    rating: Annotated[str, Form()],
    shown: Annotated[str | None, Form()] = None,
) -> Response:
    """Record a rating of a due card (1 again, 2 hard, 3 good, 4 easy), then show the next."""
    value = int(rating) if rating.strip().isdigit() else None
    if value not in RATINGS:
        raise HTTPException(
            status_code=422,
            detail=f"The rating must be 1 (again), 2 (hard), 3 (good) or 4 (easy), not {rating!r}.",
        )
    assert value is not None
    opened = store(request)
    moment = current_time()
    if card_id not in {item.card_id for item in due_cards(opened, now=moment)}:
        learner = opened.get_or_create_learner(LEARNER).id
        if card_id not in {record.card_id for record in opened.review_cards(learner)}:
            raise HTTPException(status_code=404, detail=f"No card '{card_id}' is in your reviews.")
        return redirect("/review")  # already rated (a form sent twice): on to the next card
    next_due = rate(opened, card_id, value, now=moment, duration_seconds=_duration(shown, moment))
    replan_after_change(opened, today())  # the plan makes room for the card's next review
    return redirect(f"/review?rated={value}&next={next_due.date().isoformat()}")
