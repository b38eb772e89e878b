"""Read YAML (and Markdown with YAML front matter) while remembering where every value stands.

pydantic reports errors by location (a tuple of keys and indexes); the line map built here
turns that location into a line of the file, so a contributor is told `topics/x.md:7: ...`
instead of a path into a data structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlcamp.curriculum.problems import ContentProblem

Location = tuple[str | int, ...]

# libyaml's C loader when PyYAML was built with it: same nodes and marks, several times faster.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDocument:
    """A parsed YAML document and the 1-based line of every value in it, keyed by its location."""

    file: Path
    data: Any
    lines: dict[Location, int] = field(default_factory=dict)
    body: str | None = None
    body_line: int | None = None

    def line_of(self, location: Location) -> int | None:
        """Return the line of the value at `location`, or of its nearest enclosing value."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


def _walk(
    node: yaml.Node,
    location: Location,
    offset: int,
    lines: dict[Location, int],
    file: Path,
    problems: list[ContentProblem],
) -> None:
    lines[location] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1 + offset
            if key in seen:
                problems.append(
                    ContentProblem(
                        file,
                        key_line,
                        f"key '{key}' appears twice in the same mapping (first on line "
                        f"{seen[key]}); keep one",
                    )
                )
            seen[key] = key_line
            _walk(value_node, (*location, key), offset, lines, file, problems)
            # A scalar value reports its own line; a block value starts on the next line, so the
            # key's line is the better place to point at.
            if not isinstance(value_node, yaml.ScalarNode):
                lines[(*location, key)] = key_line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*location, index), offset, lines, file, problems)


def parse_yaml_text(
    text: str, file: Path, problems: list[ContentProblem], line_offset: int = 0
) -> YamlDocument | None:
    """Parse YAML text; on a syntax error append a problem with its line and return None."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark is not None else None
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{exc.context}, {what}"
        problems.append(ContentProblem(file, line, f"invalid YAML: {what}"))
        return None
    except yaml.YAMLError as exc:
        problems.append(ContentProblem(file, None, f"invalid YAML: {exc}"))
        return None
    document = YamlDocument(file=file, data=data)
    if node is not None:
        _walk(node, (), line_offset, document.lines, file, problems)
    return document


def read_yaml_file(file: Path, problems: list[ContentProblem]) -> YamlDocument | None:
    """Read and parse a YAML file, appending any problem (unreadable, not UTF-8, bad YAML)."""
    text = _read_text(file, problems)
    if text is None:
        return None
    return parse_yaml_text(text, file, problems)


def read_front_matter_file(file: Path, problems: list[ContentProblem]) -> YamlDocument | None:
    """Read a Markdown file that starts with YAML front matter between two `---` lines."""
    text = _read_text(file, problems)
    if text is None:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        problems.append(
            ContentProblem(
                file, 1, "a topic file must start with a '---' line opening its YAML front matter"
            )
        )
        return None
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if closing is None:
        problems.append(
            ContentProblem(
                file, 1, "the YAML front matter is never closed: add a '---' line after it"
            )
        )
        return None
    document = parse_yaml_text("".join(lines[1:closing]), file, problems, line_offset=1)
    if document is None:
        return None
    document.body = "".join(lines[closing + 1 :]).strip("\n")
    document.body_line = closing + 2
    return document


def _read_text(file: Path, problems: list[ContentProblem]) -> str | None:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(ContentProblem(file, None, f"not valid UTF-8 text ({exc.reason})"))
    except OSError as exc:
        problems.append(ContentProblem(file, None, f"cannot read the file: {exc.strerror}"))
    return None
