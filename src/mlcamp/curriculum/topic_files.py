"""Read a few topics' own files without loading the whole path (for quick commands).

Loading the curriculum parses and validates every file of the path, which costs more than some
commands' whole work (recording a lab check needs the labs of two or three topics). These
functions read only the topic files asked for, and answer None whenever anything is unusual, so
that callers fall back to the full, validated curriculum.
"""

from __future__ import annotations

from pathlib import Path

from mlcamp.curriculum.content_root import default_content_root
from mlcamp.curriculum.problems import ContentProblem
from mlcamp.curriculum.yaml_source import read_front_matter_file

__all__ = ["topic_labs"]


def topic_labs(
    topic_ids: list[str], content_root: Path | None = None
) -> dict[str, list[str]] | None:
    """The labs each topic lists, read from the topics' own files; None when a topic is not a
    plain file of the path under that id (renamed, missing, malformed): load the curriculum."""
    parts = (content_root or default_content_root()) / "parts"
    found: dict[str, list[str]] = {}
    for topic_id in topic_ids:
        files = list(parts.glob(f"*/topics/{topic_id}.md")) if "/" not in topic_id else []
        if len(files) != 1:
            return None
        problems: list[ContentProblem] = []
        document = read_front_matter_file(files[0], problems)
        if document is None or problems or not isinstance(document.data, dict):
            return None
        labs = document.data.get("labs", [])
        if document.data.get("id") != topic_id or not isinstance(labs, list):
            return None
        if not all(isinstance(lab, str) for lab in labs):
            return None
        found[topic_id] = list(labs)
    return found
