"""Schedule concept cards with FSRS: introduce a topic's cards, list what is due, rate a review."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mlcamp.clock import now as current_time
from mlcamp.learner import LEARNER as LEARNER
from mlcamp.review.cards import ConceptCard, shipped_cards

if TYPE_CHECKING:
    from mlcamp.store import Store

RATINGS = {1: "again", 2: "hard", 3: "good", 4: "easy"}


@dataclass(frozen=True)
class DueCard:
    """A card due for review, with its text."""

    card_id: str
    topic_id: str
    card: ConceptCard
    due: datetime


def _scheduler() -> Any:
    from fsrs import Scheduler

    return Scheduler()


@lru_cache(maxsize=1)
def _cards_by_id() -> dict[str, tuple[str, ConceptCard]]:
    decks = shipped_cards()
    return {card.id: (topic, card) for topic, cards in decks.items() for card in cards}


def introduce_topic_cards(store: Store, topic_id: str, now: datetime | None = None) -> int:
    """Start reviewing a topic's cards (due now); cards already scheduled are left as they are.

    Returns how many cards were introduced.
    """
    from fsrs import Card

    moment = now or current_time()
    learner = store.get_or_create_learner(LEARNER).id
    known = {record.card_id for record in store.review_cards(learner, topic_id=topic_id)}
    decks = shipped_cards()
    added = 0
    for card in decks.get(topic_id, []):
        if card.id in known:
            continue
        state = Card(due=moment)
        store.upsert_review_card(learner, card.id, topic_id, state.to_dict(), moment)
        added += 1
    return added


def due_cards(store: Store, now: datetime | None = None, limit: int | None = None) -> list[DueCard]:
    """Cards due now, most overdue first; cards no longer in the content are left out."""
    moment = now or current_time()
    learner = store.get_or_create_learner(LEARNER).id
    texts = _cards_by_id()
    due = []
    for record in store.review_cards(learner, due_before=moment):
        if record.card_id in texts:
            topic, card = texts[record.card_id]
            due.append(DueCard(record.card_id, topic, card, record.due))
    return due[:limit] if limit is not None else due


def next_due_after(store: Store, now: datetime | None = None) -> datetime | None:
    """When the first card not yet due at ``now`` falls due (None: no such card).

    Until then, and as long as nothing is written to the store, :func:`due_cards` returns the
    same cards: pages that show them may be reused until this moment.
    """
    moment = now or current_time()
    learner = store.get_or_create_learner(LEARNER).id
    return store.next_review_due(learner, moment)


def rate(
    store: Store,
    card_id: str,
    rating: int,
    now: datetime | None = None,
    duration_seconds: float | None = None,
) -> datetime:
    """Record a review (1 again, 2 hard, 3 good, 4 easy); return when the card is due next."""
    from fsrs import Card, Rating

    if rating not in RATINGS:
        raise ValueError(f"rating must be 1 (again), 2 (hard), 3 (good) or 4 (easy), got {rating}")
    moment = now or current_time()
    learner = store.get_or_create_learner(LEARNER).id
    records = {r.card_id: r for r in store.review_cards(learner)}
    if card_id not in records:
        raise KeyError(f"card '{card_id}' is not being reviewed")
    record = records[card_id]
    card = Card.from_dict(json.loads(record.state_json))
    card, _log = _scheduler().review_card(card, Rating(rating), moment)
    store.upsert_review_card(learner, card_id, record.topic_id, card.to_dict(), card.due)
    store.record_review(learner, card_id, rating, moment, duration_seconds=duration_seconds)
    due: datetime = card.due
    return due
