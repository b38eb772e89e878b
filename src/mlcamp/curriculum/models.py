"""The curriculum as typed data: the path, its parts, sections, topics, resources and overview.

Two families of models live here. The *file* models mirror one content file each and are what the
loader validates. The *resolved* models (`Curriculum` and what it holds) are the validated path with
references joined up; they are what the rest of mlcamp uses and what `mlcamp path --json` prints.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1

Background = Literal["beginner", "math-stats", "software-engineer"]
BACKGROUNDS: tuple[Background, ...] = ("beginner", "math-stats", "software-engineer")
ResourceKind = Literal[
    "book", "course", "paper", "docs", "video", "article", "repo", "tool", "community"
]

KEBAB_CASE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MIN_TOPIC_HOURS = 0.5
MAX_TOPIC_HOURS = 60.0
MIN_SUMMARY_WORDS = 120
MIN_OBJECTIVES = 3

# Verbs that make an objective checkable: a learner, a quiz or a lab can tell whether it was met.
OBJECTIVE_VERBS = frozenset(
    [
        "analyse",
        "analyze",
        "apply",
        "build",
        "calculate",
        "choose",
        "compare",
        "compute",
        "construct",
        "convert",
        "critique",
        "debug",
        "decide",
        "derive",
        "describe",
        "design",
        "detect",
        "diagnose",
        "distinguish",
        "estimate",
        "evaluate",
        "explain",
        "fit",
        "formulate",
        "identify",
        "implement",
        "interpret",
        "justify",
        "load",
        "measure",
        "monitor",
        "optimise",
        "optimize",
        "plan",
        "profile",
        "prove",
        "read",
        "recognise",
        "recognize",
        "reproduce",
        "run",
        "select",
        "set",
        "sketch",
        "solve",
        "state",
        "summarise",
        "summarize",
        "test",
        "train",
        "transform",
        "tune",
        "use",
        "validate",
        "vectorise",
        "vectorize",
        "visualise",
        "visualize",
        "write",
    ]
)

Id = Annotated[str, Field(min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1)]


def check_kebab_case(value: str) -> str:
    """Raise ValueError unless `value` is a kebab-case id."""
    if not KEBAB_CASE.match(value):
        raise ValueError(
            f"'{value}' is not a kebab-case id: use lowercase letters, digits and single hyphens"
        )
    return value


class Strict(BaseModel):
    """Base for content models: unknown fields are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


class Range(Strict):
    """An inclusive range of whole weeks or months."""

    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.max < self.min:
            raise ValueError(f"max ({self.max}) is smaller than min ({self.min})")
        return self


class HourEstimates(Strict):
    """Estimated study hours for a topic, one number per learner background."""

    beginner: float
    math_stats: float = Field(alias="math-stats")
    software_engineer: float = Field(alias="software-engineer")

    @field_validator("beginner", "math_stats", "software_engineer")
    @classmethod
    def _in_range(cls, value: float) -> float:
        if not MIN_TOPIC_HOURS <= value <= MAX_TOPIC_HOURS:
            raise ValueError(
                f"hours out of range: {value:g}; a topic takes between {MIN_TOPIC_HOURS:g} and "
                f"{MAX_TOPIC_HOURS:g} hours (split a larger topic in two)"
            )
        return value

    def for_background(self, background: Background) -> float:
        """Return the estimate for one background."""
        return {
            "beginner": self.beginner,
            "math-stats": self.math_stats,
            "software-engineer": self.software_engineer,
        }[background]


class Resource(Strict):
    """A link a learner can open: a book, a course, a paper, documentation, a tool..."""

    id: Id
    title: Text
    url: Text
    kind: ResourceKind
    free: bool
    note: Text

    _kebab = field_validator("id")(check_kebab_case)

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value):
            raise ValueError(f"'{value}' is not an absolute http(s) URL")
        return value


class TopicFile(Strict):
    """The front matter of a topic file (`parts/NN-part/topics/<id>.md`)."""

    id: Id
    title: Text
    hours: HourEstimates
    prerequisites: list[Id] = Field(default_factory=list)
    objectives: list[Text] = Field(min_length=MIN_OBJECTIVES)
    resources: list[Id] = Field(min_length=1)
    labs: list[Id] = Field(default_factory=list)
    tags: list[Id] = Field(default_factory=list)
    optional: bool = False

    _kebab = field_validator("id")(check_kebab_case)

    @field_validator("objectives")
    @classmethod
    def _checkable(cls, objectives: list[str]) -> list[str]:
        for objective in objectives:
            first = objective.split(maxsplit=1)[0].strip(",.:;").lower() if objective else ""
            if first not in OBJECTIVE_VERBS:
                raise ValueError(
                    f"objective '{objective}' does not start with a checkable verb "
                    "(derive, implement, explain, compute, compare, ...; see docs/content.md)"
                )
        return objectives


class Topic(TopicFile):
    """A topic with its summary and its place in the path."""

    summary: Text
    part: Id
    section: Id


class SectionFile(Strict):
    """A section of a part file: a title and its topic ids in study order."""

    id: Id
    title: Text
    topics: list[Id]

    _kebab = field_validator("id")(check_kebab_case)


class PartFile(Strict):
    """A part file (`parts/NN-part/part.yaml`): the prerequisites or one of the five modules."""

    id: Id
    number: int = Field(ge=0, le=99)
    title: Text
    focus: Text
    weeks: Range | None
    summary: Text
    sections: list[SectionFile]

    _kebab = field_validator("id")(check_kebab_case)


class Section(Strict):
    """A section with its topics resolved."""

    id: Id
    title: str
    topics: list[Topic]


class Part(Strict):
    """The prerequisites part or a module, with its sections and topics resolved."""

    id: Id
    number: int
    title: str
    focus: str
    weeks: Range | None
    summary: str
    sections: list[Section]

    @property
    def display_title(self) -> str:
        """The title as the source document shows it ("Module 1: ML Fundamentals")."""
        return self.title if self.number == 0 else f"Module {self.number}: {self.title}"

    def topics(self) -> list[Topic]:
        """All topics of the part in study order."""
        return [topic for section in self.sections for topic in section.topics]


class PathFile(Strict):
    """The root file `path.yaml`."""

    id: Id
    title: Text
    summary: Text
    default_hours_per_week: float = Field(gt=0, le=80)
    weeks_per_month: float = Field(gt=4, lt=5)
    parts: list[Id] = Field(min_length=1)
    tags: dict[str, str]
    specializations: list[Id]


class RoleOverview(Strict):
    """What a machine-learning engineer does, where the career leads and what the market is like."""

    summary: Text
    responsibilities: list[Text] = Field(min_length=1)
    career_paths: list[Text] = Field(min_length=1)
    market: list[Text] = Field(min_length=1)
    resources: list[Id] = Field(min_length=1)


class Pathway(Strict):
    """A personal pathway through the path for one background, with the seed's duration."""

    id: Background
    title: Text
    months: Range
    emphasis: Text
    summary: Text
    focus_tags: list[Id] = Field(default_factory=list)
    resources: list[Id] = Field(default_factory=list)


class Tool(Strict):
    """A library or platform the path uses, and where it is learned."""

    id: Id
    name: Text
    category: Literal["core-library", "research", "experiment-tracking"]
    purpose: Text
    topics: list[Id] = Field(default_factory=list)
    resources: list[Id] = Field(min_length=1)


class Domain(Strict):
    """A specialization, an industry application or an emerging research area."""

    id: Id
    title: Text
    kind: Literal["specialization", "industry", "emerging-research"]
    summary: Text
    tag: Id | None = None
    topics: list[Id] = Field(default_factory=list)
    resources: list[Id] = Field(min_length=1)


class CommunityGroup(Strict):
    """A kind of community to take part in, with what to do there."""

    id: Id
    title: Text
    kind: Literal["research", "professional"]
    activities: list[Text] = Field(min_length=1)
    resources: list[Id] = Field(min_length=1)


class Evidence(Strict):
    """What shows that a milestone is reached, evaluated from the learner's recorded progress.

    - `labs-passed`: at least `min_count` passed labs, among those tagged `lab_tag` (or any lab);
    - `topics-done`: every topic in `topics`, or every topic of `part`, is done or placed out;
    - `quiz-passed`: the readiness quiz `quiz` was passed;
    - `self-reported`: the learner records it, with what `prompt` asks for (a link, a note).
    """

    kind: Literal["labs-passed", "topics-done", "quiz-passed", "self-reported"]
    description: Text
    min_count: int = Field(default=1, ge=1)
    lab_tag: Id | None = None
    topics: list[Id] = Field(default_factory=list)
    part: Id | None = None
    quiz: Id | None = None
    prompt: str | None = None

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> Evidence:
        if self.kind == "topics-done" and not (self.topics or self.part):
            raise ValueError("topics-done evidence needs 'topics' or 'part'")
        if self.kind == "quiz-passed" and not self.quiz:
            raise ValueError("quiz-passed evidence needs 'quiz'")
        if self.kind == "self-reported" and not self.prompt:
            raise ValueError("self-reported evidence needs a 'prompt' saying what to record")
        return self


class Milestone(Strict):
    """A competency milestone or research goal from the source document, with its evidence."""

    id: Id
    title: Text
    kind: Literal["competency", "research-goal"]
    description: Text
    evidence: Evidence
    resources: list[Id] = Field(default_factory=list)


class ActionStep(Strict):
    """One step of the getting-started plan, linked to what fulfils it."""

    id: Id
    title: Text
    topics: list[Id] = Field(default_factory=list)
    labs: list[Id] = Field(default_factory=list)
    commands: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _linked(self) -> ActionStep:
        if not (self.topics or self.labs or self.commands):
            raise ValueError(f"step '{self.id}' links to nothing: add topics, labs or commands")
        return self


class ActionStage(Strict):
    """A stage of the getting-started plan: week 1, weeks 2-4, months 2-3."""

    id: Id
    title: Text
    weeks: Range
    steps: list[ActionStep] = Field(min_length=1)
    resources: list[Id] = Field(default_factory=list)


class Overview(Strict):
    """Everything the source document says around the modules."""

    role: RoleOverview
    pathways: list[Pathway]
    tools: list[Tool]
    domains: list[Domain]
    communities: list[CommunityGroup]
    milestones: list[Milestone]
    action_plan: list[ActionStage]


class Curriculum(Strict):
    """The validated learning path: what `mlcamp path --json` prints (schema in docs/)."""

    schema_version: int = SCHEMA_VERSION
    id: Id
    title: str
    summary: str
    default_hours_per_week: float
    weeks_per_month: float
    tags: dict[str, str]
    specializations: list[Id]
    parts: list[Part]
    resources: list[Resource]
    overview: Overview
    aliases: dict[str, str]

    def topics(self) -> list[Topic]:
        """Every topic of the path in study order."""
        return [topic for part in self.parts for topic in part.topics()]

    def topic(self, topic_id: str) -> Topic:
        """Return the topic with this id (an old id from the alias list is followed)."""
        wanted = self.aliases.get(topic_id, topic_id)
        for topic in self.topics():
            if topic.id == wanted:
                return topic
        raise KeyError(topic_id)

    def resource(self, resource_id: str) -> Resource:
        """Return the resource with this id."""
        for resource in self.resources:
            if resource.id == resource_id:
                return resource
        raise KeyError(resource_id)

    def total_hours(self, background: Background) -> float:
        """Hours of the whole path for one background."""
        return sum(topic.hours.for_background(background) for topic in self.topics())
