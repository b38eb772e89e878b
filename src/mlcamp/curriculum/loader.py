"""Read every content file into validated file models, collecting every problem on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mlcamp.curriculum.located import Located, default_content_root, validate_model
from mlcamp.curriculum.models import (
    MIN_SUMMARY_WORDS,
    ActionStage,
    CommunityGroup,
    Domain,
    Milestone,
    PartFile,
    PathFile,
    Pathway,
    Resource,
    RoleOverview,
    Tool,
    TopicFile,
)
from mlcamp.curriculum.problems import ContentProblem
from mlcamp.curriculum.yaml_source import (
    YamlDocument,
    read_front_matter_file,
    read_yaml_file,
)

__all__ = ["LoadedContent", "Located", "default_content_root", "load_content", "validate_model"]

# Overview files that hold a list of items, and the model of each item.
OVERVIEW_LISTS: dict[str, type[BaseModel]] = {
    "pathways": Pathway,
    "tools": Tool,
    "domains": Domain,
    "communities": CommunityGroup,
    "milestones": Milestone,
    "action-plan": ActionStage,
}


@dataclass
class LoadedPart:
    """A part file with its folder and the topics found in its `topics/` folder."""

    folder: Path
    part: Located[PartFile]
    topics: list[Located[TopicFile]] = field(default_factory=list)
    # Topic files that exist but did not validate (already reported): their ids still count as
    # known, so references to them are not reported a second time as unknown.
    invalid_topic_ids: set[str] = field(default_factory=set)


@dataclass
class LoadedContent:
    """Everything read from a content folder, before cross-references are checked."""

    root: Path
    path: Located[PathFile] | None = None
    parts: list[LoadedPart] = field(default_factory=list)
    resources: list[Located[Resource]] = field(default_factory=list)
    role: Located[RoleOverview] | None = None
    overview: dict[str, list[Located[Any]]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    aliases_document: YamlDocument | None = None
    lab_ids: set[str] = field(default_factory=set)


def load_content(root: Path | None = None) -> tuple[LoadedContent, list[ContentProblem]]:
    """Read every content file under `root`; return what validated and every problem found."""
    root = (root or default_content_root()).resolve()
    problems: list[ContentProblem] = []
    content = LoadedContent(root=root)
    if not root.is_dir():
        problems.append(ContentProblem(root, None, "the content folder does not exist"))
        return content, problems

    path_document = _require_yaml(root / "path.yaml", problems)
    if path_document is not None:
        content.path = validate_model(PathFile, path_document.data, path_document, problems)
    if content.path is not None:
        for index, folder_name in enumerate(content.path.model.parts):
            loaded = _load_part(root / "parts" / folder_name, problems, content.path, index)
            if loaded is not None:
                content.parts.append(loaded)
        _report_unlisted_part_folders(root, content.path, problems)

    _load_resources(root / "resources", content, problems)
    _load_overview(root / "overview", content, problems)
    _load_aliases(root / "aliases.yaml", content, problems)
    content.lab_ids = _lab_ids(root / "labs")
    return content, problems


def _require_yaml(file: Path, problems: list[ContentProblem]) -> YamlDocument | None:
    if not file.is_file():
        problems.append(ContentProblem(file, None, "required file is missing"))
        return None
    return read_yaml_file(file, problems)


def _load_part(
    folder: Path, problems: list[ContentProblem], path: Located[PathFile], index: int
) -> LoadedPart | None:
    if not folder.is_dir():
        problems.append(
            ContentProblem(
                path.file,
                path.line("parts", index),
                f"part folder 'parts/{folder.name}' does not exist",
            )
        )
        return None
    document = _require_yaml(folder / "part.yaml", problems)
    if document is None:
        return None
    part = validate_model(PartFile, document.data, document, problems)
    if part is None:
        return None
    loaded = LoadedPart(folder=folder, part=part)
    topics_folder = folder / "topics"
    for topic_file in sorted(topics_folder.glob("*")) if topics_folder.is_dir() else []:
        if topic_file.suffix != ".md":
            problems.append(
                ContentProblem(topic_file, None, "topic files must end in .md; rename or remove it")
            )
            continue
        topic_document = read_front_matter_file(topic_file, problems)
        if topic_document is None:
            loaded.invalid_topic_ids.add(topic_file.stem)
            continue
        _check_summary_length(topic_document, problems)
        topic = validate_model(TopicFile, topic_document.data, topic_document, problems)
        if topic is None:
            loaded.invalid_topic_ids.add(topic_file.stem)
        else:
            loaded.topics.append(topic)
    return loaded


def _check_summary_length(document: YamlDocument, problems: list[ContentProblem]) -> None:
    words = len((document.body or "").split())
    if words < MIN_SUMMARY_WORDS:
        problems.append(
            ContentProblem(
                document.file,
                document.body_line,
                f"summary too short: {words} words, at least {MIN_SUMMARY_WORDS} needed "
                "(the Markdown after the front matter)",
            )
        )


def _report_unlisted_part_folders(
    root: Path, path: Located[PathFile], problems: list[ContentProblem]
) -> None:
    parts_folder = root / "parts"
    listed = set(path.model.parts)
    for folder in sorted(parts_folder.iterdir()) if parts_folder.is_dir() else []:
        if folder.is_dir() and folder.name not in listed:
            problems.append(
                ContentProblem(
                    folder / "part.yaml",
                    None,
                    f"part folder '{folder.name}' is not listed under 'parts' in path.yaml",
                )
            )


def _load_resources(folder: Path, content: LoadedContent, problems: list[ContentProblem]) -> None:
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        problems.append(ContentProblem(folder, None, "no resource files (resources/*.yaml)"))
    for file in files:
        document = read_yaml_file(file, problems)
        if document is None:
            continue
        if not isinstance(document.data, list):
            problems.append(
                ContentProblem(file, 1, "a resource file holds a YAML list of resources")
            )
            continue
        for index, item in enumerate(document.data):
            resource = validate_model(
                Resource, item, document, problems, (index,), what=_item_name(item, "resource")
            )
            if resource is not None:
                content.resources.append(resource)


def _load_overview(folder: Path, content: LoadedContent, problems: list[ContentProblem]) -> None:
    role_document = _require_yaml(folder / "role.yaml", problems)
    if role_document is not None:
        content.role = validate_model(RoleOverview, role_document.data, role_document, problems)
    for name, model in OVERVIEW_LISTS.items():
        document = _require_yaml(folder / f"{name}.yaml", problems)
        items: list[Located[Any]] = []
        content.overview[name] = items
        if document is None:
            continue
        if not isinstance(document.data, list):
            problems.append(ContentProblem(document.file, 1, f"{name}.yaml holds a YAML list"))
            continue
        for index, item in enumerate(document.data):
            located = validate_model(
                model, item, document, problems, (index,), what=_item_name(item, name)
            )
            if located is not None:
                items.append(located)


def _load_aliases(file: Path, content: LoadedContent, problems: list[ContentProblem]) -> None:
    if not file.exists():
        return
    document = read_yaml_file(file, problems)
    if document is None:
        return
    content.aliases_document = document
    data = document.data if document.data is not None else {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        problems.append(
            ContentProblem(file, 1, "aliases.yaml maps old topic ids to new ones (old-id: new-id)")
        )
        return
    content.aliases = dict(data)


def _lab_ids(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {child.name for child in folder.iterdir() if (child / "lab.yaml").is_file()}


def _item_name(item: Any, kind: str) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"{kind.rstrip('s')} '{item['id']}'"
    return kind.rstrip("s")
