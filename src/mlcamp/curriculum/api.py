"""Load the curriculum: read the files, check them, and join them into one `Curriculum`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from mlcamp.curriculum.loader import LoadedContent, default_content_root, load_content
from mlcamp.curriculum.models import Curriculum, Overview, Part, Section, Topic
from mlcamp.curriculum.problems import ContentError, ContentProblem
from mlcamp.curriculum.validation import check_cross_references


def check_content(root: Path | None = None) -> list[ContentProblem]:
    """Return every problem in the content under `root` (the shipped content by default)."""
    content, problems = load_content(root)
    problems.extend(check_cross_references(content))
    return sorted(set(problems), key=lambda p: (str(p.file), p.line or 0, p.message))


def load_curriculum(root: Path | None = None) -> Curriculum:
    """Load and validate the curriculum; raise ContentError listing every problem if any."""
    content, problems = load_content(root)
    problems.extend(check_cross_references(content))
    if problems:
        raise ContentError(sorted(set(problems)))
    return _resolve(content)


@lru_cache(maxsize=1)
def shipped_curriculum() -> Curriculum:
    """The curriculum shipped with mlcamp, loaded once per process."""
    return load_curriculum(default_content_root())


def _resolve(content: LoadedContent) -> Curriculum:
    assert content.path is not None and content.role is not None  # guaranteed: no problems
    path = content.path.model
    parts: list[Part] = []
    for loaded in content.parts:
        by_id = {topic.model.id: topic for topic in loaded.topics}
        sections = [
            Section(
                id=section.id,
                title=section.title,
                topics=[
                    Topic(
                        **by_id[topic_id].model.model_dump(),
                        summary=by_id[topic_id].document.body or "",
                        part=loaded.part.model.id,
                        section=section.id,
                    )
                    for topic_id in section.topics
                ],
            )
            for section in loaded.part.model.sections
        ]
        part = loaded.part.model
        parts.append(
            Part(
                id=part.id,
                number=part.number,
                title=part.title,
                focus=part.focus,
                weeks=part.weeks,
                summary=part.summary,
                sections=sections,
            )
        )
    overview = Overview(
        role=content.role.model,
        pathways=[item.model for item in content.overview["pathways"]],
        tools=[item.model for item in content.overview["tools"]],
        domains=[item.model for item in content.overview["domains"]],
        communities=[item.model for item in content.overview["communities"]],
        milestones=[item.model for item in content.overview["milestones"]],
        action_plan=[item.model for item in content.overview["action-plan"]],
    )
    return Curriculum(
        id=path.id,
        title=path.title,
        summary=path.summary,
        default_hours_per_week=path.default_hours_per_week,
        weeks_per_month=path.weeks_per_month,
        tags=path.tags,
        specializations=path.specializations,
        parts=parts,
        resources=[resource.model for resource in content.resources],
        overview=overview,
        aliases=content.aliases,
    )


__all__ = [
    "ContentError",
    "ContentProblem",
    "check_content",
    "default_content_root",
    "load_curriculum",
    "shipped_curriculum",
]
