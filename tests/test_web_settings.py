"""The settings, review and readiness-quiz pages of the web app (mlcamp.web.routes.settings,
.review and .assess), driven through FastAPI's TestClient as a browser page would."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mlcamp.assessment.quiz import read_quiz
from mlcamp.planner.overview import mark_topic
from mlcamp.planner.service import LEARNER, learner_profile
from mlcamp.review.cards import read_cards
from mlcamp.web.routes.review import markdown_html
from tests.conftest import WEB_ORIGIN, WEB_TOKEN, WebClient

TODAY = "2026-01-12"
PROFILE = {
    "background": "beginner",
    "hours_per_week": "10",
    "start_date": "2026-01-05",
    "target_date": "",
    "specialization": "",
}


@pytest.fixture
def dated(monkeypatch: pytest.MonkeyPatch) -> str:
    """Freeze mlcamp's clock at noon of :data:`TODAY` (as ``MLCAMP_TODAY`` does for the CLI)."""
    monkeypatch.setenv("MLCAMP_TODAY", TODAY)
    return TODAY


def _learner(web_app: Any) -> int:
    learner: int = web_app.state.store.get_or_create_learner(LEARNER).id
    return learner


def _export(web: WebClient) -> dict[str, Any]:
    response = web.get("/settings/export")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def _upload(
    web: WebClient, content: bytes, *, replace: bool = False, name: str = "backup.json"
) -> Any:
    data = {"replace": "true"} if replace else {}
    return web.post_form(
        "/settings/import",
        data,
        files={"file": (name, content, "application/json")},
        follow_redirects=False,
    )


@pytest.fixture
def fresh_web(tmp_path: Path) -> Iterator[WebClient]:
    """A second app over its own, empty database: another computer, say."""
    from mlcamp.store import open_store
    from mlcamp.web.app import create_app
    from mlcamp.web.grading import GraderPool
    from mlcamp.web.security import Secrets

    store = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    pool = GraderPool(size=1)
    app = create_app(store, Secrets(WEB_TOKEN), graders=pool)
    try:
        with TestClient(app, base_url=WEB_ORIGIN) as client:
            client.cookies.set("mlcamp_token", WEB_TOKEN)
            yield WebClient(client, app.state.secrets.csrf)
    finally:
        pool.close()
        store.close()


# -- profile ---------------------------------------------------------------------------------------


def test_settings_page_shows_the_profile_and_where_data_lives(
    onboarded: WebClient, web_app: Any, isolated_home: Path
) -> None:
    page = onboarded.get("/settings")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    assert 'value="beginner" checked' in page.text
    assert str(isolated_home) in page.text
    assert web_app.state.store.location in page.text
    assert "Grading isolation" in page.text
    assert 'enctype="multipart/form-data"' in page.text


def test_profile_update_saves_and_replans(onboarded: WebClient, web_app: Any) -> None:
    opened = web_app.state.store
    before = opened.latest_plan(_learner(web_app))
    assert before is not None
    response = onboarded.post_form(
        "/settings/profile",
        {
            **PROFILE,
            "hours_per_week": "20",
            "target_date": "2027-06-30",
            "include_optional": "true",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/settings?done=profile"
    profile = learner_profile(opened)
    assert profile.hours_per_week == 20
    assert profile.target_date is not None and profile.target_date.isoformat() == "2027-06-30"
    after = opened.latest_plan(_learner(web_app))
    assert after is not None
    assert after.sequence > before.sequence
    assert after.reason == "profile changed"
    assert after.end_date < before.end_date  # twice the hours: done sooner
    shown = onboarded.get(response.headers["location"])
    assert "Profile saved" in shown.text
    assert 'value="20"' in shown.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours_per_week", "500", "between 1 and 80"),
        ("hours_per_week", "lots", "must be a number"),
        ("start_date", "next monday", "start date must be a date"),
        ("target_date", "2025-01-01", "target date must be after the start date"),
        ("background", "wizard", "unknown background"),
    ],
)
def test_a_bad_profile_value_is_refused_and_the_form_kept(
    onboarded: WebClient, web_app: Any, field: str, value: str, message: str
) -> None:
    opened = web_app.state.store
    profile = learner_profile(opened)
    sequence = opened.latest_plan(_learner(web_app)).sequence
    response = onboarded.post_form("/settings/profile", {**PROFILE, field: value})
    assert response.status_code == 422
    assert message in response.text
    assert "Not saved" in response.text
    assert 'id="profile-form"' in response.text
    if field in ("hours_per_week", "start_date", "target_date"):
        assert f'value="{value}"' in response.text  # what was typed stays in the form
    assert learner_profile(opened) == profile
    assert opened.latest_plan(_learner(web_app)).sequence == sequence


# -- export and import -----------------------------------------------------------------------------


def test_export_downloads_everything_and_imports_into_a_fresh_app(
    onboarded: WebClient, web_app: Any, fresh_web: WebClient, dated: str
) -> None:
    mark_topic(web_app.state.store, "cross-validation", "done")
    response = onboarded.get("/settings/export")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="mlcamp-export-{dated}.json"'
    document = response.json()
    assert document["format"] == "mlcamp-export"
    assert document["learner"]["name"] == LEARNER
    assert any(row["topic_id"] == "cross-validation" for row in document["topic_statuses"])
    assert document["plans"] and document["review_cards"]

    assert fresh_web.get("/settings").status_code == 200  # creates the default learner
    imported = _upload(fresh_web, response.content)  # nothing recorded there: no box needed
    assert imported.status_code == 303, imported.text
    assert imported.headers["location"] == "/settings?done=imported"
    assert "Data imported" in fresh_web.get("/settings?done=imported").text
    assert _export(fresh_web) == document


def test_import_over_existing_data_needs_the_replace_box(
    onboarded: WebClient, web_app: Any
) -> None:
    saved = _export(onboarded)
    mark_topic(web_app.state.store, "cross-validation", "done")  # progress after the backup
    changed = _export(onboarded)
    assert changed != saved

    refused = _upload(onboarded, json.dumps(saved).encode())
    assert refused.status_code == 422
    assert "you already have data here" in refused.text
    assert "Replace my current data" in refused.text
    assert _export(onboarded) == changed  # nothing touched

    replaced = _upload(onboarded, json.dumps(saved).encode(), replace=True)
    assert replaced.status_code == 303, replaced.text
    assert _export(onboarded) == saved


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "mlcamp-export", ', "is not valid JSON"),
        (b"\xff\xfe\x00garbage", "not a text file"),
        (b"", "is empty"),
        (b"[1, 2, 3]", "must be a JSON object"),
        (b'{"format": "something-else"}', "this is not an mlcamp export"),
    ],
)
def test_a_malformed_file_is_refused_and_data_kept(
    onboarded: WebClient, content: bytes, message: str
) -> None:
    before = _export(onboarded)
    response = _upload(onboarded, content, replace=True)
    assert response.status_code == 422
    assert message in response.text
    assert "Not imported" in response.text
    assert _export(onboarded) == before


def test_an_import_names_the_bad_field_and_changes_nothing(
    onboarded: WebClient, web_app: Any
) -> None:
    before = _export(onboarded)
    broken = copy.deepcopy(before)
    broken["plans"][0]["items"][0]["kind"] = "party"
    broken["learner"]["hours_per_week"] = 99  # would be a visible change, if it got in
    response = _upload(onboarded, json.dumps(broken).encode(), replace=True)
    assert response.status_code == 422
    assert "plans[0].items[0].kind" in response.text
    assert "Nothing was changed" in response.text
    assert _export(onboarded) == before


def test_import_without_a_file_says_to_choose_one(onboarded: WebClient) -> None:
    response = onboarded.post_form(
        "/settings/import",
        {"replace": "true"},
        files={"file": ("", b"", "application/octet-stream")},
    )
    assert response.status_code == 422
    assert "Choose the file to import" in response.text


# -- review ----------------------------------------------------------------------------------------


def _card_on_page(html: str) -> str:
    match = re.search(r'action="/review/([a-z0-9-]+)"', html)
    assert match is not None, html
    return match.group(1)


def _due_count(html: str) -> int:
    match = re.search(r'id="due-count" class="due-count"><strong>(\d+)</strong>', html)
    assert match is not None, html
    return int(match.group(1))


def test_review_flow_rates_cards_until_none_are_due(
    onboarded: WebClient, web_app: Any, dated: str
) -> None:
    opened = web_app.state.store
    empty = onboarded.get("/review")
    assert empty.status_code == 200
    assert _due_count(empty.text) == 0
    assert "no concept cards yet" in empty.text

    _topic, added = mark_topic(opened, "cross-validation", "done")
    assert added == len(read_cards()[0]["cross-validation"])
    page = onboarded.get("/review")
    assert _due_count(page.text) == added
    card_id = _card_on_page(page.text)
    assert "<summary>Show answer</summary>" in page.text
    for label in ("Again", "Hard", "Good", "Easy"):
        assert f'<span class="rating-label">{label}</span>' in page.text
    shown = re.search(r'name="shown" value="([^"]+)"', page.text)
    assert shown is not None

    rated = onboarded.post_form(
        f"/review/{card_id}", {"rating": "3", "shown": shown.group(1)}, follow_redirects=False
    )
    assert rated.status_code == 303, rated.text
    assert rated.headers["location"].startswith("/review?rated=3&next=")
    logs = opened.review_logs(_learner(web_app))
    assert [(log.card_id, log.rating) for log in logs] == [(card_id, 3)]
    assert logs[0].duration_seconds == 0  # the clock is frozen at noon of MLCAMP_TODAY
    after = onboarded.get(rated.headers["location"])
    assert _due_count(after.text) == added - 1
    assert "Rated Good" in after.text
    assert _card_on_page(after.text) != card_id

    again = onboarded.post_form(f"/review/{card_id}", {"rating": "3"}, follow_redirects=False)
    assert again.status_code == 303  # a form sent twice does not rate the card twice
    assert len(opened.review_logs(_learner(web_app))) == 1

    for _ in range(added - 1):
        current = _card_on_page(onboarded.get("/review").text)
        onboarded.post_form(f"/review/{current}", {"rating": "4"})
    done = onboarded.get("/review")
    assert _due_count(done.text) == 0
    assert "Your next card is due on" in done.text


def test_review_refuses_a_bad_rating_or_unknown_card(
    onboarded: WebClient, web_app: Any, dated: str
) -> None:
    mark_topic(web_app.state.store, "cross-validation", "learning")
    card_id = _card_on_page(onboarded.get("/review").text)
    for rating in ("0", "5", "good", ""):
        response = onboarded.post_form(f"/review/{card_id}", {"rating": rating})
        assert response.status_code == 422, rating
    assert (
        "rating must be 1 (again)"
        in onboarded.post_form(f"/review/{card_id}", {"rating": "9"}).text
    )
    unknown = onboarded.post_form("/review/no-such-card", {"rating": "3"})
    assert unknown.status_code == 404
    assert web_app.state.store.review_logs(_learner(web_app)) == []


# -- readiness quiz --------------------------------------------------------------------------------


def _right_answers() -> dict[str, str]:
    areas, problems = read_quiz()
    assert not problems
    return {item.id: str(item.answer) for area in areas for item in area.items}


def test_quiz_page_groups_questions_by_area(web: WebClient) -> None:
    areas, _ = read_quiz()
    page = web.get("/assess")
    assert page.status_code == 200
    assert page.text.count('<fieldset class="card quiz-item"') == sum(len(a.items) for a in areas)
    assert page.text.count("<legend>") >= len(areas)
    numpy_only = web.get("/assess?area=numpy")
    assert numpy_only.text.count('<fieldset class="card quiz-item"') == len(
        next(a for a in areas if a.area == "numpy").items
    )
    assert '<input type="hidden" name="area" value="numpy">' in numpy_only.text
    assert web.get("/assess?area=astrology").status_code == 404


def test_all_right_answers_place_topics_out_and_recommend(
    onboarded: WebClient, web_app: Any
) -> None:
    opened = web_app.state.store
    response = onboarded.post_form("/assess", {**_right_answers(), "adopt": "true"})
    assert response.status_code == 200, response.text
    areas, _ = read_quiz()
    assert 'id="recommended"><strong>math-stats</strong>' in response.text
    assert "Adopted" in response.text
    assert "See your updated plan" in response.text
    assert "Unanswered" not in response.text
    statuses = opened.topic_statuses(_learner(web_app))
    for area in areas:
        assert f"{len(area.items)}/{len(area.items)}" in response.text
        for topic in area.topics:
            assert statuses[topic].state == "placed-out"
            assert statuses[topic].evidence == "quiz-passed"
    assert learner_profile(opened).background == "math-stats"
    [attempt] = opened.assessments(_learner(web_app))
    assert attempt.recommended_background == "math-stats"


def test_unanswered_questions_count_as_wrong_and_are_listed(web: WebClient, web_app: Any) -> None:
    areas, _ = read_quiz()
    numpy = next(area for area in areas if area.area == "numpy")
    first = numpy.items[0]
    answers = {first.id: str(first.answer), numpy.items[1].id: "skip", "area": "numpy"}
    response = web.post_form("/assess", answers)
    assert response.status_code == 200, response.text
    assert f"1/{len(numpy.items)}" in response.text
    assert f"Unanswered ({len(numpy.items) - 1}, counted as wrong)" in response.text
    assert "NumPy, question 2" in response.text
    assert 'id="recommended"><strong>beginner</strong>' in response.text
    assert "Make your plan" in response.text  # no plan yet: onboarding makes it
    assert learner_profile(web_app.state.store).background == "beginner"  # not adopted


def test_the_result_is_a_page_of_its_own_so_reloading_it_records_nothing(
    onboarded: WebClient, web_app: Any
) -> None:
    areas, _ = read_quiz()
    numpy = next(area for area in areas if area.area == "numpy")
    wrong_choice = (numpy.items[0].answer + 1) % len(numpy.items[0].choices)
    answers = {numpy.items[0].id: str(wrong_choice), "area": "numpy"}
    posted = onboarded.post_form("/assess", answers, follow_redirects=False)
    assert posted.status_code == 303
    location = posted.headers["location"]
    assert re.fullmatch(r"/assess/results/\d+", location)
    first = onboarded.get(location)
    again = onboarded.get(location)
    assert first.status_code == again.status_code == 200
    assert "Answered wrongly (1)" in again.text and "NumPy, question 1" in again.text
    assert "Take the quiz again" in again.text and "/assess?area=numpy" in again.text
    assert len(web_app.state.store.assessments(_learner(web_app))) == 1
    assert onboarded.get("/assess/results/999999").status_code == 404


# -- protection and rendering ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/settings/profile", "/settings/import", "/review/some-card", "/assess"]
)
def test_posts_without_the_csrf_token_are_refused(onboarded: WebClient, url: str) -> None:
    response = onboarded.client.post(
        url, data={**PROFILE, "rating": "3"}, headers={"origin": WEB_ORIGIN}
    )
    assert response.status_code == 403
    assert "CSRF" in response.text


def test_multipart_import_needs_the_csrf_token_too(onboarded: WebClient) -> None:
    document = _export(onboarded)
    response = onboarded.client.post(
        "/settings/import",
        data={"replace": "true"},
        files={"file": ("x.json", json.dumps(document).encode(), "application/json")},
        headers={"origin": WEB_ORIGIN},
    )
    assert response.status_code == 403


def test_content_markdown_is_escaped_and_math_becomes_mathml() -> None:
    html = markdown_html("Compute $\\frac{1}{n}$ <script>alert(1)</script> `x`")
    assert "<math" in html and "<mfrac>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<code>x</code>" in html
    assert "<img" not in markdown_html("$\\text{<img src=x onerror=alert(1)>}$")
    assert "<math" not in markdown_html("costs $5 and $ 6")
