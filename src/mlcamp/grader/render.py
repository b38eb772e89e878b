"""Render a grading report for people: Rich for the terminal, HTML for Jupyter and the web app."""

from __future__ import annotations

import html

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from mlcamp.grader.report import Report

STATUS_STYLE = {"pass": "green", "fail": "red", "error": "red"}
STATUS_MARK = {"pass": "✓", "fail": "✗", "error": "!"}

WHAT_TO_DO = {
    "syntax": "Fix the line shown, then check again.",
    "missing": "Define every function or class the README lists, with exactly those names.",
    "not_attempted": "Write your code in the starter file, then check again.",
    "forbidden_import": "Remove that import or call: the lab is about writing it yourself.",
    "timeout": "Look for a loop that never ends, or work that grows much faster than needed.",
    "memory": "Look for an intermediate array far larger than the inputs (e.g. n x n x d).",
    "crash": "Read the error above; it happened before any test could run.",
    "exited": "Do not call sys.exit, os._exit or exit() in the lab file.",
    "bad_result": "Return plain NumPy arrays and numbers, as the README's API says.",
    "output_limit": "Remove prints inside loops.",
}


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def headline(report: Report) -> str:
    """One line: lab, status, tests passed, score."""
    passed = sum(t.status == "pass" for t in report.tests)
    if report.status == "error":
        kind = report.error.kind if report.error else "error"
        return f"{report.lab}: error ({kind.replace('_', ' ')})"
    counts = f"{passed}/{len(report.tests)} tests"
    return f"{report.lab}: {report.status} - {counts}, score {report.score:.2f}"


def render_report(report: Report) -> RenderableType:
    """The report as Rich renderables: tests, failure details, performance, what to do."""
    parts: list[RenderableType] = []
    title = Text(headline(report), style=f"bold {STATUS_STYLE[report.status]}")
    parts.append(title)
    if report.error is not None:
        parts.append(
            Panel(
                Text(report.error.message),
                title=report.error.kind.replace("_", " "),
                border_style="red",
            )
        )
        parts.append(Text(WHAT_TO_DO.get(report.error.kind, ""), style="yellow"))
    if report.tests:
        table = Table(show_edge=False, pad_edge=False, box=None)
        table.add_column("", width=1)
        table.add_column("task", justify="right")
        table.add_column("test")
        table.add_column("time", justify="right")
        for test in report.tests:
            style = STATUS_STYLE[test.status]
            table.add_row(
                Text(STATUS_MARK[test.status], style=style),
                str(test.task),
                Text(test.name, style="" if test.status == "pass" else style),
                _seconds(test.seconds),
            )
        parts.append(table)
        for test in report.tests:
            if test.status == "pass" and not test.output:
                continue
            body: list[RenderableType] = []
            if test.message:
                body.append(Text(test.message))
            if test.output:
                body.append(Text("your prints:", style="dim"))
                body.append(Text(test.output, style="dim"))
            if body:
                parts.append(
                    Panel(
                        Group(*body),
                        title=f"task {test.task}: {test.name}",
                        border_style=STATUS_STYLE[test.status] if test.status != "pass" else "dim",
                    )
                )
    performance = report.performance
    if performance is not None:
        lines: list[str] = []
        if performance.skipped:
            lines.append(f"not measured: {performance.skipped}")
        if performance.seconds is not None:
            ratio = f", {performance.ratio:g}x the reference" if performance.ratio else ""
            lines.append(
                f"n={performance.size}: {_seconds(performance.seconds)} "
                f"(reference {_seconds(performance.reference_seconds)}{ratio})"
            )
        scaling = performance.scaling
        if scaling is not None and scaling.exponent is not None:
            expected = f" (expected about n^{scaling.expected:g})" if scaling.expected else ""
            lines.append(
                f"time grows like n^{scaling.exponent:.2f} over "
                f"n = {scaling.sizes[0]}..{scaling.sizes[-1]}"
                f"{expected}"
            )
        lines += performance.advice
        parts.append(Panel(Text("\n".join(lines)), title="speed", border_style="cyan"))
    footer = f"isolation: {report.isolation} · graded in {report.seconds:.2f} s"
    parts.append(Text(footer, style="dim"))
    return Group(*parts)


def report_html(report: Report) -> str:
    """The report as a self-contained HTML fragment (no scripts, no external resources)."""
    esc = html.escape
    colour = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#cf222e"}[report.status]
    rows = []
    for test in report.tests:
        detail = ""
        if test.message:
            detail += f"<pre style='white-space:pre-wrap;margin:2px 0'>{esc(test.message)}</pre>"
        if test.output:
            detail += (
                "<details><summary>your prints</summary>"
                f"<pre style='white-space:pre-wrap'>{esc(test.output)}</pre></details>"
            )
        rows.append(
            f"<tr><td>{STATUS_MARK[test.status]}</td><td>{test.task}</td>"
            f"<td>{esc(test.name)}{detail}</td><td>{esc(_seconds(test.seconds))}</td></tr>"
        )
    parts = [
        f"<div class='mlcamp-report'><p style='color:{colour};font-weight:bold'>"
        f"{esc(headline(report))}</p>"
    ]
    if report.error is not None:
        parts.append(
            f"<p><b>{esc(report.error.kind.replace('_', ' '))}</b></p>"
            f"<pre style='white-space:pre-wrap'>{esc(report.error.message)}</pre>"
            f"<p>{esc(WHAT_TO_DO.get(report.error.kind, ''))}</p>"
        )
    if rows:
        parts.append(
            "<table><thead><tr><th></th><th>task</th><th>test</th><th>time</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    performance = report.performance
    if performance is not None and performance.seconds is not None:
        ratio = f", {performance.ratio:g}x the reference" if performance.ratio else ""
        text = (
            f"n={performance.size}: {_seconds(performance.seconds)} "
            f"(reference {_seconds(performance.reference_seconds)}{ratio})"
        )
        if performance.scaling and performance.scaling.exponent is not None:
            text += f"; time grows like n^{performance.scaling.exponent:.2f}"
        parts.append(f"<p><b>speed</b>: {esc(text)}</p>")
        parts += [f"<p>{esc(line)}</p>" for line in performance.advice]
    parts.append(f"<p style='color:#666'>isolation: {esc(report.isolation)}</p></div>")
    return "".join(parts)
