"""How much spaced review a plan must leave room for, projected with FSRS's own intervals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

REVIEW_MINUTES = 1.5
"""Minutes one card review takes, on average (read the question, recall, check, rate)."""

MAX_REVIEW_SHARE = 0.5
"""Reviews never take more than this share of a week's hours; study goes on."""

PROJECTED_REVIEWS = 8
"""How many reviews of a new card are projected (the later ones are months apart)."""


@lru_cache(maxsize=1)
def review_offsets() -> tuple[int, ...]:
    """Days after a card is introduced on which FSRS schedules its reviews, if each is "Good".

    Computed once with FSRS's default parameters and no fuzzing; the plan uses it to project
    the review load of topics it schedules.
    """
    from fsrs import Card, Rating, Scheduler

    scheduler = Scheduler(enable_fuzzing=False)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    now = start
    card = Card()
    offsets = [0]
    for _ in range(PROJECTED_REVIEWS):
        card, _log = scheduler.review_card(card, Rating.Good, now)
        now = card.due
        offsets.append((now.date() - start.date()).days)
    return tuple(offsets[:PROJECTED_REVIEWS])


def projected_reviews(introduced: date, cards: int) -> list[date]:
    """The review dates of `cards` new cards introduced on `introduced`."""
    days = [introduced + timedelta(days=offset) for offset in review_offsets()]
    return [day for day in days for _ in range(cards)]
