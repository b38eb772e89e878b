"""Reading YAML with the line of every value, so problems can name their line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from mlcamp.curriculum.problems import ContentProblem
from mlcamp.curriculum.yaml_source import parse_yaml_text, read_front_matter_file

TEXT = """\
id: x
hours:
  beginner: 3
list:
  - a
  - b
flow: [c, d]
"""


def test_lines_of_values() -> None:
    problems: list[ContentProblem] = []
    document = parse_yaml_text(TEXT, Path("f.yaml"), problems)
    assert document is not None and problems == []
    assert document.line_of(("id",)) == 1
    assert document.line_of(("hours",)) == 2
    assert document.line_of(("hours", "beginner")) == 3
    assert document.line_of(("list", 1)) == 6
    assert document.line_of(("flow", 1)) == 7
    # a missing key points at its nearest parent
    assert document.line_of(("hours", "math-stats")) == 2


def test_duplicate_key_is_a_problem() -> None:
    problems: list[ContentProblem] = []
    parse_yaml_text("a: 1\nb: 2\na: 3\n", Path("f.yaml"), problems)
    assert [(p.line, "appears twice" in p.message) for p in problems] == [(3, True)]


def test_syntax_error_has_line() -> None:
    problems: list[ContentProblem] = []
    assert parse_yaml_text("a: 1\nb: [1, 2\nc: 3\n", Path("f.yaml"), problems) is None
    assert problems and problems[0].message.startswith("invalid YAML")
    assert problems[0].line is not None and problems[0].line >= 2


def test_front_matter_lines_are_file_lines(tmp_path: Path) -> None:
    file = tmp_path / "t.md"
    file.write_text("---\nid: t\ntitle: T\n---\nBody text here.\n")
    problems: list[ContentProblem] = []
    document = read_front_matter_file(file, problems)
    assert document is not None and problems == []
    assert document.line_of(("title",)) == 3
    assert document.body == "Body text here."
    assert document.body_line == 5


def test_front_matter_must_open_and_close(tmp_path: Path) -> None:
    unopened = tmp_path / "a.md"
    unopened.write_text("id: t\n")
    unclosed = tmp_path / "b.md"
    unclosed.write_text("---\nid: t\n")
    problems: list[ContentProblem] = []
    assert read_front_matter_file(unopened, problems) is None
    assert read_front_matter_file(unclosed, problems) is None
    assert ["start with a '---'" in problems[0].message, "never closed" in problems[1].message] == [
        True,
        True,
    ]


def test_not_utf8(tmp_path: Path) -> None:
    file = tmp_path / "c.md"
    file.write_bytes(b"---\nid: \xff\n---\n")
    problems: list[ContentProblem] = []
    assert read_front_matter_file(file, problems) is None
    assert "not valid UTF-8" in problems[0].message


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=12))
def test_sequence_item_lines(blank_runs: list[int]) -> None:
    """Items separated by blank lines report the line they are written on."""
    lines = ["items:"]
    expected = []
    for index, blanks in enumerate(blank_runs):
        lines.extend([""] * blanks)
        lines.append(f"  - item{index}")
        expected.append(len(lines))
    problems: list[ContentProblem] = []
    document = parse_yaml_text("\n".join(lines) + "\n", Path("f.yaml"), problems)
    assert document is not None
    assert [document.line_of(("items", i)) for i in range(len(blank_runs))] == expected
