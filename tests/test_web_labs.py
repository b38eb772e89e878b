"""The lab pages and check endpoints of the web app: the same work as `mlcamp labs / get / check /
hint / solution`, recorded in the same store and saved to the same workspace file."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from mlcamp.labs import all_labs, get_lab
from tests.conftest import WEB_ORIGIN, WEB_TOKEN, WebClient

LAB = "pairwise-distances"
API = f"/api/labs/{LAB}/check"
BEARER = {"authorization": f"Bearer {WEB_TOKEN}"}


def esc(text: str) -> str:
    """``text`` as the templates escape it."""
    return str(escape(text))


def app_store(web: WebClient) -> Any:
    return web.client.app.state.store


def learner_id(web: WebClient) -> int:
    return int(app_store(web).get_or_create_learner("me").id)


def workspace_file(home: Path) -> Path:
    return home / "workspace" / LAB / "pairwise_distances.py"


def textarea(page: str) -> str:
    match = re.search(r'<textarea id="code"[^>]*>\n(.*?)</textarea>', page, re.DOTALL)
    assert match is not None, "the page has no editor"
    return html.unescape(match.group(1))


# -- pages ----------------------------------------------------------------------------------------


def test_list_shows_every_shipped_lab_by_part_with_status(web: WebClient) -> None:
    response = web.get("/labs")
    assert response.status_code == 200
    page = response.text
    for lab in all_labs():
        assert f'href="/labs/{lab.id}"' in page, lab.id
        assert esc(lab.spec.title) in page, lab.id
    assert "Prerequisites and Foundation" in page and "Module 1: ML Fundamentals" in page
    # parts in the order of the path
    assert page.index("Prerequisites and Foundation") < page.index("Module 1: ML Fundamentals")
    assert f"{len(all_labs())} labs: 0 passed, 0 attempted, {len(all_labs())} new" in page
    assert 'href="/static/labs.css"' in page


def test_lab_page_has_statement_editor_with_starter_and_workspace_path(
    web: WebClient, isolated_home: Path
) -> None:
    lab = get_lab(LAB)
    page = web.get(f"/labs/{LAB}").text
    assert "<math" in page  # the README's math is MathML
    assert page.count("<h1") == 1  # the README's own title is not repeated
    assert textarea(page) == lab.starter
    assert '<label for="code"' in page and 'aria-live="polite"' in page
    assert esc(str(workspace_file(isolated_home))) in page
    assert f'href="/labs/{LAB}/starter"' in page and "Download starter" in page
    assert f'action="/labs/{LAB}/hint"' in page
    assert "Show anyway (recorded)" in page  # solution locked before a pass
    assert f'href="/labs/{LAB}/solution"' in page  # present, but hidden until a pass
    assert 'src="/static/labs.js"' in page


def test_lab_page_prefills_the_learners_workspace_file(web: WebClient, isolated_home: Path) -> None:
    file = workspace_file(isolated_home)
    file.parent.mkdir(parents=True)
    file.write_text("def pairwise_sq_dists(A, B):\n    return '<mine>'\n")
    page = web.get(f"/labs/{LAB}").text
    assert textarea(page) == file.read_text()
    assert "&lt;mine&gt;" in page  # escaped, never markup
    assert "loaded from your workspace file" in page


def test_starter_download(web: WebClient) -> None:
    response = web.get(f"/labs/{LAB}/starter")
    assert response.status_code == 200
    assert response.text == get_lab(LAB).starter
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="pairwise_distances.py"'


def test_unknown_lab_is_404_as_page_and_as_json(web: WebClient) -> None:
    page = web.get("/labs/no-such-lab")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no lab &#39;no-such-lab&#39;" in page.text
    api = web.post_json("/api/labs/no-such-lab/check", {"code": "x = 1"})
    assert api.status_code == 404
    assert "no lab 'no-such-lab'" in api.json()["error"]
    assert web.get("/labs/no-such-lab/starter").status_code == 404
    assert web.post_json("/labs/no-such-lab/hint").status_code == 404
    assert web.get("/labs/no-such-lab/solution").status_code == 404


# -- checks: validation and security (no grading) -------------------------------------------------


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ([1, 2], "a JSON array, not an object"),
        ({"source": "x = 1"}, '"code" is missing'),
        ({"code": 42}, '"code" is a number, not a string'),
        ({"code": "x = 1", "speed": "yes"}, '"speed" must be true or false'),
    ],
)
def test_check_rejects_a_malformed_body_with_422(web: WebClient, body: Any, says: str) -> None:
    for url in (API, f"/labs/{LAB}/check"):
        response = web.post_json(url, body, headers={"accept": "application/json"})
        assert response.status_code == 422, response.text
        assert says in response.json()["error"]


def test_check_rejects_a_body_that_is_not_json(web: WebClient) -> None:
    response = web.client.post(
        API,
        content=b"{not json",
        headers={
            "origin": WEB_ORIGIN,
            "x-csrf-token": web.csrf,
            "content-type": "application/json",
        },
    )
    assert response.status_code == 422
    assert "not valid UTF-8 JSON" in response.json()["error"]


def test_check_rejects_code_over_200_kb_with_413(web: WebClient, isolated_home: Path) -> None:
    response = web.post_json(API, {"code": "#" * 200_001})
    assert response.status_code == 413
    assert "the limit is 200 kB" in response.json()["error"]
    assert not workspace_file(isolated_home).exists()  # nothing saved
    assert web.post_json(API, "x" * 2_000_000).status_code == 413  # the body itself is capped


def test_api_with_the_cookie_but_no_csrf_token_is_refused(web: WebClient) -> None:
    response = web.client.post(API, json={"code": "x = 1"}, headers={"origin": WEB_ORIGIN})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]


# -- checks that grade in the sandbox -------------------------------------------------------------


def test_api_with_a_bearer_token_grades_the_starter_as_not_attempted(
    web: WebClient, isolated_home: Path
) -> None:
    web.client.cookies.clear()  # a script: the token in the header, no cookie, no CSRF token
    response = web.client.post(API, json={"code": get_lab(LAB).starter}, headers=BEARER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    report = response.json()
    assert report["status"] == "error" and report["error"]["kind"] == "not_attempted"
    assert set(report) >= {"lab", "status", "score", "tests", "performance", "error"}
    assert workspace_file(isolated_home).read_text() == get_lab(LAB).starter


def test_api_check_of_a_wrong_variant_fails_with_a_message(web: WebClient) -> None:
    wrong = (get_lab(LAB).folder / "wrong" / "no_shift.py").read_text()
    report = web.post_json(API, {"code": wrong, "speed": False}).json()
    assert report["status"] == "fail" and 0 < report["score"] < 1
    failed = [test for test in report["tests"] if test["status"] == "fail"]
    assert failed and "tolerance" in failed[0]["message"]
    assert [a.status for a in app_store(web).lab_attempts(learner_id(web), LAB)] == ["fail"]


def test_api_check_of_the_reference_passes_records_and_saves(
    web: WebClient, isolated_home: Path
) -> None:
    lab = get_lab(LAB)
    response = web.post_json(API, {"code": lab.reference, "speed": False})
    assert response.status_code == 200
    # the report exactly as `mlcamp check --json` prints it
    assert response.text.startswith('{\n  "schema_version": 1,')
    report = response.json()
    assert report["status"] == "pass" and report["score"] == 1.0
    assert [test["task"] for test in report["tests"]] == sorted(t["task"] for t in report["tests"])
    store = app_store(web)
    learner = learner_id(web)
    attempts = store.lab_attempts(learner, LAB)
    assert [a.status for a in attempts] == ["pass"]
    assert json.loads(attempts[0].report_json)["status"] == "pass"
    done = store.topic_statuses(learner)["vectors-and-matrices"]
    assert (done.state, done.evidence, done.evidence_ref) == ("done", "lab-passed", LAB)
    file = workspace_file(isolated_home)
    assert file.read_text() == lab.reference
    assert (file.parent / "README.md").read_text() == lab.readme  # as `mlcamp get` writes it
    # after the pass: the list and the page say so, and the solution opens (recorded)
    assert "1 passed" in web.get("/labs").text
    page = web.get(f"/labs/{LAB}").text
    assert 'id="solution-open">' in page and "Show anyway (recorded)" not in page
    solution = web.get(f"/labs/{LAB}/solution")
    assert solution.status_code == 200
    assert esc(lab.reference) in solution.text and "You passed" in solution.text
    events = store.lab_events(learner, LAB, "solution")
    assert len(events) == 1 and not events[0].forced


def test_page_check_returns_the_report_fragment_with_the_scaling_plot(web: WebClient) -> None:
    lab = get_lab(LAB)
    response = web.post_json(
        f"/labs/{LAB}/check", {"code": lab.reference}, headers={"accept": "text/html"}
    )
    assert response.status_code == 200, response.text
    fragment = response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" not in fragment and 'data-status="pass"' in fragment
    assert "Task 1: Squared distances between two sets of points" in fragment
    assert fragment.index("Task 1:") < fragment.index("Task 2:") < fragment.index("Task 3:")
    assert "× the reference" in fragment
    svg = re.search(r"<svg.*?</svg>", fragment, re.DOTALL)
    assert svg is not None, "no scaling plot"
    assert "<?xml" not in fragment and "<!DOCTYPE" not in fragment
    title = "Running time of Pairwise squared distances without loops"
    assert f'<title id="scaling-title">{title}</title>' in svg[0]
    assert 'role="img"' in svg[0] and re.search(r'aria-label="[^"]*grows like n\^', svg[0])
    assert "var(--fg)" in svg[0]  # themed with the page's colours
    assert f'href="/labs/{LAB}/solution"' in fragment


def test_page_check_without_script_posts_a_form_and_gets_the_whole_page(
    web: WebClient, isolated_home: Path
) -> None:
    starter = get_lab(LAB).starter
    response = web.post_form(f"/labs/{LAB}/check", {"code": starter.replace("\n", "\r\n")})
    assert response.status_code == 200
    assert "<html" in response.text and 'data-status="error"' in response.text
    assert "not attempted" in response.text
    assert workspace_file(isolated_home).read_text() == starter  # browser CRLF made LF
    assert textarea(response.text) == starter


# -- hints and the solution -----------------------------------------------------------------------


def test_hints_progress_are_recorded_and_listed(web: WebClient) -> None:
    lab = get_lab(LAB)
    total = len(lab.hints)
    first = web.post_json(f"/labs/{LAB}/hint", headers={"accept": "text/html"})
    assert first.status_code == 200
    assert f"Hint 1 of {total}" in first.text and 'id="hint-1"' in first.text
    assert "<math" in first.text  # hints have math too
    second = web.post_json(f"/labs/{LAB}/hint", headers={"accept": "application/json"}).json()
    assert (second["number"], second["total"], second["repeated"]) == (2, total, False)
    assert second["text"] == lab.hints[1]
    for _ in range(total - 2):
        web.post_json(f"/labs/{LAB}/hint")
    again = web.post_json(f"/labs/{LAB}/hint", headers={"accept": "application/json"}).json()
    assert (again["number"], again["repeated"]) == (total, True)
    events = app_store(web).lab_events(learner_id(web), LAB, "hint")
    assert [event.detail for event in events] == [str(n) for n in range(1, total + 1)] + [
        str(total)
    ]
    page = web.get(f"/labs/{LAB}").text
    assert all(f'id="hint-{n}"' in page for n in range(1, total + 1))
    assert "Show the last hint again" in page


def test_hint_form_without_script_redirects_back_to_the_hints(web: WebClient) -> None:
    response = web.post_form(f"/labs/{LAB}/hint", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/labs/{LAB}#hint-1"
    assert 'id="hint-1"' in web.get(f"/labs/{LAB}").text


def test_solution_is_locked_before_a_pass_and_forcing_is_recorded(web: WebClient) -> None:
    lab = get_lab(LAB)
    locked = web.get(f"/labs/{LAB}/solution")
    assert locked.status_code == 200
    assert "Pass the lab first" in locked.text and "Show anyway (recorded)" in locked.text
    assert esc(lab.reference) not in locked.text
    assert web.post_form(f"/labs/{LAB}/solution", {}).text.count("Pass the lab first") == 1
    assert not app_store(web).lab_events(learner_id(web), LAB, "solution")
    forced = web.post_form(f"/labs/{LAB}/solution", {"force": "true", "confirm": "yes"})
    assert forced.status_code == 200
    assert esc(lab.reference) in forced.text
    assert "recorded as such" in forced.text
    events = app_store(web).lab_events(learner_id(web), LAB, "solution")
    assert len(events) == 1 and events[0].forced


def test_forcing_the_solution_needs_the_csrf_token(web: WebClient) -> None:
    response = web.client.post(
        f"/labs/{LAB}/solution", data={"force": "true"}, headers={"origin": WEB_ORIGIN}
    )
    assert response.status_code == 403
    assert not app_store(web).lab_events(learner_id(web), LAB, "solution")


def test_a_check_that_cannot_be_saved_still_grades_and_says_so(
    web: WebClient, isolated_home: Path
) -> None:
    (isolated_home / "workspace").write_text("a file where the workspace folder should be")
    response = web.post_json(API, {"code": get_lab(LAB).starter, "speed": False})
    assert response.status_code == 200
    assert response.json()["error"]["kind"] == "not_attempted"
    assert "not saved to the workspace" in response.headers["x-mlcamp-warning"]
    assert len(app_store(web).lab_attempts(learner_id(web), LAB)) == 1


def test_scaling_plot_is_inline_svg_or_nothing() -> None:
    from mlcamp.grader.report import Scaling
    from mlcamp.web.lab_plots import scaling_svg

    measured = Scaling(
        sizes=[100, 200, 400], seconds=[0.001, 0.004, 0.016], exponent=2.0, expected=2.0
    )
    svg = scaling_svg(measured, title="Running time <of> a lab")
    assert svg is not None and svg.startswith("<svg ")
    assert '<title id="scaling-title">Running time &lt;of&gt; a lab</title>' in svg
    assert 'width="' not in svg.split(">", 1)[0]  # sized by CSS, not in points
    assert ".scaling-svg *{" in svg  # matplotlib's stylesheet kept to the plot
    one_point = Scaling(sizes=[100, 200], seconds=[0.0, 0.004], exponent=None, expected=2.0)
    assert scaling_svg(one_point) is None
