"""Helpers for tests that break a copy of the content on purpose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def topic_file(root: Path, topic_id: str) -> Path:
    """The file of a topic in a content tree."""
    matches = list(root.glob(f"parts/*/topics/{topic_id}.md"))
    assert len(matches) == 1, f"expected one file for {topic_id}, found {matches}"
    return matches[0]


def read_topic(file: Path) -> tuple[dict[str, Any], str]:
    """Return (front matter, body) of a topic file."""
    text = file.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def write_topic(file: Path, front: dict[str, Any], body: str) -> None:
    """Write a topic file from its front matter and body."""
    dumped = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    file.write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")


def edit_topic(root: Path, topic_id: str, **changes: Any) -> Path:
    """Change front-matter fields of a topic (a value of None removes the field)."""
    file = topic_file(root, topic_id)
    front, body = read_topic(file)
    for key, value in changes.items():
        key = key.replace("_", "-") if key in {"math_stats", "software_engineer"} else key
        if value is None:
            front.pop(key, None)
        else:
            front[key] = value
    write_topic(file, front, body)
    return file


def line_of(file: Path, needle: str) -> int:
    """The 1-based line of the first line of `file` containing `needle`."""
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {file}")
