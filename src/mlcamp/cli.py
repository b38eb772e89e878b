"""The `mlcamp` command line: a thin Typer layer over the core packages."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.tree import Tree

from mlcamp import __version__
from mlcamp.curriculum.problems import ContentError

if TYPE_CHECKING:
    from mlcamp.curriculum import Background, Curriculum
    from mlcamp.grader.sandbox import Sandbox
    from mlcamp.labs import Lab
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
    from mlcamp.curriculum import check_content, default_content_root, load_curriculum
    from mlcamp.grader.content import check_labs
    from mlcamp.paths import mlcamp_home

    content_root = (root or default_content_root()).resolve()
    problems = check_content(content_root)
    curriculum = None if problems else load_curriculum(content_root)
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
            f"{len(curriculum.overview.milestones)} milestones, {lab_count} labs{proven}."
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


@app.command("doctor")
def doctor_command() -> None:
    """Check this machine for what the path needs, and say how to install what is missing."""
    from mlcamp.doctor import essentials_ok, run_checks
    from mlcamp.doctor.environment import mlcamp_checks

    results = run_checks(extra=mlcamp_checks())
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


class _StoreInBackground:
    """Open the store in a thread, so its (slow) import overlaps with other work."""

    def __init__(self) -> None:
        import threading

        self._store: Store | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._open, daemon=True)
        self._thread.start()

    def _open(self) -> None:
        try:
            from mlcamp.store import open_store

            self._store = open_store()
        except BaseException as error:  # re-raised in the caller's thread by result()
            self._error = error

    def result(self) -> Store:
        """The open store, or the error opening it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store


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
    # The store (SQLAlchemy) loads in the background while the submission is graded.
    opening = _StoreInBackground()
    from mlcamp.grader.sandbox import Sandbox, SandboxUnavailable

    try:
        sandbox = Sandbox()
        sandbox.launch()  # the zygote boots while the grader's modules load
    except SandboxUnavailable as exc:
        errors.print(f"{exc}", markup=False)
        raise typer.Exit(1) from exc
    try:
        _check_with(sandbox, opening, lab_id, file, as_json=as_json, speed=speed)
    finally:
        sandbox.close()


def _check_with(
    sandbox: Sandbox,
    opening: _StoreInBackground,
    lab_id: str,
    file: Path | None,
    *,
    as_json: bool,
    speed: bool,
) -> None:
    from mlcamp.grader.render import render_report
    from mlcamp.grader.runner import Grader
    from mlcamp.grader.sandbox import SandboxUnavailable
    from mlcamp.practice import check_file, lab_workspace, record_attempt

    lab = _lab_or_exit(lab_id)
    target = file if file is not None else lab_workspace(lab) / lab.spec.file
    if not target.is_file():
        if file is None:
            errors.print(
                f"No file to grade at {target}. Run `mlcamp get {lab.id}` first, or pass the "
                "file: mlcamp check LAB FILE",
                markup=False,
            )
        else:
            errors.print(f"No such file: {target}", markup=False)
        raise typer.Exit(2)
    try:
        with errors.status(f"Grading {target.name} for {lab.id}..."):
            report, source = check_file(lab, target, grader=Grader(sandbox), performance=speed)
    except SandboxUnavailable as exc:
        errors.print(f"{exc}", markup=False)
        raise typer.Exit(1) from exc
    except OSError as exc:
        errors.print(f"Cannot read {target}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(2) from exc
    from mlcamp.store import StoreError

    try:
        with opening.result() as store:
            record_attempt(store, lab, report, source)
    except StoreError as exc:
        errors.print(
            f"Warning: this check was not recorded: {exc.message}", markup=False, highlight=False
        )
    if as_json:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        console.print(render_report(report))
        if report.passed:
            console.print(f"Passed. The reference solution is open: mlcamp solution {lab.id}")
        else:
            console.print(f"Stuck? mlcamp hint {lab.id}", markup=False)
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
    console.print(Markdown(hint.text))


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


def main() -> None:
    """Entry point of the `mlcamp` console script."""
    app()
