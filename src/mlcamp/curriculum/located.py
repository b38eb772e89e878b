"""Validated models that remember where they came from, and pydantic errors as file:line problems.

Kept apart from the loader so that lab files can be validated without importing the (larger)
curriculum models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from mlcamp.curriculum.content_root import default_content_root
from mlcamp.curriculum.problems import ContentProblem
from mlcamp.curriculum.yaml_source import Location, YamlDocument

__all__ = ["Located", "default_content_root", "validate_model"]

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass
class Located(Generic[ModelT]):
    """A validated model with the document it came from and its location inside it."""

    model: ModelT
    document: YamlDocument
    location: Location = ()

    @property
    def file(self) -> Path:
        """The file the model was read from."""
        return self.document.file

    def line(self, *location: str | int) -> int | None:
        """The line of a value of the model, by its location relative to the model."""
        return self.document.line_of((*self.location, *location))


def validate_model(
    model: type[ModelT],
    data: Any,
    document: YamlDocument,
    problems: list[ContentProblem],
    location: Location = (),
    what: str | None = None,
) -> Located[ModelT] | None:
    """Validate `data` as `model`; turn each validation error into a problem with its line."""
    try:
        return Located(model.model_validate(data), document, location)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(
                ContentProblem(
                    document.file,
                    document.line_of((*location, *loc)),
                    _describe_error(error, loc, what),
                )
            )
        return None


def _describe_error(error: Any, loc: tuple[Any, ...], what: str | None) -> str:
    field_path = ".".join(str(part) for part in loc)
    kind = error["type"]
    prefix = f"{what}: " if what else ""
    if kind == "missing":
        return f"{prefix}missing field '{field_path}'"
    if kind == "extra_forbidden":
        return f"{prefix}unknown field '{field_path}' (check its spelling in docs/content.md)"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith("literal_error") or kind == "enum":
        message = f"{message}, got {error.get('input')!r}"
    return f"{prefix}{field_path}: {message}" if field_path else f"{prefix}{message}"
