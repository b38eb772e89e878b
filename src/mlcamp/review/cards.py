"""Concept cards, read from `content/cards/<topic-id>.yaml` and validated."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from mlcamp.curriculum.located import default_content_root, validate_model
from mlcamp.curriculum.problems import ContentProblem
from mlcamp.curriculum.yaml_source import read_yaml_file

MIN_CARDS = 2
KebabId = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=160)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConceptCard(_Strict):
    """A question and its answer, in our words."""

    id: KebabId
    front: str = Field(min_length=10)
    back: str = Field(min_length=5)


class TopicCards(_Strict):
    """The cards of one topic."""

    topic: KebabId
    cards: list[ConceptCard] = Field(min_length=MIN_CARDS)


def read_cards(
    content_root: Path | None = None, topic_ids: set[str] | None = None
) -> tuple[dict[str, list[ConceptCard]], list[ContentProblem]]:
    """Every topic's cards; problems for bad files, unknown topics and topics without cards."""
    folder = (content_root or default_content_root()) / "cards"
    cards: dict[str, list[ConceptCard]] = {}
    problems: list[ContentProblem] = []
    seen: set[str] = set()
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    for file in files:
        document = read_yaml_file(file, problems)
        if document is None:
            continue
        located = validate_model(TopicCards, document.data, document, problems)
        if located is None:
            continue
        deck = located.model
        if deck.topic != file.stem:
            problems.append(
                ContentProblem(file, document.line_of(("topic",)), "topic must equal the file name")
            )
        if topic_ids is not None and deck.topic not in topic_ids:
            problems.append(ContentProblem(file, document.line_of(("topic",)), "unknown topic"))
        for index, card in enumerate(deck.cards):
            if card.id in seen:
                problems.append(
                    ContentProblem(
                        file, document.line_of(("cards", index)), f"duplicate card id '{card.id}'"
                    )
                )
            seen.add(card.id)
        cards[deck.topic] = list(deck.cards)
    if topic_ids is not None:
        for topic in sorted(topic_ids - set(cards)):
            problems.append(
                ContentProblem(
                    folder / f"{topic}.yaml", None, f"topic '{topic}' has no concept cards"
                )
            )
    return cards, problems


@lru_cache(maxsize=1)
def shipped_cards() -> dict[str, list[ConceptCard]]:
    """The cards shipped with mlcamp by topic, read once per process (bad files are skipped:
    ``mlcamp content check`` reports them)."""
    decks, _ = read_cards()
    return decks
