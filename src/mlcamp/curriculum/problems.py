"""Content problems: what is wrong, in which file, on which line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One problem found in the content files, located as precisely as the check can."""

    file: Path
    line: int | None
    message: str

    def render(self, relative_to: Path | None = None) -> str:
        """Format as `file:line: message`, the file relative to `relative_to` when inside it."""
        shown = self.file
        if relative_to is not None:
            try:
                shown = self.file.resolve().relative_to(relative_to.resolve())
            except ValueError:
                shown = self.file
        where = f"{shown}:{self.line}" if self.line is not None else f"{shown}"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised when the content cannot be loaded; carries every problem found, not just the first."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line or 0, p.message))
        count = len(self.problems)
        super().__init__(f"{count} content problem{'s' if count != 1 else ''}")
