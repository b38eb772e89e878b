"""The learning path as validated data: models, loader, checks and the prerequisite graph."""

from mlcamp.curriculum.api import (
    check_content,
    default_content_root,
    load_curriculum,
    shipped_curriculum,
)
from mlcamp.curriculum.models import BACKGROUNDS, Background, Curriculum, Part, Resource, Topic
from mlcamp.curriculum.problems import ContentError, ContentProblem

__all__ = [
    "BACKGROUNDS",
    "Background",
    "ContentError",
    "ContentProblem",
    "Curriculum",
    "Part",
    "Resource",
    "Topic",
    "check_content",
    "default_content_root",
    "load_curriculum",
    "shipped_curriculum",
]
