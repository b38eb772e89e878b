"""Where each topic of the path goes in the /path graph: a deterministic layered layout.

The path is drawn left to right. Each part (the prerequisites, then modules 1-5) is a column band;
inside a band, a topic sits in the layer of its *depth*: 0 when none of its prerequisites is in the
same part, otherwise one more than the deepest of those. So every prerequisite arrow points
rightwards: to a deeper layer of the same part, or into a later part. A layer of more than
:data:`MAX_ROWS` topics is dealt into side-by-side columns (topics of one layer never require each
other, so the arrows still point rightwards), which keeps the picture wide rather than tall.

Inside a column, topics are ordered by the mean height of their prerequisites (the barycentre
heuristic, which keeps arrows short and reduces crossings; ties keep study order), then stacked
top to bottom at least one gap apart, each as close as it can get to that mean height. Nothing here
depends on the order of sets, so the same curriculum always gives the same picture; and because a
column's boxes are stacked with gaps and columns do not overlap, no two boxes overlap.

The result is plain geometry (boxes, wrapped title lines, bands and Bézier curves as SVG path
data); the template only draws it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlcamp.curriculum.models import Curriculum, Part, Topic

__all__ = [
    "STATUS_LABELS",
    "GraphBand",
    "GraphEdge",
    "GraphNode",
    "PathGraph",
    "layout_path",
    "wrap_title",
]

STATUS_LABELS: dict[str, str] = {
    "not-started": "Not started",
    "learning": "Learning",
    "done": "Done",
    "skipped": "Skipped",
    "placed-out": "Placed out",
}
"""Every topic state, in the order the legend shows them, with the words the pages use."""

FINISHED = frozenset({"done", "placed-out"})
"""States that count as a finished topic in a band's heading (as on the progress page)."""

NODE_WIDTH = 190
NODE_HEIGHT = 62
ROW_GAP = 16
COLUMN_GAP = 54
BAND_PADDING = 18
BAND_GAP = 24
HEADER_HEIGHT = 64
MARGIN = 12
CHARS_PER_LINE = 21
MAX_LINES = 3
MAX_ROWS = 7
HEADING_CHAR_WIDTH = 9.5
LINE_HEIGHT = 15
BASELINE = 11.5
"""From the top of a 15-unit text line to the baseline of 13-unit text (centres the letters)."""
MARK_SIZE = 16
TEXT_INSET = 34


@dataclass(frozen=True)
class GraphNode:
    """One topic's box: top-left corner, size, the title in lines, and the learner's state."""

    id: str
    title: str
    lines: tuple[str, ...]
    part: str
    state: str
    optional: bool
    x: float
    y: float
    width: float = NODE_WIDTH
    height: float = NODE_HEIGHT

    @property
    def state_label(self) -> str:
        """The state in words ("Not started")."""
        return STATUS_LABELS.get(self.state, self.state)

    @property
    def center_y(self) -> float:
        """The vertical middle of the box (where arrows attach)."""
        return self.y + self.height / 2

    @property
    def mark_x(self) -> float:
        """Left of the status mark (a shape that shows the state without colour)."""
        return self.x + 10

    @property
    def mark_y(self) -> float:
        """Top of the status mark."""
        return self.center_y - MARK_SIZE / 2

    @property
    def text_x(self) -> float:
        """Left of the title lines (right of the status mark)."""
        return self.x + TEXT_INSET

    @property
    def text_rows(self) -> tuple[tuple[float, str], ...]:
        """Baseline and text of each title line, vertically centred in the box."""
        first = self.y + (self.height - LINE_HEIGHT * len(self.lines)) / 2 + BASELINE
        return tuple((first + LINE_HEIGHT * i, line) for i, line in enumerate(self.lines))

    def overlaps(self, other: GraphNode) -> bool:
        """Whether the two boxes share any area."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


@dataclass(frozen=True)
class GraphEdge:
    """A prerequisite arrow from ``source`` (needed first) to ``target``, as SVG path data."""

    source: str
    target: str
    path: str


@dataclass(frozen=True)
class GraphBand:
    """A part's column band with its heading lines and how many of its topics are finished."""

    id: str
    lines: tuple[str, ...]
    x: float
    width: float
    topics: int
    finished: int


@dataclass(frozen=True)
class PathGraph:
    """The laid-out path: overall size, bands, boxes (in reading order) and arrows."""

    width: float
    height: float
    bands: tuple[GraphBand, ...]
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]

    def node(self, topic_id: str) -> GraphNode:
        """The box of one topic."""
        for node in self.nodes:
            if node.id == topic_id:
                return node
        raise KeyError(topic_id)

    def counts(self) -> dict[str, int]:
        """How many topics are in each state (every state listed, zeros included)."""
        totals = dict.fromkeys(STATUS_LABELS, 0)
        for node in self.nodes:
            totals[node.state] = totals.get(node.state, 0) + 1
        return totals


def wrap_title(title: str, width: int = CHARS_PER_LINE, lines: int = MAX_LINES) -> tuple[str, ...]:
    """``title`` in at most ``lines`` lines of about ``width`` characters; an ellipsis ends a
    title that does not fit (the full title stays in the box's tooltip and accessible name)."""
    wrapped = textwrap.wrap(title, width=width, break_long_words=True) or [title]
    if len(wrapped) <= lines:
        return tuple(wrapped)
    kept = wrapped[:lines]
    last = kept[-1]
    if len(last) >= width:
        last = last[: width - 1].rstrip()
    kept[-1] = last + "…"
    return tuple(kept)


def _depths(part: Part) -> dict[str, int]:
    """Each topic's depth inside its part (longest chain of same-part prerequisites)."""
    topics = {topic.id: topic for topic in part.topics()}
    depth: dict[str, int] = {}

    def visit(topic_id: str, seen: tuple[str, ...]) -> int:
        if topic_id in depth:
            return depth[topic_id]
        inside = [p for p in topics[topic_id].prerequisites if p in topics and p not in seen]
        value = 1 + max(visit(p, (*seen, topic_id)) for p in inside) if inside else 0
        depth[topic_id] = value
        return value

    for topic_id in topics:
        visit(topic_id, ())
    return depth


def _band_lines(part: Part, width: float) -> tuple[str, ...]:
    """The heading of a band ("Module 1: ML Fundamentals"), wrapped to the band's width."""
    chars = max(CHARS_PER_LINE, int((width - 2 * BAND_PADDING) / HEADING_CHAR_WIDTH))
    return wrap_title(part.display_title, width=chars, lines=2)


def _column_count(topics: int) -> int:
    """How many side-by-side columns a layer of ``topics`` boxes takes (at most
    :data:`MAX_ROWS` boxes in a column)."""
    return max(1, -(-topics // MAX_ROWS))


def _stack(desired: list[float], top: float) -> list[float]:
    """Tops for boxes wanted at ``desired`` tops (in order), at least one gap apart, none above
    ``top``: pushed down where they would collide, then the block is moved back up by the mean
    push (as far as ``top`` allows) so that it sits around where it was wanted."""
    step = NODE_HEIGHT + ROW_GAP
    placed: list[float] = []
    for want in desired:
        lowest = placed[-1] + step if placed else top
        placed.append(max(want, lowest, top))
    if placed:
        push = sum(p - d for p, d in zip(placed, desired, strict=True)) / len(placed)
        lift = min(push, placed[0] - top)
        if lift > 0:
            placed = [p - lift for p in placed]
    return placed


def _edge_path(source: GraphNode, target: GraphNode) -> str:
    """A cubic Bézier from the right side of ``source`` to the left side of ``target``."""
    x1, y1 = source.x + source.width, source.center_y
    x2, y2 = target.x, target.center_y
    if x2 > x1:
        bend = max(24.0, (x2 - x1) / 2)
        return f"M{x1:g},{y1:g} C{x1 + bend:g},{y1:g} {x2 - bend:g},{y2:g} {x2:g},{y2:g}"
    # A prerequisite that is not to the left (content that breaks the part order): leave from
    # the left side, loop round and enter the target from its right side.
    x1, x2 = source.x, target.x + target.width
    return f"M{x1:g},{y1:g} C{x1 - 60:g},{y1:g} {x2 + 60:g},{y2:g} {x2:g},{y2:g}"


def layout_path(curriculum: Curriculum, states: Mapping[str, str]) -> PathGraph:
    """Lay out every topic of ``curriculum``, coloured by ``states`` (topic id -> state;
    missing ids are "not-started"), with one arrow per prerequisite."""
    study_index = {topic.id: index for index, topic in enumerate(curriculum.topics())}
    nodes: dict[str, GraphNode] = {}
    ordered: list[GraphNode] = []
    bands: list[GraphBand] = []
    top = MARGIN + HEADER_HEIGHT
    x = float(MARGIN)
    for part in curriculum.parts:
        depth = _depths(part)
        layers = [
            [t for t in part.topics() if depth[t.id] == level]
            for level in range(max(depth.values(), default=0) + 1)
        ]
        columns = sum(_column_count(len(layer)) for layer in layers)
        band_x = x
        band_width = 2.0 * BAND_PADDING + columns * NODE_WIDTH + (columns - 1) * COLUMN_GAP
        x += BAND_PADDING
        for layer in layers:
            wanted = {t.id: _wanted_top(t, nodes, top) for t in layer}
            layer.sort(key=lambda t: (wanted[t.id], study_index[t.id]))
            count = _column_count(len(layer))
            for first in range(count):
                # A tall layer is dealt round-robin into side-by-side columns, so that each
                # column still spans the heights its topics want.
                members = layer[first::count]
                tops = _stack([wanted[t.id] for t in members], top)
                for topic, y in zip(members, tops, strict=True):
                    node = GraphNode(
                        id=topic.id,
                        title=topic.title,
                        lines=wrap_title(topic.title),
                        part=part.id,
                        state=states.get(topic.id, "not-started"),
                        optional=topic.optional,
                        x=x,
                        y=y,
                    )
                    nodes[topic.id] = node
                    ordered.append(node)
                x += NODE_WIDTH + COLUMN_GAP
        x -= COLUMN_GAP
        x += BAND_PADDING
        bands.append(
            GraphBand(
                id=part.id,
                lines=_band_lines(part, band_width),
                x=band_x,
                width=band_width,
                topics=len(part.topics()),
                finished=sum(states.get(t.id) in FINISHED for t in part.topics()),
            )
        )
        x += BAND_GAP
    width = x - BAND_GAP + MARGIN
    height = max((n.y + n.height for n in ordered), default=top) + BAND_PADDING + MARGIN
    edges = tuple(
        GraphEdge(prerequisite, topic.id, _edge_path(nodes[prerequisite], nodes[topic.id]))
        for topic in curriculum.topics()
        for prerequisite in topic.prerequisites
        if prerequisite in nodes
    )
    return PathGraph(width, height, tuple(bands), tuple(ordered), edges)


def _wanted_top(topic: Topic, placed: Mapping[str, GraphNode], top: float) -> float:
    """The top at which a box would line up with its prerequisites already placed (their mean
    centre), or ``top`` when none is placed yet."""
    centres = [placed[p].center_y for p in topic.prerequisites if p in placed]
    if not centres:
        return top
    return max(top, sum(centres) / len(centres) - NODE_HEIGHT / 2)
