"""The `mlcamp` command line: a thin Typer layer over the core packages."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from mlcamp import __version__
from mlcamp.curriculum.problems import ContentError
from mlcamp.learner import LEARNER

if TYPE_CHECKING:
    from rich.console import RenderableType

    from mlcamp.assessment.quiz import QuizArea
    from mlcamp.curriculum import Background, Curriculum
    from mlcamp.grader.sandbox import Sandbox
    from mlcamp.labs import Lab
    from mlcamp.planner.schedule import Plan
    from mlcamp.planner.service import Option, Standing
    from mlcamp.practice.recorder import AttemptRecorder
    from mlcamp.store import Store

app = typer.Typer(
    name="mlcamp",
    help="The Machine Learning Engineering path: curriculum, personal plan and graded labs.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
content_app = typer.Typer(help="Work on the path's content files.", no_args_is_help=True)
app.add_typer(content_app, name="content")

console = Console()
errors = Console(stderr=True)

RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="Content folder to use instead of the one shipped with mlcamp.",
        file_okay=False,
        show_default=False,
    ),
]


def _version_callback(value: bool) -> None:
    if value:
        console.print(f"mlcamp {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """The Machine Learning Engineering path: curriculum, personal plan and graded labs."""


@content_app.command("check")
def content_check(
    root: RootOption = None,
    labs: Annotated[
        bool, typer.Option("--labs/--no-labs", help="Also prove every lab (slower).")
    ] = True,
    lab: Annotated[
        list[str] | None,
        typer.Option("--lab", help="Prove only this lab (repeatable).", show_default=False),
    ] = None,
) -> None:
    """Validate every content file and lab; list every problem with its file and line."""
    from mlcamp.assessment.quiz import read_quiz
    from mlcamp.curriculum import check_content, default_content_root, load_curriculum
    from mlcamp.grader.content import check_labs
    from mlcamp.paths import mlcamp_home
    from mlcamp.review.cards import read_cards

    content_root = (root or default_content_root()).resolve()
    problems = check_content(content_root)
    curriculum = None if problems else load_curriculum(content_root)
    topic_ids = {topic.id for topic in curriculum.topics()} if curriculum else None
    quiz, quiz_problems = read_quiz(content_root, topic_ids)
    decks, card_problems = read_cards(content_root, topic_ids)
    problems += quiz_problems + card_problems
    with _progress("Proving labs") as step:
        problems += check_labs(
            content_root,
            curriculum,
            run=labs,
            only=lab,
            progress=step,
            oracle_cache=mlcamp_home() / "cache" / "oracle",
        )
    if not problems and curriculum is not None:
        topics = curriculum.topics()
        from mlcamp.labs.registry import read_labs

        lab_count = len(read_labs(content_root)[0])
        proven = " (each reference passes, each wrong variant fails)" if labs else ""
        console.print(
            f"[green]Content OK[/]: {len(curriculum.parts)} parts, {len(topics)} topics, "
            f"{len(curriculum.resources)} resources, "
            f"{len(curriculum.overview.milestones)} milestones, "
            f"{sum(len(area.items) for area in quiz)} quiz items, "
            f"{sum(len(cards) for cards in decks.values())} concept cards, "
            f"{lab_count} labs{proven}."
        )
        return
    base = Path.cwd()
    for problem in sorted(set(problems), key=lambda p: (str(p.file), p.line or 0, p.message)):
        print(problem.render(relative_to=base))
    count = len(problems)
    errors.print(f"[red]{count} problem{'s' if count != 1 else ''}[/] in {content_root}")
    raise typer.Exit(1)


@content_app.command("schema")
def content_schema() -> None:
    """Print the JSON Schema of `mlcamp path --json` (stored in docs/path.schema.json)."""
    from mlcamp.curriculum.schema import path_json_schema_text

    sys.stdout.write(path_json_schema_text())


@contextmanager
def _progress(description: str) -> Iterator[Callable[[str], None]]:
    """A transient Rich status line (on stderr) that callers update with what they are doing."""
    with errors.status(description) as status:

        def step(what: str) -> None:
            status.update(f"{description}: {what}")

        yield step


def _load_or_exit(root: Path | None) -> Curriculum:
    try:
        from mlcamp.curriculum import load_curriculum

        return load_curriculum(root)
    except ContentError as exc:
        for problem in exc.problems[:20]:
            print(problem.render(relative_to=Path.cwd()), file=sys.stderr)
        errors.print(
            f"[red]The content has {len(exc.problems)} problem(s).[/] "
            "Run 'mlcamp content check' for the full list."
        )
        raise typer.Exit(1) from exc


def _hours(value: float) -> str:
    return f"{value:g} h"


@app.command("path")
def path_command(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole validated path as JSON.")
    ] = False,
    background: Annotated[
        str | None,
        typer.Option(
            "--background",
            "-b",
            help="Show hours for one background: beginner, math-stats or software-engineer.",
        ),
    ] = None,
    root: RootOption = None,
) -> None:
    """Show the learning path: parts, sections and topics with their hours."""
    from mlcamp.curriculum import BACKGROUNDS

    if background is not None and background not in BACKGROUNDS:
        errors.print(
            f"[red]Unknown background '{background}'.[/] Use one of: {', '.join(BACKGROUNDS)}."
        )
        raise typer.Exit(2)
    curriculum = _load_or_exit(root)
    if as_json:
        print(json.dumps(curriculum.model_dump(mode="json", by_alias=True), indent=2))
        return
    console.print(_path_tree(curriculum, background))


def _path_tree(curriculum: Curriculum, background: Background | None) -> Tree:
    from mlcamp.curriculum import BACKGROUNDS

    shown: tuple[Background, ...] = (background,) if background else BACKGROUNDS

    def hours_of(values: dict[Background, float]) -> str:
        return " · ".join(_hours(values[b]) for b in shown)

    legend = background or " · ".join(BACKGROUNDS)
    tree = Tree(f"[bold]{curriculum.title}[/]  [dim](hours: {legend})[/]")
    for part in curriculum.parts:
        totals = {b: sum(t.hours.for_background(b) for t in part.topics()) for b in shown}
        weeks = f", {part.weeks.min}-{part.weeks.max} weeks" if part.weeks else ""
        branch = tree.add(
            f"[bold cyan]{part.display_title}[/] [dim]({part.focus}{weeks})[/]  {hours_of(totals)}"
        )
        for section in part.sections:
            sub = branch.add(f"[bold]{section.title}[/]")
            for topic in section.topics:
                values = {b: topic.hours.for_background(b) for b in shown}
                flag = " [dim](optional)[/]" if topic.optional else ""
                sub.add(f"{topic.title}{flag} [dim]{topic.id}[/]  {hours_of(values)}")
    return tree


@app.command("start")
def start_command(
    port: Annotated[
        int, typer.Option(help="Port on 127.0.0.1 (the next free one if taken).", min=1, max=65535)
    ] = 8765,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the app in your web browser.")
    ] = True,
) -> None:
    """Open your path in the browser: dashboard, plan, labs, progress; offline, on this machine."""
    from mlcamp.store import StoreError
    from mlcamp.web.server import PortsTaken, Served, serve

    def announce(served: Served) -> None:
        console.print(f"mlcamp is running at [bold]http://127.0.0.1:{served.port}/[/]")
        console.print("Open this link (it carries your private access token):", highlight=False)
        console.print(served.url, markup=False, highlight=False, soft_wrap=True)
        console.print("Press Ctrl+C to stop.")

    try:
        serve(port, open_browser=browser, announce=announce)
    except StoreError as exc:
        errors.print(exc.message, markup=False)
        raise typer.Exit(1) from exc
    except PortsTaken as exc:
        errors.print(str(exc), markup=False)
        raise typer.Exit(1) from exc


@app.command("doctor")
def doctor_command() -> None:
    """Check this machine for what the path needs, and say how to install what is missing."""
    from mlcamp.check_service.status import service_check
    from mlcamp.doctor import essentials_ok, run_checks
    from mlcamp.doctor.environment import mlcamp_checks

    results = run_checks(extra=(*mlcamp_checks(), service_check))
    table = Table(title="mlcamp doctor")
    table.add_column("check")
    table.add_column("status")
    table.add_column("found", overflow="fold")
    style = {"ok": "green", "missing": "red", "outdated": "yellow", "warning": "yellow"}
    for result in results:
        status = result.status if result.essential or result.ok else f"{result.status} (optional)"
        table.add_row(result.name, f"[{style[result.status]}]{status}[/]", result.found)
    console.print(table)
    fixes = [result for result in results if result.fix]
    if fixes:
        console.print("[bold]What to do:[/]")
        for result in fixes:
            label = "" if result.essential else " (optional)"
            console.print(
                f"  {result.name}{label}: {result.fix}",
                soft_wrap=True,
                markup=False,
                highlight=False,
            )
    if essentials_ok(results):
        console.print("[green]Everything essential is in place.[/]")
        return
    errors.print("[red]Some essentials are missing or outdated:[/] do what is listed above.")
    raise typer.Exit(1)


# -- labs -----------------------------------------------------------------------------------------

LabArgument = Annotated[str, typer.Argument(help="Lab id, e.g. kmeans (see `mlcamp labs`).")]


def _markdown(text: str) -> RenderableType:
    """Rich's Markdown renderable, imported on first use (it loads a Markdown parser)."""
    from rich.markdown import Markdown as RichMarkdown

    return RichMarkdown(text)


def _lab_or_exit(lab_id: str) -> Lab:
    from mlcamp.labs import UnknownLabError, get_lab

    try:
        return get_lab(lab_id)
    except UnknownLabError as exc:
        errors.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from exc
    except ContentError as exc:
        for problem in exc.problems[:20]:
            print(problem.render(relative_to=Path.cwd()), file=sys.stderr)
        errors.print("[red]The labs have problems.[/] Run 'mlcamp content check'.")
        raise typer.Exit(1) from exc


def _store_or_exit() -> Store:
    from mlcamp.store import StoreError, open_store

    try:
        return open_store()
    except StoreError as exc:
        errors.print(exc.message, markup=False, highlight=False)
        raise typer.Exit(1) from exc


@app.command("labs")
def labs_command(
    part: Annotated[
        str | None,
        typer.Option("--module", "--part", help="Only labs of this part (e.g. ml-fundamentals)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the labs with your status on each."""
    from mlcamp.labs import all_labs
    from mlcamp.practice import lab_progress

    labs = all_labs()
    if part is not None:
        parts = sorted({lab.spec.part for lab in labs})
        if part not in parts:
            errors.print(f"No labs in part '{part}'. Parts with labs: {', '.join(parts)}.")
            raise typer.Exit(2)
        labs = [lab for lab in labs if lab.spec.part == part]
    with _store_or_exit() as store:
        progress = lab_progress(store, labs)
    if as_json:
        rows = [
            {
                "id": lab.id,
                "title": lab.spec.title,
                "part": lab.spec.part,
                "topics": lab.spec.topics,
                "difficulty": lab.spec.difficulty,
                "status": progress[lab.id].status,
                "best_score": progress[lab.id].best_score,
                "attempts": progress[lab.id].attempts,
                "hints_seen": progress[lab.id].hints_seen,
                "solution_seen": progress[lab.id].solution_seen,
            }
            for lab in labs
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(title="mlcamp labs")
    table.add_column("lab")
    table.add_column("title")
    table.add_column("part")
    table.add_column("level")
    table.add_column("status")
    table.add_column("best", justify="right")
    style = {"passed": "green", "started": "yellow", "new": "dim"}
    for lab in labs:
        mine = progress[lab.id]
        table.add_row(
            lab.id,
            lab.spec.title,
            lab.spec.part,
            lab.spec.difficulty,
            f"[{style[mine.status]}]{mine.status}[/]",
            f"{mine.best_score:.2f}" if mine.attempts else "-",
        )
    console.print(table)
    console.print("Start one with [bold]mlcamp get LAB[/], then [bold]mlcamp check LAB[/].")


@app.command("get")
def get_command(
    lab_id: LabArgument,
    directory: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Folder to write to (default: MLCAMP_HOME/workspace/LAB).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Write the lab's README.md and starter file into your workspace."""
    from mlcamp.practice import write_lab_files

    lab = _lab_or_exit(lab_id)
    try:
        files = write_lab_files(lab, directory)
    except OSError as exc:
        errors.print(f"{exc}. Choose another folder with --dir.", markup=False)
        raise typer.Exit(1) from exc
    console.print(f"[bold]{lab.spec.title}[/] ({lab.id})")
    console.print(f"  task:      {files.readme}", markup=False, highlight=False)
    if files.kept_existing:
        console.print(
            f"  your file: {files.solution_file} (already there: kept your work)",
            markup=False,
            highlight=False,
        )
    else:
        console.print(f"  your file: {files.solution_file}", markup=False, highlight=False)
    check_hint = f"mlcamp check {lab.id}"
    if directory is not None:
        check_hint += f" {files.solution_file}"
    console.print(f"Read the README, edit the file, then run: {check_hint}", markup=False)


@app.command("check")
def check_command(
    lab_id: LabArgument,
    file: Annotated[
        Path | None,
        typer.Argument(help="File to grade (default: your workspace file).", dir_okay=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report.")] = False,
    speed: Annotated[
        bool, typer.Option("--speed/--no-speed", help="Measure speed and scaling after a pass.")
    ] = True,
) -> None:
    """Grade your implementation in the sandbox: exit 0 pass, 1 fail or error, 2 usage."""
    from mlcamp.grader.sandbox import SandboxUnavailable

    try:
        sandbox, recorder = _CHECK_HEAD_START.take()
    except SandboxUnavailable as exc:
        errors.print(f"{exc}", markup=False)
        raise typer.Exit(1) from exc
    try:
        lab = _lab_or_exit(lab_id)
        target = _file_to_grade(lab, file)
        _check_with(sandbox, recorder, lab, target, as_json=as_json, speed=speed)
    finally:
        recorder.stop()
        sandbox.close()


class _CheckHeadStart:
    """The sandbox's zygote and the attempt recorder of `mlcamp check`, started early.

    Both boot on the second core while this process parses the command line and loads the
    grader: :func:`main` starts them before Typer runs when the command is `check`. Whatever is
    not taken by the command is stopped when :func:`main` ends.
    """

    def __init__(self) -> None:
        self._started: tuple[Sandbox, AttemptRecorder] | None = None

    def start(self) -> None:
        """Launch the zygote, then fork the recorder (which must not inherit the sandbox's
        pipes; it closes them). Problems are left for :meth:`take` to raise, in the command.
        Nothing to do when a sandbox was adopted."""
        if self._started is not None:
            return
        try:
            self._started = self._new()
        except Exception:
            self._started = None

    @staticmethod
    def _new() -> tuple[Sandbox, AttemptRecorder]:
        from mlcamp.grader.sandbox import SHORT_SPIN_SECONDS, Sandbox
        from mlcamp.practice.recorder import AttemptRecorder

        # The recorder loads the store on the second core meanwhile: no polling for long.
        sandbox = Sandbox(spin_seconds=SHORT_SPIN_SECONDS)
        sandbox.launch()  # the zygote boots while the grader's modules load
        recorder = AttemptRecorder()
        try:
            recorder.start()  # the store opens in a forked process while the grading runs
        except BaseException:
            sandbox.close()
            raise
        return sandbox, recorder

    def adopt(self, sandbox: Sandbox) -> None:
        """Use `sandbox`, booted already, for the next check; record the attempt in this
        process (the check service's worker, which has the store's modules loaded)."""
        from mlcamp.practice.recorder import AttemptRecorder

        self._started = (sandbox, AttemptRecorder())

    def take(self) -> tuple[Sandbox, AttemptRecorder]:
        """The early pair if there is one, else a new one; the caller closes both."""
        started, self._started = self._started, None
        return started if started is not None else self._new()

    def stop(self) -> None:
        """Stop what was started and not taken."""
        started, self._started = self._started, None
        if started is not None:
            started[1].stop()
            started[0].close()


_CHECK_HEAD_START = _CheckHeadStart()


def check_head_start() -> _CheckHeadStart:
    """The early sandbox and recorder of `mlcamp check` (the check service gives it its own)."""
    return _CHECK_HEAD_START


def use_new_consoles() -> None:
    """Make the output consoles again, for the terminal and environment this process has now
    (the check service's worker takes over a command's terminal after this module loaded)."""
    global console, errors
    console = Console()
    errors = Console(stderr=True)


RECORDER_PATIENCE = 3.0
"""Seconds `mlcamp check` waits, after showing the report, for its recorder (a low-priority
process that a busy machine may starve) before recording the attempt itself."""


def _file_to_grade(lab: Lab, file: Path | None) -> Path:
    from mlcamp.practice import lab_workspace

    target = file if file is not None else lab_workspace(lab) / lab.spec.file
    if target.is_file():
        return target
    if file is None:
        errors.print(
            f"No file to grade at {target}. Run `mlcamp get {lab.id}` first, or pass the "
            "file: mlcamp check LAB FILE",
            markup=False,
        )
    else:
        errors.print(
            f"No such file: {target}. Check the path, or run `mlcamp check {lab.id}` to grade "
            "your workspace file.",
            markup=False,
        )
    raise typer.Exit(2)


def _check_with(
    sandbox: Sandbox,
    recorder: AttemptRecorder,
    lab: Lab,
    target: Path,
    *,
    as_json: bool,
    speed: bool,
) -> None:
    from mlcamp.grader.render import render_report
    from mlcamp.grader.runner import Grader
    from mlcamp.grader.sandbox import SandboxUnavailable
    from mlcamp.practice import check_file
    from mlcamp.practice.recorder import RecordingFailed

    try:
        with errors.status(f"Grading {target.name} for {lab.id}..."):
            report, source = check_file(
                lab,
                target,
                grader=Grader(sandbox),
                performance=speed,
                before_timing=recorder.quiet,
            )
    except SandboxUnavailable as exc:
        errors.print(f"{exc}", markup=False)
        raise typer.Exit(1) from exc
    except OSError as exc:
        errors.print(f"Cannot read {target}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(2) from exc
    recorder.submit(lab, report, source)  # recorded while the report is shown
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        console.print(render_report(report))
        if report.passed:
            console.print(f"Passed. The reference solution is open: mlcamp solution {lab.id}")
        else:
            console.print(f"Stuck? mlcamp hint {lab.id}", markup=False)
    try:
        recorder.wait(patience=RECORDER_PATIENCE)
    except RecordingFailed as exc:
        errors.print(
            f"Warning: this check was not recorded: {exc.message}", markup=False, highlight=False
        )
    raise typer.Exit(0 if report.passed else 1)


@app.command("hint")
def hint_command(lab_id: LabArgument) -> None:
    """Show the next hint for a lab (hints are progressive; each view is recorded)."""
    from mlcamp.practice import next_hint

    lab = _lab_or_exit(lab_id)
    with _store_or_exit() as store:
        hint = next_hint(lab, store)
    note = " (you have seen every hint; this is the last one again)" if hint.repeated else ""
    console.print(f"[bold]Hint {hint.number} of {hint.total}[/] for {lab.id}{note}")
    console.print(_markdown(hint.text))


@app.command("solution")
def solution_command(
    lab_id: LabArgument,
    force: Annotated[
        bool, typer.Option("--force", help="Show it before passing (recorded as such).")
    ] = False,
) -> None:
    """Show the reference solution: after you pass, or with --force."""
    from mlcamp.practice import SolutionLocked, show_solution

    lab = _lab_or_exit(lab_id)
    with _store_or_exit() as store:
        try:
            text = show_solution(lab, store, force=force)
        except SolutionLocked as exc:
            errors.print(str(exc), markup=False, highlight=False)
            raise typer.Exit(1) from exc
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# -- plan and progress ----------------------------------------------------------------------------

TopicArgument = Annotated[str, typer.Argument(help="Topic id (see `mlcamp path`).")]


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        errors.print(f"{option} must be a date like 2026-01-05, got '{value}'.", markup=False)
        raise typer.Exit(2) from exc


def _today() -> date:
    from mlcamp.clock import today

    try:
        return today()
    except ValueError as exc:
        errors.print(str(exc), markup=False)
        raise typer.Exit(2) from exc


@app.command("plan")
def plan_command(
    background: Annotated[
        str | None,
        typer.Option(help="Your background: beginner, math-stats or software-engineer."),
    ] = None,
    hours: Annotated[
        float | None, typer.Option(help="Hours of study per week (1-80).", show_default=False)
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="Start date, YYYY-MM-DD.", show_default=False)
    ] = None,
    target: Annotated[
        str | None, typer.Option(help="Target end date, YYYY-MM-DD.", show_default=False)
    ] = None,
    specialization: Annotated[
        str | None, typer.Option(help="cv, nlp or time-series.", show_default=False)
    ] = None,
    catch_up: Annotated[
        str | None,
        typer.Option(
            "--catch-up",
            help="When behind: extend, hours or drop-optional (see the options shown).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", help="Write the plan as an iCalendar file.", dir_okay=False),
    ] = None,
    weeks: Annotated[int, typer.Option(help="Weeks to show (0 = all).", min=0)] = 8,
) -> None:
    """Your dated weekly plan: re-planned from your progress every time you look."""
    from mlcamp.planner.overview import UnknownCatchUp, plan_calendar_bytes, refresh_plan
    from mlcamp.planner.profile import ProfileError

    today = _today()
    changes: dict[str, object] = {}
    if background is not None:
        changes["background"] = background
    if hours is not None:
        changes["hours_per_week"] = hours
    if start is not None:
        changes["start_date"] = _parse_date(start, "--start")
    if target is not None:
        changes["target_date"] = _parse_date(target, "--target")
    if specialization is not None:
        changes["specialization"] = specialization
    with _store_or_exit() as store:
        try:
            view = refresh_plan(store, today, changes=changes, catch_up=catch_up)
        except ProfileError as exc:
            errors.print(f"{exc}.", markup=False)
            raise typer.Exit(2) from exc
        except UnknownCatchUp as exc:
            errors.print(f"{exc}.", markup=False)
            raise typer.Exit(2) from exc
        calendar = plan_calendar_bytes(store, view) if ics is not None else b""
    if ics is not None:
        try:
            ics.write_bytes(calendar)
        except OSError as exc:
            errors.print(f"Cannot write {ics}: {exc.strerror or exc}", markup=False)
            raise typer.Exit(1) from exc
    if as_json:
        sys.stdout.write(json.dumps(view.to_json(), indent=2) + "\n")
        return
    _print_plan(view.plan, view.standing, view.options, weeks)
    if view.target is not None:
        target_day, on_time, needed = (
            view.target.target,
            view.target.on_time,
            view.target.hours_needed,
        )
        if on_time:
            console.print(f"[green]On time for your target date {target_day}.[/]")
        elif needed is not None:
            console.print(
                f"[yellow]Your target date {target_day} needs about {needed:g} h/week:[/] "
                f"mlcamp plan --hours {needed:g}"
            )
        else:
            console.print(
                f"[yellow]Your target date {target_day} cannot be met even at 40 h/week:[/] "
                "choose a later one with mlcamp plan --target YYYY-MM-DD"
            )
    if ics is not None:
        console.print(f"Calendar written to {ics} (plan #{view.sequence}).", markup=False)


def _print_plan(plan: Plan, where: Standing, options: list[Option], weeks: int) -> None:
    profile = plan.profile
    months = (plan.end - plan.start).days / 30.44
    console.print(
        f"[bold]Plan[/] for a {profile.background} at {profile.hours_per_week:g} h/week: "
        f"{plan.start} to [bold]{plan.end}[/] ({months:.1f} months, {plan.total_hours:g} h left)"
    )
    if where.is_behind:
        console.print(
            f"[yellow]You are {where.behind_hours:g} h (about {where.behind_weeks:g} weeks) "
            f"behind the plan you accepted, which ended {where.baseline_end}.[/]"
        )
        for option in options:
            console.print(
                f"  mlcamp plan --catch-up {option.name}: {option.description} (ends {option.end})",
                markup=False,
            )
    elif where.ahead_hours:
        console.print(f"[green]You are {where.ahead_hours:g} h ahead of plan.[/]")
    table = Table(show_lines=False)
    table.add_column("week of")
    table.add_column("items")
    table.add_column("hours", justify="right")
    shown = plan.weeks if weeks == 0 else plan.weeks[:weeks]
    for week in shown:
        names = "\n".join(
            f"{item.kind}: {item.title}"
            + (f" ({item.part}/{item.parts})" if item.parts > 1 else "")
            + f" - {item.hours:g} h"
            for item in week.items
        )
        table.add_row(week.start.isoformat(), names, f"{week.hours:g}")
    console.print(table, markup=False)
    if weeks and len(plan.weeks) > weeks:
        console.print(f"... {len(plan.weeks) - weeks} more weeks (--weeks 0 shows all).")


@app.command("today")
def today_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What to do this week: topics, the next lab, reviews due, and whether you are on track."""
    from mlcamp.planner.overview import today_view

    day = _today()
    with _store_or_exit() as store:
        view = today_view(store, day)
    if as_json:
        sys.stdout.write(json.dumps(view.to_json(), indent=2) + "\n")
        return
    console.print(f"[bold]This week[/] ({view.week.start if view.week else day}):")
    if not view.items:
        console.print("  Nothing left in the plan. Well done!")
    for item in view.items:
        console.print(f"  {item.kind}: {item.title} - {item.hours:g} h", markup=False)
    if view.next_lab is not None:
        console.print(
            f"Next lab: {view.next_lab.title} (mlcamp get {view.next_lab.id})", markup=False
        )
    due = view.reviews_due
    console.print(f"Reviews due: {due}" + (" (mlcamp review)" if due else ""))
    where = view.standing
    if where.is_behind:
        console.print(
            f"[yellow]Behind by {where.behind_hours:g} h: run mlcamp plan for ways to catch up.[/]"
        )
    elif where.ahead_hours:
        console.print(f"[green]Ahead by {where.ahead_hours:g} h.[/]")
    else:
        console.print(f"On track: the plan ends {view.plan_end}.")


@app.command("progress")
def progress_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Your progress per module, with the evidence behind it."""
    from mlcamp.planner.overview import progress_view

    with _store_or_exit() as store:
        view = progress_view(store)
    if as_json:
        sys.stdout.write(json.dumps(view.to_json(), indent=2) + "\n")
        return
    rows = [(r.title, r.finished, r.skipped, r.total) for r in view.parts]
    progress, milestones = view.progress, view.milestones
    from rich.progress_bar import ProgressBar

    table = Table(title="mlcamp progress")
    table.add_column("part")
    table.add_column("", width=30)
    table.add_column("done", justify="right")
    for title, finished, skipped, total in rows:
        extra = f" (+{skipped} skipped)" if skipped else ""
        table.add_row(
            title,
            ProgressBar(total=total, completed=finished, width=30),
            f"{finished}/{total}{extra}",
        )
    console.print(table)
    console.print(f"Labs passed: {len(progress.passed_labs)}")
    console.print("[bold]Milestones[/]")
    for status in milestones:
        mark = "[green]reached[/]" if status.reached else f"{status.have}/{status.need}"
        console.print(f"  {mark}  {status.milestone.title}")
        if not status.reached:
            console.print(f"      {status.missing}", markup=False, style="dim")


def _set_state(topic_id: str, state: str) -> None:
    from mlcamp.planner.overview import UnknownTopic, find_topic, mark_topic

    try:
        find_topic(topic_id)
    except UnknownTopic as exc:
        errors.print(f"{exc} See `mlcamp path`.", markup=False)
        raise typer.Exit(2) from exc
    with _store_or_exit() as store:
        topic, added = mark_topic(store, topic_id, state)
    console.print(f"{topic.title}: {state} (self-reported).", markup=False)
    if added:
        console.print(f"{added} concept cards join your reviews (mlcamp review).")


@app.command("done")
def done_command(topic_id: TopicArgument) -> None:
    """Mark a topic done (recorded as self-reported)."""
    _set_state(topic_id, "done")


@app.command("learning")
def learning_command(topic_id: TopicArgument) -> None:
    """Mark a topic as being learned now."""
    _set_state(topic_id, "learning")


@app.command("skip")
def skip_command(topic_id: TopicArgument) -> None:
    """Skip a topic by choice: it and its labs leave your plan."""
    _set_state(topic_id, "skipped")


@app.command("assess")
def assess_command(
    area: Annotated[
        list[str] | None,
        typer.Option("--area", help="Only these areas (repeatable).", show_default=False),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="A JSON file of answers {item id: choice number from 1} instead of asking.",
            dir_okay=False,
        ),
    ] = None,
    adopt: Annotated[
        bool, typer.Option("--adopt", help="Switch your plan to the recommended background.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Readiness quiz: places you out of topics you know and recommends a pathway."""
    from mlcamp.assessment.quiz import AREAS, read_quiz
    from mlcamp.assessment.scoring import score
    from mlcamp.assessment.service import apply_result

    areas, problems = read_quiz()
    if problems:
        for problem in problems[:10]:
            print(problem.render(), file=sys.stderr)
        errors.print("The quiz content has problems: run mlcamp content check.")
        raise typer.Exit(1)
    if area:
        unknown = sorted(set(area) - set(AREAS))
        if unknown:
            errors.print(f"Unknown area {', '.join(unknown)}. Areas: {', '.join(AREAS)}.")
            raise typer.Exit(2)
        areas = [a for a in areas if a.area in area]
    given: dict[str, int] = {}
    if answers is not None:
        try:
            raw = json.loads(answers.read_text(encoding="utf-8"))
            given = {str(k): int(v) - 1 for k, v in raw.items()}
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            errors.print(
                f"Cannot read answers from {answers}: {exc}. Expected a JSON object of item id "
                "to choice number (1 = first choice).",
                markup=False,
            )
            raise typer.Exit(2) from exc
    else:
        given = _ask_quiz(areas)
    result = score(areas, given)
    with _store_or_exit() as store:
        changed = apply_result(store, result, adopt_background=adopt, answers=given).changed
    if as_json:
        document = result.to_json()
        document["changed_topics"] = changed
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return
    table = Table(title="Readiness")
    table.add_column("area")
    table.add_column("score", justify="right")
    table.add_column("")
    for item in result.areas:
        mark = "[green]passed: topics placed out[/]" if item.passed else "study it"
        table.add_row(item.area, f"{item.correct}/{item.total}", mark)
    console.print(table)
    console.print(f"Recommended pathway: [bold]{result.recommended_background}[/]")
    if not adopt:
        console.print(
            f"Adopt it with: mlcamp plan --background {result.recommended_background}",
            markup=False,
        )


def _ask_quiz(areas: list[QuizArea]) -> dict[str, int]:
    given: dict[str, int] = {}
    for area in areas:
        console.rule(area.title)
        for number, item in enumerate(area.items, start=1):
            console.print(_markdown(f"**{number}.** {item.question}"))
            for index, choice in enumerate(item.choices, start=1):
                console.print(_markdown(f"{index}. {choice}"))
            choice = typer.prompt(
                f"Your answer (1-{len(item.choices)}, Enter to skip)",
                default="",
                show_default=False,
            )
            if choice.strip().isdigit() and 1 <= int(choice) <= len(item.choices):
                given[item.id] = int(choice) - 1
    return given


@app.command("review")
def review_command(
    limit: Annotated[int, typer.Option(help="At most this many cards.", min=1)] = 20,
) -> None:
    """Review the concept cards due now: recall, then rate 1 again, 2 hard, 3 good, 4 easy."""
    import time as clock

    from mlcamp.review.service import RATINGS, due_cards, rate

    with _store_or_exit() as store:
        due = due_cards(store, limit=limit)
        if not due:
            console.print("No cards due. Mark topics with mlcamp learning / done to add theirs.")
            return
        console.print(f"{len(due)} cards due.")
        for position, item in enumerate(due, start=1):
            console.rule(f"{position}/{len(due)} - {item.topic_id}")
            console.print(_markdown(item.card.front))
            started = clock.monotonic()
            typer.prompt("Recall the answer, then press Enter", default="", show_default=False)
            console.print(_markdown(item.card.back))
            while True:
                answer = typer.prompt("Rate 1 again, 2 hard, 3 good, 4 easy (q to stop)")
                if answer.strip().lower() == "q":
                    return
                if answer.strip() in {"1", "2", "3", "4"}:
                    break
                console.print("Type 1, 2, 3 or 4.")
            rating = int(answer)
            nxt = rate(store, item.card_id, rating, duration_seconds=clock.monotonic() - started)
            console.print(f"{RATINGS[rating]}: next review {nxt.date()}", markup=False)
    console.print("Session done.")


@app.command("milestone")
def milestone_command(
    milestone_id: Annotated[str, typer.Argument(help="Milestone id (see mlcamp progress --json).")],
    note: Annotated[
        str | None,
        typer.Option("--note", help="What shows it: a link, a venue, what you taught."),
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove your record.")] = False,
) -> None:
    """Record a milestone that only you can attest (a paper, a contribution, mentoring)."""
    from mlcamp.planner.reported import (
        MilestoneNotReportable,
        UnknownMilestone,
        UnusableNote,
        record_reported_milestone,
        remove_reported_milestone,
        reportable_milestone,
    )

    try:
        milestone = reportable_milestone(milestone_id)
        if not remove and not (note or "").strip():
            raise UnusableNote(f"Say what shows it with --note: {milestone.evidence.prompt}")
        with _store_or_exit() as store:
            if remove:
                remove_reported_milestone(store, milestone.id)
                console.print(f"Removed your record of '{milestone.title}'.", markup=False)
                return
            record_reported_milestone(store, milestone.id, note or "")
    except (UnknownMilestone, MilestoneNotReportable, UnusableNote) as exc:
        errors.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    console.print(f"Recorded (self-reported): {milestone.title}.", markup=False)


@app.command("export")
def export_command(
    file: Annotated[Path, typer.Argument(help="JSON file to write.", dir_okay=False)],
) -> None:
    """Write all your data (profile, progress, labs, plans, reviews, quizzes) to one JSON file."""
    with _store_or_exit() as store:
        learner = store.get_or_create_learner(LEARNER).id
        document = store.export_learner(learner)
    try:
        file.write_text(json.dumps(document, indent=2, sort_keys=True), encoding="utf-8")
    except OSError as exc:
        errors.print(f"Cannot write {file}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(1) from exc
    console.print(f"Exported to {file}.", markup=False)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="A file written by mlcamp export.", dir_okay=False)],
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace your current data with the file's.")
    ] = False,
) -> None:
    """Load data written by `mlcamp export` (all or nothing)."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        errors.print(f"Cannot read {file}: {exc}", markup=False)
        raise typer.Exit(2) from exc
    with _store_or_exit() as store:
        try:
            record = store.import_learner(document, name=LEARNER, replace=replace)
        except ValueError as exc:
            hint = " Use --replace to overwrite your current data." if "exists" in str(exc) else ""
            errors.print(f"Not imported: {str(exc).rstrip('.')}.{hint}", markup=False)
            raise typer.Exit(1) from exc
    console.print(f"Imported {file} ({record.background}, {record.hours_per_week:g} h/week).")


def main() -> None:
    """Entry point of the `mlcamp` console script."""
    arguments = sys.argv[1:]
    if arguments[:1] != ["check"]:
        app()
        return
    if not {"--help", "-h"} & set(arguments):
        _CHECK_HEAD_START.start()
    try:
        check_app()(args=arguments[1:], prog_name="mlcamp check")
    finally:
        _CHECK_HEAD_START.stop()


def check_app() -> typer.Typer:
    """`mlcamp check` on its own: Typer reads the parameters of every command of an app before
    it runs one (60 ms for this one's 45), and `check` is the command run most often."""
    single = typer.Typer(add_completion=False, rich_markup_mode="rich")
    single.command("check")(check_command)
    return single
