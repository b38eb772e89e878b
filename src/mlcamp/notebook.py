"""Jupyter support: `%load_ext mlcamp`, then a cell starting with `%%mlcamp check LAB`.

The cell's code is graded exactly like a file given to `mlcamp check` (same sandbox, same
report) and the report is shown as HTML under the cell. The sandbox's zygote stays warm for the
kernel's lifetime, so later checks start in milliseconds.
"""

from __future__ import annotations

import atexit
import shlex
from dataclasses import dataclass
from typing import Any

from mlcamp.grader.render import report_html
from mlcamp.grader.report import Report

USAGE = "usage: %%mlcamp check LAB   (then your code in the rest of the cell)"

_grader: Any = None


@dataclass
class ReportView:
    """A report that Jupyter shows as HTML, and a terminal as its headline."""

    report: Report
    note: str = ""

    def _repr_html_(self) -> str:
        note = f"<p style='color:#9a6700'>{self.note}</p>" if self.note else ""
        return report_html(self.report) + note

    def __repr__(self) -> str:
        from mlcamp.grader.render import headline

        return headline(self.report) + (f"\n{self.note}" if self.note else "")


class UsageMessage:
    """A short message shown instead of a report (bad magic arguments, unknown lab)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_html_(self) -> str:
        import html

        return f"<pre style='color:#cf222e'>{html.escape(self.text)}</pre>"

    def __repr__(self) -> str:
        return self.text


def _shared_grader() -> Any:
    global _grader
    if _grader is None:
        from mlcamp.grader.runner import Grader

        _grader = Grader()
        atexit.register(_grader.close)
    return _grader


def check_cell(line: str, cell: str) -> ReportView | UsageMessage:
    """Grade a cell for the lab named on the magic line; record the attempt in the store."""
    from mlcamp.labs import UnknownLabError, get_lab
    from mlcamp.practice import check_source, record_attempt
    from mlcamp.store import StoreError, open_store

    try:
        words = shlex.split(line)
    except ValueError as error:
        return UsageMessage(f"{error}\n{USAGE}")
    if len(words) != 2 or words[0] != "check":
        return UsageMessage(USAGE)
    try:
        lab = get_lab(words[1])
    except UnknownLabError as error:
        return UsageMessage(str(error))
    report = check_source(lab, cell, grader=_shared_grader(), filename=lab.spec.file)
    note = ""
    try:
        with open_store() as store:
            record_attempt(store, lab, report, cell)
    except StoreError as error:
        note = f"not recorded: {error.message}"
    return ReportView(report, note)


def load_ipython_extension(ipython: Any) -> None:
    """Register the `%%mlcamp` cell magic (called by `%load_ext mlcamp`)."""

    def mlcamp_magic(line: str, cell: str) -> ReportView | UsageMessage:
        return check_cell(line, cell)

    ipython.register_magic_function(mlcamp_magic, magic_kind="cell", magic_name="mlcamp")
