"""The learning path as validated data: models, loader, checks and the prerequisite graph.

Names are imported on first use, so light modules (problems, located) load without the models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlcamp.curriculum.api import (
        check_content,
        default_content_root,
        load_curriculum,
        shipped_curriculum,
    )
    from mlcamp.curriculum.models import (
        BACKGROUNDS,
        Background,
        Curriculum,
        Part,
        Resource,
        Topic,
    )
    from mlcamp.curriculum.problems import ContentError, ContentProblem

_WHERE = {
    "check_content": "api",
    "default_content_root": "api",
    "load_curriculum": "api",
    "shipped_curriculum": "api",
    "BACKGROUNDS": "models",
    "Background": "models",
    "Curriculum": "models",
    "Part": "models",
    "Resource": "models",
    "Topic": "models",
    "ContentError": "problems",
    "ContentProblem": "problems",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'mlcamp.curriculum' has no attribute {name!r}")
    value = getattr(import_module(f"mlcamp.curriculum.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
