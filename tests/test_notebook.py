"""The Jupyter cell magic grades a cell with the same sandbox and shows HTML."""

from __future__ import annotations

import pytest

from mlcamp.labs import get_lab
from mlcamp.store import open_store

IPython = pytest.importorskip("IPython")


@pytest.fixture(scope="module")
def shell():  # type: ignore[no-untyped-def]
    from IPython.core.interactiveshell import InteractiveShell

    instance = InteractiveShell.instance()
    instance.run_line_magic("load_ext", "mlcamp")
    yield instance
    InteractiveShell.clear_instance()


def test_a_passing_cell_shows_an_html_report_and_is_recorded(shell) -> None:  # type: ignore[no-untyped-def]
    reference = get_lab("pairwise-distances").reference
    view = shell.run_cell_magic("mlcamp", "check pairwise-distances", reference)
    assert view.report.status == "pass"
    html = view._repr_html_()
    assert "pairwise-distances: pass" in html and "<table>" in html
    with open_store() as store:
        learner = store.get_or_create_learner("me")
        assert [a.status for a in store.lab_attempts(learner.id, "pairwise-distances")] == ["pass"]


def test_a_failing_cell_explains_the_failure(shell) -> None:  # type: ignore[no-untyped-def]
    code = get_lab("pairwise-distances").reference.replace("2.0 * (A @ B.T)", "(A @ B.T)")
    view = shell.run_cell_magic("mlcamp", "check pairwise-distances", code)
    assert view.report.status == "fail"
    assert "values are off" in view._repr_html_()


def test_bad_magic_lines_say_how_to_use_it(shell) -> None:  # type: ignore[no-untyped-def]
    assert "usage" in repr(shell.run_cell_magic("mlcamp", "grade it", "x = 1"))
    assert "no lab" in repr(shell.run_cell_magic("mlcamp", "check nope", "x = 1"))
