"""Cross-file checks: ids, references, cycles, duplicates and the calibration of hours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mlcamp.curriculum.graph import find_cycles
from mlcamp.curriculum.loader import LoadedContent, Located
from mlcamp.curriculum.models import BACKGROUNDS, Background, TopicFile
from mlcamp.curriculum.problems import ContentProblem

# The CLI contract of DESIGN.md §3: what an action-plan step may send the learner to run.
KNOWN_COMMANDS = frozenset(
    [
        "start",
        "path",
        "content",
        "labs",
        "get",
        "check",
        "hint",
        "solution",
        "plan",
        "today",
        "progress",
        "assess",
        "doctor",
        "review",
        "done",
        "learning",
        "skip",
    ]
)


def check_cross_references(content: LoadedContent) -> list[ContentProblem]:
    """Return every problem that involves more than one value or file."""
    problems: list[ContentProblem] = []
    topics = _check_parts_and_topics(content, problems)
    _check_prerequisites(content, topics, problems)
    _check_resources(content, topics, problems)
    _check_topic_links(content, topics, problems)
    _check_overview(content, topics, problems)
    _check_aliases(content, topics, problems)
    _check_durations(content, topics, problems)
    return problems


TopicIndex = dict[str, tuple[int, Located[TopicFile]]]  # topic id -> (part index, topic)


def _check_parts_and_topics(content: LoadedContent, problems: list[ContentProblem]) -> TopicIndex:
    index: TopicIndex = {}
    seen_part_ids: dict[str, Path] = {}
    listed_in: dict[str, tuple[Path, int | None]] = {}
    for part_index, loaded in enumerate(content.parts):
        part = loaded.part
        if part.model.id in seen_part_ids:
            problems.append(
                ContentProblem(
                    part.file,
                    part.line("id"),
                    f"duplicate part id '{part.model.id}' (also in {seen_part_ids[part.model.id]})",
                )
            )
        seen_part_ids[part.model.id] = part.file
        if part.model.number != part_index:
            problems.append(
                ContentProblem(
                    part.file,
                    part.line("number"),
                    f"part number {part.model.number} does not match its position {part_index} "
                    "in path.yaml (prerequisites are 0, then modules 1, 2, ...)",
                )
            )
        if not part.model.sections:
            problems.append(
                ContentProblem(part.file, part.line("sections"), "empty part: it has no sections")
            )
        section_ids: set[str] = set()
        for s_index, section in enumerate(part.model.sections):
            if section.id in section_ids:
                problems.append(
                    ContentProblem(
                        part.file,
                        part.line("sections", s_index, "id"),
                        f"duplicate section id '{section.id}'",
                    )
                )
            section_ids.add(section.id)
            if not section.topics:
                problems.append(
                    ContentProblem(
                        part.file,
                        part.line("sections", s_index),
                        f"empty section '{section.id}': list at least one topic or remove it",
                    )
                )
            for t_index, topic_id in enumerate(section.topics):
                line = part.line("sections", s_index, "topics", t_index)
                if topic_id in listed_in:
                    first_file, first_line = listed_in[topic_id]
                    problems.append(
                        ContentProblem(
                            part.file,
                            line,
                            f"duplicate topic id '{topic_id}': already listed at "
                            f"{first_file.name}:{first_line}",
                        )
                    )
                listed_in.setdefault(topic_id, (part.file, line))
        files_by_id: dict[str, Located[TopicFile]] = {}
        for topic in loaded.topics:
            if topic.file.stem != topic.model.id:
                problems.append(
                    ContentProblem(
                        topic.file,
                        topic.line("id"),
                        f"topic id '{topic.model.id}' differs from its file name "
                        f"'{topic.file.name}': rename one so they match",
                    )
                )
            if topic.model.id in index or topic.model.id in files_by_id:
                other = (files_by_id.get(topic.model.id) or index[topic.model.id][1]).file
                problems.append(
                    ContentProblem(
                        topic.file,
                        topic.line("id"),
                        f"duplicate topic id '{topic.model.id}' (also in {other})",
                    )
                )
                continue
            files_by_id[topic.model.id] = topic
        listed_here = {tid for section in part.model.sections for tid in section.topics}
        for topic_id, topic in files_by_id.items():
            if topic_id not in listed_here:
                problems.append(
                    ContentProblem(
                        topic.file,
                        topic.line("id"),
                        f"topic '{topic_id}' is not listed in any section of "
                        f"{part.file.parent.name}/part.yaml: add it to a section",
                    )
                )
            index[topic_id] = (part_index, topic)
        for s_index, section in enumerate(part.model.sections):
            for t_index, topic_id in enumerate(section.topics):
                if topic_id not in files_by_id and topic_id not in loaded.invalid_topic_ids:
                    problems.append(
                        ContentProblem(
                            part.file,
                            part.line("sections", s_index, "topics", t_index),
                            f"unknown topic id '{topic_id}': there is no "
                            f"topics/{topic_id}.md in this part",
                        )
                    )
    return index


def _check_prerequisites(
    content: LoadedContent, topics: TopicIndex, problems: list[ContentProblem]
) -> None:
    edges: dict[str, list[str]] = {}
    for topic_id, (part_index, topic) in topics.items():
        edges[topic_id] = []
        seen: set[str] = set()
        for index, prerequisite in enumerate(topic.model.prerequisites):
            line = topic.line("prerequisites", index)
            if prerequisite in seen:
                problems.append(
                    ContentProblem(topic.file, line, f"prerequisite '{prerequisite}' listed twice")
                )
                continue
            seen.add(prerequisite)
            if prerequisite not in topics:
                if any(prerequisite in p.invalid_topic_ids for p in content.parts):
                    continue  # the file exists but is invalid, which is reported already
                hint = (
                    f"; it was renamed to '{content.aliases[prerequisite]}'"
                    if prerequisite in content.aliases
                    else ""
                )
                problems.append(
                    ContentProblem(
                        topic.file, line, f"unknown prerequisite topic id '{prerequisite}'{hint}"
                    )
                )
                continue
            edges[topic_id].append(prerequisite)
            required_part = topics[prerequisite][0]
            if required_part > part_index:
                problems.append(
                    ContentProblem(
                        topic.file,
                        line,
                        f"prerequisite '{prerequisite}' belongs to a later part "
                        f"({content.parts[required_part].part.model.id}); a topic may only "
                        "require topics of its own or an earlier part",
                    )
                )
    for cycle in find_cycles(edges):
        first = topics[cycle[0]][1]
        problems.append(
            ContentProblem(
                first.file,
                first.line("prerequisites"),
                "prerequisite cycle: "
                + " -> ".join(cycle)
                + " (remove one of these prerequisites)",
            )
        )


def _normalised_url(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def _check_resources(
    content: LoadedContent, topics: TopicIndex, problems: list[ContentProblem]
) -> None:
    by_id: dict[str, Located[Any]] = {}
    by_url: dict[str, Located[Any]] = {}
    for resource in content.resources:
        model = resource.model
        if model.id in by_id:
            other = by_id[model.id]
            problems.append(
                ContentProblem(
                    resource.file,
                    resource.line("id"),
                    f"duplicate resource id '{model.id}' (also at "
                    f"{other.file.name}:{other.line('id')})",
                )
            )
        by_id.setdefault(model.id, resource)
        key = _normalised_url(model.url)
        if key in by_url:
            other = by_url[key]
            problems.append(
                ContentProblem(
                    resource.file,
                    resource.line("url"),
                    f"duplicate URL {model.url}: resource '{model.id}' repeats "
                    f"'{other.model.id}' ({other.file.name}:{other.line('url')}); "
                    "refer to the existing id instead",
                )
            )
        by_url.setdefault(key, resource)

    used: set[str] = set()
    for _, topic in topics.values():
        used.update(
            _unknown_refs(topic, "resources", topic.model.resources, by_id, "resource", problems)
        )
    if content.role is not None:
        role = content.role
        used.update(
            _unknown_refs(role, "resources", role.model.resources, by_id, "resource", problems)
        )
    for items in content.overview.values():
        for item in items:
            used.update(
                _unknown_refs(item, "resources", item.model.resources, by_id, "resource", problems)
            )
    for resource_id, resource in by_id.items():
        if resource_id not in used:
            problems.append(
                ContentProblem(
                    resource.file,
                    resource.line("id"),
                    f"resource '{resource_id}' is not used by any topic or overview file: "
                    "link it from one or remove it",
                )
            )


def _unknown_refs(
    owner: Located[Any],
    field: str,
    values: Iterable[str],
    known: Iterable[str] | dict[str, Any],
    what: str,
    problems: list[ContentProblem],
    location: tuple[str | int, ...] = (),
) -> set[str]:
    """Report each value not in `known`; return the values that are."""
    valid: set[str] = set()
    known_set = set(known)
    for index, value in enumerate(values):
        if value in known_set:
            valid.add(value)
        else:
            problems.append(
                ContentProblem(
                    owner.file,
                    owner.line(*location, field, index),
                    f"unknown {what} id '{value}' in {field}",
                )
            )
    return valid


def _check_topic_links(
    content: LoadedContent, topics: TopicIndex, problems: list[ContentProblem]
) -> None:
    vocabulary = set(content.path.model.tags) if content.path else set()
    for _, topic in topics.values():
        _unknown_refs(topic, "labs", topic.model.labs, content.lab_ids, "lab", problems)
        for index, tag in enumerate(topic.model.tags):
            if vocabulary and tag not in vocabulary:
                problems.append(
                    ContentProblem(
                        topic.file,
                        topic.line("tags", index),
                        f"unknown tag '{tag}': use one of path.yaml's tags "
                        f"({', '.join(sorted(vocabulary))}) or add it there",
                    )
                )
    if content.path is not None:
        path = content.path
        for index, specialization in enumerate(path.model.specializations):
            if specialization not in vocabulary:
                problems.append(
                    ContentProblem(
                        path.file,
                        path.line("specializations", index),
                        f"specialization '{specialization}' is not a tag in 'tags'",
                    )
                )


def _check_overview(
    content: LoadedContent, topics: TopicIndex, problems: list[ContentProblem]
) -> None:
    vocabulary = set(content.path.model.tags) if content.path else set()
    part_ids = {loaded.part.model.id for loaded in content.parts}
    for name, items in content.overview.items():
        seen: dict[str, Located[Any]] = {}
        for item in items:
            item_id = item.model.id
            if item_id in seen:
                problems.append(
                    ContentProblem(item.file, item.line("id"), f"duplicate {name} id '{item_id}'")
                )
            seen[item_id] = item
            if hasattr(item.model, "topics"):
                _unknown_refs(item, "topics", item.model.topics, topics, "topic", problems)
            for tag_field in ("tag", "focus_tags"):
                raw = getattr(item.model, tag_field, None)
                tags = [raw] if isinstance(raw, str) else list(raw or [])
                for tag in tags:
                    if tag not in vocabulary:
                        problems.append(
                            ContentProblem(item.file, item.line(tag_field), f"unknown tag '{tag}'")
                        )
        if name == "pathways":
            found = [item.model.id for item in items]
            for background in BACKGROUNDS:
                if found.count(background) != 1:
                    problems.append(
                        ContentProblem(
                            content.root / "overview" / "pathways.yaml",
                            None,
                            f"pathway '{background}' must be defined exactly once "
                            f"(found {found.count(background)})",
                        )
                    )
    for milestone in content.overview.get("milestones", []):
        evidence = milestone.model.evidence
        _unknown_refs(
            milestone, "topics", evidence.topics, topics, "topic", problems, ("evidence",)
        )
        if evidence.part is not None and evidence.part not in part_ids:
            problems.append(
                ContentProblem(
                    milestone.file,
                    milestone.line("evidence", "part"),
                    f"unknown part id '{evidence.part}' in evidence",
                )
            )
        if evidence.lab_tag is not None and evidence.lab_tag not in vocabulary:
            problems.append(
                ContentProblem(
                    milestone.file,
                    milestone.line("evidence", "lab_tag"),
                    f"unknown tag '{evidence.lab_tag}' in evidence",
                )
            )
    for stage in content.overview.get("action-plan", []):
        for s_index, step in enumerate(stage.model.steps):
            location = ("steps", s_index)
            _unknown_refs(stage, "topics", step.topics, topics, "topic", problems, location)
            _unknown_refs(stage, "labs", step.labs, content.lab_ids, "lab", problems, location)
            for c_index, command in enumerate(step.commands):
                words = command.split()
                if len(words) < 2 or words[0] != "mlcamp" or words[1] not in KNOWN_COMMANDS:
                    problems.append(
                        ContentProblem(
                            stage.file,
                            stage.line(*location, "commands", c_index),
                            f"'{command}' is not an mlcamp command "
                            f"(known: {', '.join(sorted(KNOWN_COMMANDS))})",
                        )
                    )


def _check_aliases(
    content: LoadedContent, topics: TopicIndex, problems: list[ContentProblem]
) -> None:
    document = content.aliases_document
    if document is None:
        return
    for old, new in content.aliases.items():
        line = document.line_of((old,))
        if old in topics:
            problems.append(
                ContentProblem(
                    document.file,
                    line,
                    f"alias '{old}' is the id of a current topic: an id is never reused",
                )
            )
        if new not in topics:
            problems.append(
                ContentProblem(
                    document.file, line, f"alias '{old}' points to unknown topic id '{new}'"
                )
            )


def _check_durations(
    content: LoadedContent, topics: TopicIndex, problems: list[ContentProblem]
) -> None:
    if content.path is None:
        return
    per_week = content.path.model.default_hours_per_week
    weeks_per_month = content.path.model.weeks_per_month
    totals: dict[Background, float] = defaultdict(float)
    for part_index, loaded in enumerate(content.parts):
        weeks = loaded.part.model.weeks
        part_hours: dict[Background, float] = defaultdict(float)
        for topic_part, topic in topics.values():
            if topic_part != part_index:
                continue
            for background in BACKGROUNDS:
                part_hours[background] += topic.model.hours.for_background(background)
        for background in BACKGROUNDS:
            totals[background] += part_hours[background]
            if weeks is None:
                continue
            taken = part_hours[background] / per_week
            if not weeks.min <= taken <= weeks.max:
                problems.append(
                    ContentProblem(
                        loaded.part.file,
                        loaded.part.line("weeks"),
                        f"hours out of range: for a {background} learner the topics of "
                        f"'{loaded.part.model.id}' add up to {part_hours[background]:g} h, "
                        f"{taken:.1f} weeks at {per_week:g} h/week, outside its "
                        f"{weeks.min}-{weeks.max} weeks: adjust the topics' hours",
                    )
                )
    for pathway in content.overview.get("pathways", []):
        background = pathway.model.id
        months = totals[background] / per_week / weeks_per_month
        if not pathway.model.months.min <= months <= pathway.model.months.max:
            problems.append(
                ContentProblem(
                    pathway.file,
                    pathway.line("months"),
                    f"hours out of range: the path takes a {background} learner "
                    f"{totals[background]:g} h, {months:.1f} months at {per_week:g} h/week, "
                    f"outside the pathway's {pathway.model.months.min}-"
                    f"{pathway.model.months.max} months: adjust the topics' hours",
                )
            )
