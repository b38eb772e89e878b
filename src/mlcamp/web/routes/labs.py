"""``/labs``: the lab list, one lab's page (statement, editor, check, hints, solution), and the
check endpoints for the page (an HTML fragment) and for scripts (the JSON report of DESIGN §3).

Everything here mirrors ``mlcamp labs / get / check / hint / solution``: the same core functions
(:mod:`mlcamp.practice`), the same workspace file, the same records in the store, so the learner
can switch between the browser and the terminal at any time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup

from mlcamp.curriculum.problems import ContentError
from mlcamp.grader.render import STATUS_MARK, WHAT_TO_DO, headline
from mlcamp.grader.render import _seconds as format_seconds
from mlcamp.grader.report import Report, TestResult
from mlcamp.labs.registry import Lab, UnknownLabError, all_labs, get_lab
from mlcamp.planner.overview import replan_after_change
from mlcamp.practice import (
    SolutionLocked,
    check_source,
    lab_progress,
    lab_workspace,
    next_hint,
    record_attempt,
    show_solution,
    write_lab_files,
)
from mlcamp.store import StoreError
from mlcamp.web.page_cache import cached_page
from mlcamp.web.pages import TEMPLATES, grader_pool, page, redirect, store, today

router = APIRouter()

MAX_CODE_BYTES = 200_000
"""The largest submission accepted (UTF-8 bytes of the code): far above any lab's solution."""

MAX_BODY_BYTES = 8 * MAX_CODE_BYTES
"""The largest request body read at all (JSON escaping can make the body larger than the code)."""

STATUS_LABEL = {"new": "new", "started": "attempted", "passed": "passed"}
"""How the pages name a learner's standing on a lab (``LabProgress.status``)."""

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# -- the lab list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabRow:
    """One line of the lab list."""

    lab: Lab
    status: str
    best_score: float
    attempts: int
    topics: list[tuple[str, str]]


@dataclass
class PartGroup:
    """The labs of one part of the path (the prerequisites or a module)."""

    id: str
    title: str
    rows: list[LabRow] = field(default_factory=list)


@router.get("/labs")
@cached_page()
def labs_page(request: Request) -> Response:
    """Every lab, grouped by part of the path in the path's order, and within a part in the
    study order of the topics they serve, with difficulty and the learner's status."""
    labs = all_labs()
    progress = lab_progress(store(request), labs)
    names = _curriculum_names()
    groups: dict[str, PartGroup] = {}
    for lab in sorted(labs, key=lambda lab: (names.study_position(lab), lab.id)):
        part = lab.spec.part
        group = groups.setdefault(part, PartGroup(part, names.parts.get(part, part)))
        mine = progress[lab.id]
        group.rows.append(
            LabRow(
                lab=lab,
                status=STATUS_LABEL[mine.status],
                best_score=mine.best_score,
                attempts=mine.attempts,
                topics=names.topic_links(lab),
            )
        )
    ordered = sorted(
        groups.values(), key=lambda group: (names.part_order.get(group.id, 99), group.id)
    )
    counts = {label: 0 for label in STATUS_LABEL.values()}
    for group in ordered:
        for row in group.rows:
            counts[row.status] += 1
    return page(
        request,
        "labs.html",
        title="mlcamp: labs",
        groups=ordered,
        counts=counts,
        total=len(labs),
    )


@dataclass(frozen=True)
class CurriculumNames:
    """Titles and order of the path's parts and topics, for labels and sorting."""

    parts: dict[str, str] = field(default_factory=dict)
    part_order: dict[str, int] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    topic_order: dict[str, int] = field(default_factory=dict)

    def topic_links(self, lab: Lab) -> list[tuple[str, str]]:
        """The lab's topics as (id, title) pairs."""
        return [(topic, self.topics.get(topic, topic)) for topic in lab.spec.topics]

    def study_position(self, lab: Lab) -> int:
        """Where the lab's earliest topic comes in the path (labs of unknown topics last)."""
        return min((self.topic_order.get(topic, 10_000) for topic in lab.spec.topics), default=0)


def _curriculum_names() -> CurriculumNames:
    """The names of the shipped path (empty if it is broken: the pages then show ids, which is
    still usable)."""
    from mlcamp.curriculum import shipped_curriculum

    try:
        curriculum = shipped_curriculum()
    except ContentError:
        return CurriculumNames()
    topics = curriculum.topics()
    return CurriculumNames(
        parts={part.id: part.display_title for part in curriculum.parts},
        part_order={part.id: part.number for part in curriculum.parts},
        topics={topic.id: topic.title for topic in topics},
        topic_order={topic.id: index for index, topic in enumerate(topics)},
    )


# -- one lab --------------------------------------------------------------------------------------


def _lab_or_404(lab_id: str) -> Lab:
    try:
        return get_lab(lab_id)
    except UnknownLabError as exc:
        detail = str(exc).replace("Run `mlcamp labs` to list them.", "See the list at /labs.")
        raise HTTPException(status_code=404, detail=detail) from exc
    except ContentError as exc:
        raise HTTPException(
            status_code=500,
            detail=f"The files of lab {lab_id} have problems. Run `mlcamp content check`.",
        ) from exc


def _workspace_stamp(request: Request) -> tuple[int, int] | None:
    """What the lab page shows from outside the store: the workspace file (edited elsewhere)."""
    try:
        lab = get_lab(request.path_params["lab_id"])
        stat = (lab_workspace(lab) / lab.spec.file).stat()
    except (KeyError, UnknownLabError, ContentError, OSError):
        return None
    return (stat.st_mtime_ns, stat.st_size)


@router.get("/labs/{lab_id}")
@cached_page(depends_on=_workspace_stamp)
def lab_page(request: Request, lab_id: str) -> Response:
    """The lab: its statement, the workspace file, the editor, hints and the solution."""
    lab = _lab_or_404(lab_id)
    return _lab_page(request, lab)


def _lab_page(
    request: Request,
    lab: Lab,
    *,
    code: str | None = None,
    view: dict[str, Any] | None = None,
) -> HTMLResponse:
    mine = lab_progress(store(request), [lab])[lab.id]
    workspace_file = lab_workspace(lab) / lab.spec.file
    editor_from = "the starter"
    if code is None:
        code = lab.starter
        if workspace_file.is_file():
            try:
                code = workspace_file.read_text(encoding="utf-8", errors="replace")
                editor_from = "your workspace file"
            except OSError:
                pass
    else:
        editor_from = "what you submitted"
    hints = lab.hints
    seen = min(mine.hints_seen, len(hints))
    response: HTMLResponse = page(
        request,
        "lab.html",
        title=f"mlcamp: {lab.spec.title}",
        lab=lab,
        spec=lab.spec,
        status=STATUS_LABEL[mine.status],
        progress=mine,
        topics=_curriculum_names().topic_links(lab),
        statement=markdown_html(_without_title(lab.readme)),
        workspace_file=str(workspace_file),
        code=code,
        editor_from=editor_from,
        hints=[(number, markdown_html(text)) for number, text in enumerate(hints[:seen], 1)],
        hint_total=len(hints),
        view=view,
        max_code_kb=MAX_CODE_BYTES // 1000,
    )
    return response


@router.get("/labs/{lab_id}/starter")
def starter_file(lab_id: str) -> Response:
    """The lab's starter file, as a download named like the workspace file."""
    lab = _lab_or_404(lab_id)
    return Response(
        lab.starter,
        media_type="text/x-python; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{lab.spec.file}"'},
    )


# -- checks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    """A validated check request: the code and whether to measure speed."""

    code: str
    speed: bool = True


@dataclass(frozen=True)
class Checked:
    """A graded submission and anything that went wrong around the grading."""

    report: Report
    warnings: list[str]


@router.post("/labs/{lab_id}/check")
async def check_from_page(request: Request, lab_id: str) -> Response:
    """Grade the editor's code (JSON ``{"code": ..., "speed": true}``) and answer with the
    report as an HTML fragment for the page; a plain form post (no script) gets the whole page.

    The code is saved to the workspace file and the attempt is recorded, as ``mlcamp check``.
    """
    lab = _lab_or_404(lab_id)
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        submission = await _read_form(request)

        def whole_page() -> Response:
            checked = _grade(request, lab, submission)
            view = report_view(lab, checked.report, warnings=checked.warnings)
            return _lab_page(request, lab, code=submission.code, view=view)

        return await run_in_threadpool(whole_page)
    submission = await _read_json(request)

    def fragment() -> Response:
        checked = _grade(request, lab, submission)
        view = report_view(lab, checked.report, warnings=checked.warnings)
        return HTMLResponse(TEMPLATES.get_template("_report.html").render(view=view))

    return await run_in_threadpool(fragment)


@router.post("/api/labs/{lab_id}/check")
async def check_api(request: Request, lab_id: str) -> Response:
    """Grade ``{"code": ...}`` and return the report JSON exactly as ``mlcamp check --json``
    prints it (DESIGN §3). Problems saving or recording are in the ``X-Mlcamp-Warning`` header."""
    lab = _lab_or_404(lab_id)
    submission = await _read_json(request)
    checked = await run_in_threadpool(_grade, request, lab, submission)
    headers = {}
    if checked.warnings:
        text = " ".join(" ".join(checked.warnings).split())  # one line: no CR/LF in a header
        headers["x-mlcamp-warning"] = text.encode("ascii", "replace").decode("ascii")
    return Response(
        checked.report.model_dump_json(indent=2) + "\n",
        media_type="application/json",
        headers=headers,
    )


async def _read_json(request: Request) -> Submission:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(int(declared))
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY_BYTES:
            raise _too_large(len(body))
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unprocessable("the body is not valid UTF-8 JSON") from exc
    return _submission(payload)


async def _read_form(request: Request) -> Submission:
    form = await request.form()
    code = form.get("code")
    return _submission(
        {"code": code if isinstance(code, str) else None, "speed": form.get("speed") is not None}
    )


def _submission(payload: Any) -> Submission:
    """Validate a check request: an object with a string ``code`` (and an optional boolean
    ``speed``), the code at most :data:`MAX_CODE_BYTES`."""
    if not isinstance(payload, dict):
        raise _unprocessable(f"the body is a JSON {_json_kind(payload)}, not an object")
    code = payload.get("code")
    if not isinstance(code, str):
        what = "is missing" if code is None else f"is a {_json_kind(code)}, not a string"
        raise _unprocessable(f'"code" {what}')
    speed = payload.get("speed", True)
    if not isinstance(speed, bool):
        raise _unprocessable(f'"speed" must be true or false, not a {_json_kind(speed)}')
    size = len(code.encode("utf-8", errors="replace"))
    if size > MAX_CODE_BYTES:
        raise _too_large(size)
    # A browser's form post sends CRLF line breaks; the file and the grader get plain LF.
    return Submission(code.replace("\r\n", "\n"), speed)


def _json_kind(value: Any) -> str:
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "boolean"),
        ((int, float), "number"),
        (str, "string"),
        (list, "array"),
        (dict, "object"),
    ]
    return next((name for kind, name in kinds if isinstance(value, kind)), "null")


def _unprocessable(problem: str) -> HTTPException:
    return HTTPException(
        status_code=422,
        detail=f'Bad request: {problem}. Send a JSON object like {{"code": "<your file>"}}.',
    )


def _too_large(size: int) -> HTTPException:
    return HTTPException(
        status_code=413,
        detail=(
            f"The submission is {size / 1000:.1f} kB; the limit is {MAX_CODE_BYTES // 1000} kB. "
            "A lab's solution fits in a few kB: remove pasted data or generated code."
        ),
    )


def _grade(request: Request, lab: Lab, submission: Submission) -> Checked:
    """Save the code to the workspace, grade it in a pooled sandbox, record the attempt.

    Blocking: called in a worker thread. Saving or recording may fail without losing the
    grade; those problems come back as warnings, as the CLI prints them.
    """
    from mlcamp.grader.sandbox import SandboxUnavailable

    warnings: list[str] = []
    try:
        files = write_lab_files(lab)
        files.solution_file.write_text(submission.code, encoding="utf-8")
    except OSError as exc:
        warnings.append(f"Your code was not saved to the workspace: {exc}.")
    try:
        with grader_pool(request).grader() as grader:
            report = check_source(
                lab,
                submission.code,
                grader=grader,
                filename=lab.spec.file,
                performance=submission.speed,
            )
    except SandboxUnavailable as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    try:
        record_attempt(store(request), lab, report, submission.code)
        if report.status == "pass":
            replan_after_change(store(request), today())
    except StoreError as exc:
        warnings.append(f"This check was not recorded: {exc.message}")
    return Checked(report, warnings)


# -- the report as the page shows it ---------------------------------------------------------------


@dataclass(frozen=True)
class TaskTests:
    """The tests of one task of the lab, in the order the grader ran them."""

    number: int
    title: str
    tests: list[TestResult]


def report_view(lab: Lab, report: Report, *, warnings: list[str] | None = None) -> dict[str, Any]:
    """What ``_report.html`` shows: the report with its tests grouped by task (in task order),
    the advice for an error, and the scaling plot as inline SVG when speed was measured."""
    from mlcamp.web.lab_plots import scaling_svg

    titles = {task.number: task.title for task in lab.spec.tasks}
    by_task: dict[int, list[TestResult]] = {}
    for test in report.tests:
        by_task.setdefault(test.task, []).append(test)
    tasks = [
        TaskTests(number, titles.get(number, f"Task {number}"), by_task[number])
        for number in sorted(by_task)
    ]
    plot = None
    timings: list[tuple[int, float]] = []
    performance = report.performance
    if performance is not None and performance.scaling is not None:
        scaling = performance.scaling
        timings = list(zip(scaling.sizes, scaling.seconds, strict=False))
        variable = lab.spec.performance.variable if lab.spec.performance else "n"
        svg = scaling_svg(scaling, variable=variable, title=f"Running time of {lab.spec.title}")
        plot = Markup(svg) if svg is not None else None
    return {
        "lab": lab,
        "report": report,
        "headline": headline(report),
        "passed_tests": sum(test.status == "pass" for test in report.tests),
        "tasks": tasks,
        "what_to_do": WHAT_TO_DO.get(report.error.kind, "") if report.error else "",
        "performance": performance,
        "plot": plot,
        "timings": timings,
        "warnings": warnings or [],
        "mark": STATUS_MARK,
        "seconds": format_seconds,
    }


# -- hints and the solution -----------------------------------------------------------------------


@router.post("/labs/{lab_id}/hint")
def hint(request: Request, lab_id: str) -> Response:
    """The next hint (recorded). A form post goes back to the lab's hints; a script gets an
    HTML fragment (one list item), or JSON when it accepts only JSON."""
    lab = _lab_or_404(lab_id)
    if not lab.hints:
        raise HTTPException(status_code=404, detail=f"Lab {lab.id} has no hints.")
    shown = next_hint(lab, store(request))
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        return redirect(f"/labs/{lab.id}#hint-{shown.number}")
    rendered = markdown_html(shown.text)
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JSONResponse(
            {
                "lab": lab.id,
                "number": shown.number,
                "total": shown.total,
                "repeated": shown.repeated,
                "text": shown.text,
                "html": str(rendered),
            }
        )
    fragment = TEMPLATES.get_template("_hint.html").render(
        number=shown.number, total=shown.total, repeated=shown.repeated, html=rendered
    )
    return HTMLResponse(fragment)


@router.get("/labs/{lab_id}/solution")
def solution_page(request: Request, lab_id: str) -> Response:
    """The reference solution after a pass (the view is recorded); before, a page that says
    to pass first and offers to show it anyway."""
    lab = _lab_or_404(lab_id)
    return _solution(request, lab, force=False)


@router.post("/labs/{lab_id}/solution")
async def solution_forced(request: Request, lab_id: str) -> Response:
    """The reference solution with ``force=true`` (form field): shown even before a pass, and
    recorded as seen before passing."""
    lab = _lab_or_404(lab_id)
    force = False
    if request.headers.get("content-type", "").startswith(FORM_TYPES):
        value = (await request.form()).get("force")
        force = isinstance(value, str) and value.lower() in ("true", "on", "1", "yes")
    return await run_in_threadpool(_solution, request, lab, force=force)


def _solution(request: Request, lab: Lab, *, force: bool) -> Response:
    try:
        code = show_solution(lab, store(request), force=force)
    except SolutionLocked:
        return page(
            request, "solution.html", title=f"mlcamp: {lab.spec.title}", lab=lab, locked=True
        )
    mine = lab_progress(store(request), [lab])[lab.id]
    return page(
        request,
        "solution.html",
        title=f"mlcamp: solution of {lab.spec.title}",
        lab=lab,
        locked=False,
        code=code,
        passed=mine.passed,
    )


# -- Markdown -------------------------------------------------------------------------------------


def markdown_html(text: str) -> Markup:
    """Markdown with ``$...$`` math as safe HTML with MathML (the site's one renderer,
    :func:`mlcamp.web.markdown.render_markdown`)."""
    from mlcamp.web.markdown import render_markdown

    return render_markdown(text).html


def _without_title(readme: str) -> str:
    """The README without its first ``# Title`` line: the page shows the title as its heading."""
    return re.sub(r"\A\s*# [^\n]*\n", "", readme, count=1)
