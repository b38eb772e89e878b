"""Grade a submission: static checks, then each test in the sandbox, then speed and scaling."""

from __future__ import annotations

import ast
import math
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from mlcamp.grader.report import (
    OUTPUT_IN_REPORT,
    PerformanceResult,
    Report,
    ReportError,
    Scaling,
    TestResult,
)
from mlcamp.grader.sandbox import Limits, Sandbox, Submission
from mlcamp.grader.session import (
    Channel,
    ForbiddenUse,
    Learner,
    LearnerMissing,
    LocalChannel,
    Session,
)
from mlcamp.labs.checking import (
    LabChecks,
    LearnerError,
    Oracle,
    PerformanceCase,
    TestCase,
    oracle_cache_file,
)
from mlcamp.labs.compare import CheckFailure, fit_exponent
from mlcamp.labs.registry import Lab

# Errors after which the child process is gone and the next test needs a fresh one.
FATAL_KINDS = {"timeout", "memory", "crash", "exited", "output_limit", "bad_result"}
PERFORMANCE_SECONDS_PER_SIZE = 3.0
SLOW_RATIO = 10.0
CONFIRM_RATIO = 3.0
"""A ratio to the reference beyond this (either way) is measured once more before it is shown:
on a shared machine a burst of stolen time can slow every run of one size of one pass."""
CONFIRM_MAX_SECONDS = 0.5
"""...when timing that size again is cheap (a slow implementation is slow every time)."""


@dataclass
class GradeOptions:
    """How to grade: where the oracle cache lives and whether to measure speed.

    `before_timing`, if given, is called once before the speed measurements start: a caller
    with work of its own running beside the grading quiets it there (timings are only as good as
    the machine is quiet).
    """

    oracle_cache: Path | None = None
    performance: bool = True
    filename: str | None = None
    before_timing: Callable[[], None] | None = None


class _Run:
    """One submission's process (or the in-process executor) with its loaded module."""

    def __init__(self, submission: Submission | None, session: Session, learner: Learner) -> None:
        self.submission = submission
        self.session = session
        self.learner = learner

    def close(self) -> None:
        if self.submission is not None:
            self.submission.close()


class Grader:
    """Grades submissions for labs, reusing one sandbox zygote across submissions."""

    def __init__(self, sandbox: Sandbox | None = None, *, local: bool = False) -> None:
        self.local = local
        self.sandbox = None if local else (sandbox or Sandbox())
        if self.sandbox is not None:
            self.sandbox.launch()  # boots in the background while the checks load

    def close(self) -> None:
        """Stop the sandbox."""
        if self.sandbox is not None:
            self.sandbox.close()

    def __enter__(self) -> Grader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def isolation(self) -> str:
        """The isolation in use: bwrap, fallback, or none (in-process)."""
        return "none (in-process)" if self.sandbox is None else self.sandbox.mode

    # -------------------------------------------------------------------------------------------

    def grade(self, lab: Lab, source: str, options: GradeOptions | None = None) -> Report:
        """Grade `source` (the learner's file) for `lab`."""
        options = options or GradeOptions()
        started = time.monotonic()
        report = self._grade(lab, source, options)
        report.isolation = self.isolation
        report.seconds = round(time.monotonic() - started, 4)
        return report

    def _grade(self, lab: Lab, source: str, options: GradeOptions) -> Report:
        static_error = static_problems(lab, source)
        if static_error is not None:
            return _error_report(lab, static_error)
        checks = lab.load_checks()
        cache = (
            oracle_cache_file(options.oracle_cache, lab.id, lab.checks_file)
            if options.oracle_cache
            else None
        )
        oracle = Oracle(cache)
        limits = _limits(lab)
        filename = options.filename or lab.spec.file
        tests: list[TestResult] = []
        missing_names: list[str] = []
        run: _Run | None = None
        budget_end = time.monotonic() + limits.seconds_total
        try:
            for case in checks.ordered_tests():
                if time.monotonic() > budget_end:
                    tests.append(
                        _result(
                            case,
                            "error",
                            "not run: the time budget of the whole check "
                            f"({limits.seconds_total:g} s) was used up",
                            kind="timeout",
                        )
                    )
                    continue
                if run is None:
                    run, load_error = self._start(lab, source, filename, limits)
                    if load_error is not None:
                        return _error_report(lab, load_error)
                    assert run is not None
                    missing_names = self._missing(run)
                    if len(missing_names) == len(lab.spec.entry_points):
                        run.close()
                        return _error_report(
                            lab,
                            ReportError(
                                kind="missing", message=_missing_message(lab, missing_names)
                            ),
                        )
                needs = [
                    e.name
                    for e in lab.spec.entry_points
                    if e.task == case.task and e.name in missing_names
                ]
                if needs:
                    tests.append(
                        _result(case, "error", _missing_message(lab, needs), kind="missing")
                    )
                    continue
                result, fatal = self._run_test(case, run, oracle)
                tests.append(result)
                if fatal:
                    run.close()
                    run = None
            all_passed = bool(tests) and all(t.status == "pass" for t in tests)
            performance = None
            if all_passed and options.performance and checks.performance_case is not None:
                if run is not None:
                    run.close()
                    run = None
                if options.before_timing is not None:
                    options.before_timing()
                performance = self._performance(lab, checks, source, filename, limits)
        finally:
            if run is not None:
                run.close()
            oracle.save()
        if tests and all(t.kind == "not_implemented" for t in tests):
            return _error_report(
                lab,
                ReportError(
                    kind="not_attempted",
                    message=(
                        "every function still raises NotImplementedError: replace the `raise "
                        "NotImplementedError` lines with your code"
                    ),
                ),
            )
        passed = sum(t.status == "pass" for t in tests)
        score = round(passed / len(tests), 4) if tests else 0.0
        status = "pass" if tests and passed == len(tests) else "fail"
        return Report(lab=lab.id, status=status, score=score, tests=tests, performance=performance)

    def _channel(self, limits: Limits) -> tuple[Channel, Submission | None]:
        if self.sandbox is None:
            return LocalChannel(), None
        submission = self.sandbox.submit(limits)
        return submission, submission

    def _start(
        self, lab: Lab, source: str, filename: str, limits: Limits
    ) -> tuple[_Run | None, ReportError | None]:
        channel, submission = self._channel(limits)
        session = Session(channel, limits.seconds_per_call)
        run = _Run(submission, session, Learner(session, lab.spec.module_name))
        request = {
            "op": "load",
            "source": source,
            "filename": filename,
            "module": lab.spec.module_name,
            "forbidden_imports": list(lab.spec.forbidden_imports),
            "forbidden_calls": list(lab.spec.forbidden.calls),
            "entry_points": [entry.name for entry in lab.spec.entry_points],
        }
        try:
            reply, _ = channel.request(request, [], limits.seconds_per_call)
        except Exception as error:  # SubmissionEnded: timeout, memory, exit, output flood...
            run.close()
            kind = getattr(error, "kind", "crash")
            message = getattr(error, "message", str(error))
            if kind not in _REPORT_KINDS:
                kind = "crash"
            return None, ReportError(kind=kind, message=f"while importing your file: {message}")
        if not reply.get("ok"):
            run.close()
            details = reply.get("error") or {}
            kind = str(details.get("kind", "crash"))
            if kind not in _REPORT_KINDS:
                kind = "crash"
            return None, ReportError(kind=kind, message=str(details.get("message", ""))[:4000])
        run.missing = [str(n) for n in reply.get("missing", [])]  # type: ignore[attr-defined]
        return run, None

    @staticmethod
    def _missing(run: _Run) -> list[str]:
        return list(getattr(run, "missing", []))

    def _run_test(self, case: TestCase, run: _Run, oracle: Oracle) -> tuple[TestResult, bool]:
        started = time.monotonic()
        fatal = False
        try:
            case.function(run.learner, oracle)
            status, message, kind = "pass", "", None
        except CheckFailure as failure:
            status, message, kind = "fail", str(failure), None
        except ForbiddenUse as forbidden:
            status, message, kind = "error", str(forbidden), "forbidden_import"
        except LearnerMissing as missing:
            status, message, kind = "fail", missing.message, "missing"
        except LearnerError as error:
            status, kind = "error", error.kind
            message = _learner_error_message(error)
            fatal = error.kind in FATAL_KINDS
        except Exception as error:  # the checks tripped over an unexpected result
            status, kind = "error", "bad_result"
            message = f"the checks could not use your result: {type(error).__name__}: {error}"
        seconds = round(time.monotonic() - started, 4)
        output = ""
        if run.submission is not None:
            output = run.submission.take_output()
        if len(output) > OUTPUT_IN_REPORT:
            output = output[:OUTPUT_IN_REPORT] + "\n[... output cut]"
        return (
            TestResult(
                name=case.name,
                task=case.task,
                status=status,
                message=message,
                output=output,
                seconds=seconds,
                kind=kind,
            ),
            fatal,
        )

    # -- performance ----------------------------------------------------------------------------

    def _performance(
        self, lab: Lab, checks: LabChecks, source: str, filename: str, limits: Limits
    ) -> PerformanceResult:
        case = checks.performance_case
        assert case is not None
        expected = lab.spec.performance.expected_exponent if lab.spec.performance else None
        perf_limits = Limits(
            seconds_per_call=PERFORMANCE_SECONDS_PER_SIZE * 2,
            seconds_total=max(
                limits.seconds_total, PERFORMANCE_SECONDS_PER_SIZE * len(case.sizes) * 2
            ),
            memory_bytes=limits.memory_bytes,
        )
        learner_times, note = self._time_sizes(lab, case, source, filename, perf_limits)
        reference_times, _ = self._time_sizes(lab, case, lab.reference, "reference.py", perf_limits)
        if not learner_times:
            return PerformanceResult(skipped=note or "could not be measured", scaling=None)
        common = [n for n in learner_times if n in reference_times]
        size = max(common) if common else max(learner_times)
        if _worth_confirming(learner_times.get(size), reference_times.get(size)):
            for times, code, name in (
                (learner_times, source, filename),
                (reference_times, lab.reference, "reference.py"),
            ):
                again, _ = self._time_sizes(lab, case, code, name, perf_limits, sizes=(size,))
                times[size] = min(times[size], again.get(size, math.inf))
        seconds = learner_times[size]
        reference_seconds = reference_times.get(size)
        ratio = round(seconds / reference_seconds, 2) if reference_seconds else None
        sizes = sorted(learner_times)
        exponent = (
            round(fit_exponent(sizes, [learner_times[n] for n in sizes]), 2)
            if len(sizes) >= 3 and max(sizes) >= 4 * min(sizes)
            else None
        )
        ref_sizes = sorted(reference_times)
        reference_exponent = (
            round(fit_exponent(ref_sizes, [reference_times[n] for n in ref_sizes]), 2)
            if len(ref_sizes) >= 3
            else None
        )
        advice = _advice(ratio, exponent, expected, size, note)
        return PerformanceResult(
            size=size,
            seconds=round(seconds, 6),
            reference_seconds=round(reference_seconds, 6) if reference_seconds else None,
            ratio=ratio,
            scaling=Scaling(
                sizes=sizes,
                seconds=[round(learner_times[n], 6) for n in sizes],
                exponent=exponent,
                expected=expected,
                reference_exponent=reference_exponent,
            ),
            advice=advice,
        )

    def _time_sizes(
        self,
        lab: Lab,
        case: PerformanceCase,
        source: str,
        filename: str,
        limits: Limits,
        sizes: tuple[int, ...] | None = None,
    ) -> tuple[dict[int, float], str | None]:
        run, error = self._start(lab, source, filename, limits)
        if error is not None or run is None:
            return {}, error.message if error else None
        times: dict[int, float] = {}
        note = None
        run.session.discard_results = True
        # Each call runs several times in the sandbox on one copy of its inputs (they cross the
        # pipe once) and its best time counts: always two runs at least (a first run can pay
        # for page faults or a busy core), more only for short calls, where noise weighs more,
        # one only when a run takes half the time allowed for a size.
        run.session.repeat_runs = max(2, case.repeats)
        run.session.enough_seconds = PERFORMANCE_SECONDS_PER_SIZE / 2
        try:
            for n in sizes or case.sizes:
                rng = np.random.default_rng(1000 + n)
                before = run.session.call_seconds
                case.function(run.learner, n, rng)
                best = run.session.call_seconds - before
                times[n] = best
                if best > PERFORMANCE_SECONDS_PER_SIZE:
                    note = f"stopped measuring after n={n} took {best:.2f} s"
                    break
        except LearnerError as failure:
            note = f"stopped measuring: {failure.message}"
        except (CheckFailure, ForbiddenUse) as failure:
            note = f"stopped measuring: {failure}"
        finally:
            run.close()
        return times, note


def _worth_confirming(seconds: float | None, reference_seconds: float | None) -> bool:
    """Whether a timing and the reference's are far enough apart, and quick enough to measure
    again, for the ratio to be confirmed before it is shown."""
    if not seconds or not reference_seconds:
        return False
    ratio = seconds / reference_seconds
    far = ratio > CONFIRM_RATIO or ratio < 1 / CONFIRM_RATIO
    return far and max(seconds, reference_seconds) <= CONFIRM_MAX_SECONDS


_REPORT_KINDS = {
    "syntax",
    "missing",
    "not_attempted",
    "forbidden_import",
    "timeout",
    "memory",
    "crash",
    "exited",
    "bad_result",
    "output_limit",
}


def _limits(lab: Lab) -> Limits:
    spec = lab.spec.limits
    return Limits(
        seconds_per_call=spec.seconds_per_test,
        seconds_total=spec.seconds_total,
        memory_bytes=spec.memory_mb * 1024 * 1024,
    )


def _result(
    case: TestCase,
    status: Literal["pass", "fail", "error"],
    message: str,
    *,
    kind: str | None = None,
) -> TestResult:
    return TestResult(name=case.name, task=case.task, status=status, message=message, kind=kind)


def _error_report(lab: Lab, error: ReportError) -> Report:
    return Report(lab=lab.id, status="error", score=0.0, error=error)


def _missing_message(lab: Lab, names: list[str]) -> str:
    parts = []
    for entry in lab.spec.entry_points:
        if entry.name in names:
            kind = "class" if entry.kind == "class" else "function"
            parts.append(f"the {kind} `{entry.name}` (task {entry.task})")
    return f"your file does not define {', '.join(parts)}: check the spelling against the README"


def _learner_error_message(error: LearnerError) -> str:
    if error.kind == "not_implemented":
        return "not implemented yet: this still raises NotImplementedError"
    if error.kind == "exception":
        return f"your code raised an exception:\n{error.message}"
    return error.message


def _advice(
    ratio: float | None, exponent: float | None, expected: float | None, size: int, note: str | None
) -> list[str]:
    advice: list[str] = []
    if note:
        advice.append(note)
    if ratio is not None and ratio >= SLOW_RATIO:
        advice.append(
            f"At n={size} your code is {ratio:g}x slower than the reference. Look for Python "
            "loops over samples or features and replace them with NumPy operations on whole "
            "arrays (broadcasting, matrix products, reductions along an axis)."
        )
    if exponent is not None and expected is not None and exponent > expected + 0.5:
        advice.append(
            f"Your time grows like n^{exponent:.2f}, but the algorithm can run in n^{expected:g}: "
            "something is recomputed inside a loop, or an intermediate result is larger than "
            "needed."
        )
    return advice


# -- checks that need no sandbox ------------------------------------------------------------------


def _normalise_source(source: str) -> str:
    lines = [line.rstrip() for line in source.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def static_problems(lab: Lab, source: str) -> ReportError | None:
    """Syntax errors, an untouched starter and forbidden imports, found without running anything."""
    try:
        tree = ast.parse(source, filename=lab.spec.file)
    except SyntaxError as error:
        where = f"line {error.lineno}" + (f", column {error.offset}" if error.offset else "")
        text = (error.text or "").rstrip()
        shown = f"\n    {text}" if text else ""
        return ReportError(kind="syntax", message=f"{where}: {error.msg}{shown}")
    except ValueError as error:  # e.g. null bytes
        return ReportError(kind="syntax", message=str(error))
    if _normalise_source(source) == _normalise_source(lab.starter):
        return ReportError(
            kind="not_attempted",
            message=f"{lab.spec.file} is still the starter file: fill in the functions the README "
            "asks for, then check again",
        )
    forbidden = lab.spec.forbidden_imports
    if not _may_use_forbidden(source, forbidden, lab.spec.forbidden.calls):
        return None
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for name in names:
            for banned in forbidden:
                if name == banned or name.startswith(banned + "."):
                    return ReportError(
                        kind="forbidden_import",
                        message=f"line {getattr(node, 'lineno', '?')}: `{name}` is not allowed "
                        "in this lab: the point is to implement it yourself with NumPy",
                    )
    for node in ast.walk(tree):
        used = _forbidden_call_used(node, lab.spec.forbidden.calls)
        if used is not None:
            return ReportError(
                kind="forbidden_import",
                message=f"line {getattr(node, 'lineno', '?')}: `{used}` is not allowed in this "
                "lab: "
                "derive the solution yourself (the README shows how)",
            )
    return None


def _may_use_forbidden(source: str, imports: Sequence[str], calls: Sequence[str]) -> bool:
    """Whether the source could name a forbidden module or call at all: a name in the syntax
    tree is spelled in the text, so an ASCII source without any of the words cannot (walking the
    tree costs milliseconds; this test, microseconds). Non-ASCII sources are always walked:
    Python reads some letters as others in identifiers."""
    if not source.isascii():
        return True
    words = [*imports, *(call.rpartition(".")[2] for call in calls)]
    return any(word in source for word in words)


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _forbidden_call_used(node: ast.AST, calls: list[str]) -> str | None:
    """The forbidden call a node refers to (`np.linalg.lstsq`, `from numpy.linalg import lstsq`)."""
    for call in calls:
        module, _, attribute = call.rpartition(".")
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.split(".")[0] == module.split(".")[0]
            and any(alias.name == attribute for alias in node.names)
        ):
            return call
        if isinstance(node, ast.Attribute) and node.attr == attribute:
            dotted = _dotted(node)
            tail = call.split(".", 1)[1]
            if dotted is not None and (dotted == call or dotted.endswith("." + tail)):
                return call
    return None


@contextmanager
def grader(local: bool = False) -> Iterator[Grader]:
    """A grader for a few submissions, closed (sandbox stopped) at the end."""
    instance = Grader(local=local)
    try:
        yield instance
    finally:
        instance.close()


def grade(lab: Lab, source: str, options: GradeOptions | None = None, **kwargs: Any) -> Report:
    """Grade one submission in a fresh sandbox."""
    with grader(**kwargs) as instance:
        return instance.grade(lab, source, options)
