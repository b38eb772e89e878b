"""The scaling plot of a grading report: seconds against problem size on log-log axes.

The plot is drawn with matplotlib's object API (an Agg canvas, no pyplot, so no GUI backend and
no shared figure state) and saved as SVG, which the page inlines: it stays sharp at any zoom, needs
no extra request, and follows the page's light or dark theme because its colours are CSS
variables (``var(--fg)``, ``var(--accent)``...) substituted for placeholder colours after drawing.

No ``rcParams`` are changed, not even temporarily: they are global to the process, and a check
may draw while another thread draws a chart of another page. So the text stays as matplotlib's
glyph outlines (its default), and the element ids get a prefix instead of a fixed hash salt.
"""

from __future__ import annotations

import io
import math

from mlcamp.grader.report import Scaling
from mlcamp.web.inline_svg import inline_svg

__all__ = ["scaling_svg"]

# Placeholder colours drawn by matplotlib, replaced by theme variables in the SVG text.
_INK = "#010203"
_MEASURED = "#040506"
_EXPECTED = "#070809"
_GRID = "#0a0b0c"
_THEME = {
    _INK: "var(--fg)",
    _MEASURED: "var(--accent)",
    _EXPECTED: "var(--muted)",
    _GRID: "var(--border)",
}

_ID_PREFIX = "scaling-"


def scaling_svg(
    scaling: Scaling, *, variable: str = "n", title: str = "Running time"
) -> str | None:
    """An inline ``<svg>`` of ``scaling`` (seconds versus size, log-log, with the fitted exponent
    and the expected one as a guide), or ``None`` when fewer than two sizes have a positive time.

    The SVG has no XML prologue, a ``<title>``, ``role="img"`` and an ``aria-label`` that states
    the fitted exponent, so a screen reader gets the gist without the picture.
    """
    points = [
        (size, seconds)
        for size, seconds in zip(scaling.sizes, scaling.seconds, strict=False)
        if size > 0 and seconds > 0 and math.isfinite(seconds)
    ]
    if len(points) < 2:
        return None
    label = _description(scaling, variable, title)
    return _finish(_draw(points, scaling, variable), title, label)


def _description(scaling: Scaling, variable: str, title: str) -> str:
    sizes = f"{scaling.sizes[0]} to {scaling.sizes[-1]}"
    parts = [f"{title}: seconds against {variable} from {sizes}, on log-log axes."]
    if scaling.exponent is not None:
        parts.append(f"Time grows like n^{scaling.exponent:.2f}.")
    if scaling.expected is not None:
        parts.append(f"Expected about n^{scaling.expected:g}.")
    if scaling.reference_exponent is not None:
        parts.append(f"The reference solution grows like n^{scaling.reference_exponent:.2f}.")
    return " ".join(parts)


def _draw(points: list[tuple[int, float]], scaling: Scaling, variable: str) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    sizes = [float(size) for size, _ in points]
    seconds = [value for _, value in points]
    figure = Figure(figsize=(5.6, 3.4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    measured = "your code"
    if scaling.exponent is not None:
        measured += f" (fitted n^{scaling.exponent:.2f})"
    axes.loglog(sizes, seconds, "o", color=_MEASURED, label=measured, markersize=5)
    if scaling.exponent is not None:
        axes.loglog(sizes, _line_through(sizes, seconds, scaling.exponent), "-", color=_MEASURED)
    if scaling.expected is not None:
        axes.loglog(
            sizes,
            _line_through(sizes, seconds, scaling.expected),
            "--",
            color=_EXPECTED,
            label=f"expected slope n^{scaling.expected:g}",
        )
    axes.set_xlabel(variable, color=_INK)
    axes.set_ylabel("seconds", color=_INK)
    axes.tick_params(which="both", colors=_INK)
    for spine in axes.spines.values():
        spine.set_color(_INK)
    axes.grid(True, which="major", color=_GRID, linewidth=0.6)
    legend = axes.legend(loc="upper left", fontsize="small", frameon=False)
    for text in legend.get_texts():
        text.set_color(_INK)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", transparent=True, metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _line_through(sizes: list[float], seconds: list[float], exponent: float) -> list[float]:
    """``c * n**exponent`` with ``c`` chosen so the line passes through the points' centre on
    the log-log axes (the geometric means of sizes and of times)."""
    log_n = sum(math.log(size) for size in sizes) / len(sizes)
    log_t = sum(math.log(value) for value in seconds) / len(seconds)
    return [math.exp(log_t + exponent * (math.log(size) - log_n)) for size in sizes]


def _finish(text: str, title: str, label: str) -> str:
    """Adapt matplotlib's SVG for the page (see :mod:`mlcamp.web.inline_svg`)."""
    return inline_svg(
        text, css_class="scaling-svg", id_prefix=_ID_PREFIX, theme=_THEME, title=title, label=label
    )
