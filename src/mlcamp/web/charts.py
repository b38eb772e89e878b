"""Charts for the pages: matplotlib figures saved as SVG and inlined into the HTML.

Every chart is drawn with matplotlib's object API (no pyplot, so no global figure state) and saved
in SVG with text left as ``<text>``. The SVG is then adapted to the page:

- the XML prologue, DOCTYPE and metadata go (it is inlined in HTML, not a file);
- colours are drawn with placeholder values and replaced by the theme's CSS variables
  (``var(--fg)``, ``var(--accent)``...), so one chart reads well in the light and dark themes;
  the background stays transparent;
- every ``id`` gets a per-chart prefix, so several charts on a page never share an id;
- the root gets ``role="img"``, an ``aria-label``, a ``<title>`` and a ``<desc>``, and a
  ``viewBox`` without fixed size, so CSS can scale it to a phone's width.

The functions take the core's data (:mod:`mlcamp.planner.history`) and return markup ready
for a template; what the numbers are is decided in the core, not here.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from mlcamp.web.inline_svg import inline_svg

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mlcamp.planner.history import HoursHistory, PartLabs

__all__ = ["hours_chart", "labs_chart", "weekly_hours_chart"]

# Placeholder colours (never used on their own) and the CSS each one becomes in the page.
_FG, _MUTED, _GRID, _FIRST, _SECOND, _BUDGET = (
    "#010203",
    "#040506",
    "#070809",
    "#0a0b0c",
    "#0d0e0f",
    "#101112",
)
_THEME = {
    _FG: "var(--fg, currentColor)",
    _MUTED: "var(--muted, currentColor)",
    _GRID: "var(--border, currentColor)",
    _FIRST: "var(--accent, #0b5cad)",
    _SECOND: "var(--ok, #1a7f37)",
    _BUDGET: "var(--warn, #9a6700)",
}
_STYLE: Any = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 11,
    "text.color": _FG,
    "axes.labelcolor": _FG,
    "axes.edgecolor": _MUTED,
    "axes.facecolor": "none",
    "figure.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.transparent": True,
    "xtick.color": _MUTED,
    "ytick.color": _MUTED,
    "xtick.labelcolor": _FG,
    "ytick.labelcolor": _FG,
    "grid.color": _GRID,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
}
_SIZE = (7.0, 3.2)
"""Inches; the SVG scales to its container, this only sets the proportions and text size."""

# matplotlib reads rcParams while drawing and saving, and they are global: one chart at a time.
_LOCK = threading.Lock()

_FONT_FAMILY = re.compile(r"font-family: [^;\"]*")


_CACHE_SIZE = 64
_cache: OrderedDict[str, Markup] = OrderedDict()
_cache_lock = threading.Lock()


def _memoized(draw: Callable[..., Markup]) -> Callable[..., Markup]:
    """Remember the SVG drawn for each input (charts are pure functions of their data, and
    drawing one with matplotlib costs tens of milliseconds while the page around it costs a few)."""

    @functools.wraps(draw)
    def cached(*args: Any) -> Markup:
        key = f"{draw.__name__}:{args!r}"
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        svg = draw(*args)
        with _cache_lock:
            _cache[key] = svg
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return svg

    return cached


@contextmanager
def _style(name: str) -> Iterator[None]:
    """Draw and save one chart (``name``: its id prefix) with the placeholder style."""
    import matplotlib

    with _LOCK, matplotlib.rc_context({**_STYLE, "svg.hashsalt": name}):
        yield


def _figure() -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=_SIZE, layout="constrained")
    return figure, figure.add_subplot()


def _render(figure: Figure, name: str, title: str, description: str) -> Markup:
    """Save ``figure`` as SVG and adapt it for inlining (see :mod:`mlcamp.web.inline_svg`);
    call it inside ``_style(name)``."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _FONT_FAMILY.sub("font-family: inherit", buffer.getvalue())
    adapted = inline_svg(
        svg,
        css_class="chart-svg",
        id_prefix=f"{name}-",
        theme=_THEME,
        title=title,
        description=description,
    )
    return Markup(adapted)  # matplotlib's own output, with our text escaped


def _hours(value: float) -> str:
    return f"{value:,.0f} h" if value >= 10 else f"{value:g} h"


@_memoized
def hours_chart(history: HoursHistory) -> Markup:
    """Line chart: cumulative hours the first plan expected versus hours of work finished."""
    current = history.current
    if current is None:
        summary = "No week of the plan has started yet."
    else:
        summary = (
            f"By the end of the week of {current.start.isoformat()}, the first plan expected "
            f"{_hours(current.planned)} of work finished; {_hours(current.done or 0.0)} are "
            f"done. The first plan held {_hours(history.planned_total)} in all."
        )
    with _style("chart-hours"):
        figure, axes = _figure()
        axes.plot(
            _x([week.end for week in history.weeks]),
            [week.planned for week in history.weeks],
            color=_FIRST,
            linestyle="--",
            linewidth=2,
            label="Planned (first plan)",
        )
        known = [(week.end, week.done) for week in history.weeks if week.done is not None]
        axes.plot(
            _x([end for end, _ in known]),
            [done for _, done in known],
            color=_SECOND,
            linewidth=2.5,
            label="Done",
        )
        if known:
            today = _x([history.today])[0]
            axes.axvline(today, color=_MUTED, linestyle=":", linewidth=1)
            axes.annotate(
                "today",
                (today, 0),
                xytext=(3, 3),
                textcoords="offset points",
                color=_MUTED,
                fontsize=9,
            )
        _date_axis(axes)
        axes.set_ylabel("hours, cumulative")
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", linewidth=0.6)
        _legend(axes)
        return _render(figure, "chart-hours", "Planned versus done hours over time", summary)


@_memoized
def labs_chart(rows: Sequence[PartLabs]) -> Markup:
    """Horizontal bars: labs passed out of the labs of each part of the path."""
    from matplotlib.ticker import MaxNLocator

    passed = sum(row.passed for row in rows)
    total = sum(row.total for row in rows)
    summary = f"{passed} of {total} labs passed. " + "; ".join(
        f"{row.title}: {row.passed} of {row.total}" for row in rows
    )
    with _style("chart-labs"):
        figure, axes = _figure()
        positions = list(range(len(rows)))
        axes.barh(
            positions,
            [row.total for row in rows],
            color="none",
            edgecolor=_MUTED,
            linewidth=1,
            label="Labs",
        )
        axes.barh(positions, [row.passed for row in rows], color=_SECOND, label="Passed")
        for position, row in zip(positions, rows, strict=True):
            axes.annotate(
                f"{row.passed}/{row.total}",
                (row.total, position),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
            )
        axes.set_yticks(positions, [row.short for row in rows])
        axes.invert_yaxis()
        axes.set_xlabel("labs")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlim(0, max([row.total for row in rows] + [1]) * 1.15)
        axes.grid(axis="x", linewidth=0.6)
        _legend(axes)
        return _render(figure, "chart-labs", "Labs passed by module", summary)


@_memoized
def weekly_hours_chart(weeks: Sequence[tuple[date, float]], budget: float) -> Markup:
    """Bars: the hours of each week of the current plan, with the weekly budget as a line."""
    if weeks:
        full = sum(1 for _, hours in weeks if hours >= budget - 0.5)
        summary = (
            f"{len(weeks)} weeks from {weeks[0][0].isoformat()} to {weeks[-1][0].isoformat()}; "
            f"{full} of them use the {budget:g} h budget (within half an hour)."
        )
    else:
        summary = "Nothing left in the plan."
    with _style("chart-weeks"):
        figure, axes = _figure()
        axes.bar(
            _x([start for start, _ in weeks]),
            [hours for _, hours in weeks],
            width=5,
            align="edge",
            color=_FIRST,
            label="Planned hours",
        )
        axes.axhline(budget, color=_BUDGET, linestyle="--", linewidth=1.5, label="Weekly budget")
        if weeks:
            _date_axis(axes)
        else:
            axes.set_xticks([])
        axes.set_ylabel("hours")
        axes.set_ylim(0, max([budget, *(hours for _, hours in weeks)]) * 1.2)
        axes.grid(axis="y", linewidth=0.6)
        _legend(axes)
        return _render(figure, "chart-weeks", "Hours per week of the current plan", summary)


def _x(days: Sequence[date]) -> list[float]:
    """Dates as matplotlib's x values (days since its epoch)."""
    from matplotlib.dates import date2num

    return [float(value) for value in date2num(list(days))]  # type: ignore[no-untyped-call]


def _date_axis(axes: Axes) -> None:
    """Month / year ticks on the x axis of a chart whose x values come from :func:`_x`."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    low, high = axes.get_xlim()
    if high - low < 14:  # a week or two of data: widen, so the locator finds ticks
        middle = (low + high) / 2
        axes.set_xlim(middle - 10, middle + 10)
    locator = AutoDateLocator(maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _legend(axes: Axes) -> None:
    """The legend in a row above the plot, where it never hides data."""
    axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=3, borderaxespad=0.2)
