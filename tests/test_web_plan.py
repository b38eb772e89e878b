"""The /plan and /progress pages: the calendar of weeks, re-planning, the .ics file, catching up,
charts and milestones."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from icalendar import Calendar

from mlcamp.planner.overview import refresh_plan
from mlcamp.store import PlanRecord, Store
from tests.conftest import WEB_ORIGIN, WebClient

START = date(2026, 1, 5)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The onboarding fixture starts on 2026-01-05: make that today."""
    monkeypatch.setenv("MLCAMP_TODAY", START.isoformat())


def store_of(client: WebClient) -> Store:
    opened: Store = client.client.app.state.store
    return opened


def latest(client: WebClient) -> PlanRecord:
    opened = store_of(client)
    record = opened.latest_plan(opened.get_or_create_learner("me").id)
    assert record is not None
    return record


def profile_form(**changes: Any) -> dict[str, Any]:
    form = {"background": "beginner", "hours_per_week": "10", "start_date": START.isoformat()}
    form.update(changes)
    return form


def calendar(client: WebClient) -> Calendar:
    response = client.get("/plan.ics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert 'attachment; filename="mlcamp-plan.ics"' in response.headers["content-disposition"]
    return Calendar.from_ical(response.content)


def events(parsed: Calendar) -> list[Any]:
    return [component for component in parsed.walk() if component.name == "VEVENT"]


# -- the plan page ------------------------------------------------------------------------------


def test_plan_page_shows_weeks_with_dates_items_and_hours(onboarded: WebClient) -> None:
    response = onboarded.get("/plan")
    assert response.status_code == 200, response.text
    html = response.text
    assert html.count('class="card week') == 12
    assert html.count('aria-current="date"') == 1  # this week, highlighted
    assert 'Week 1 <span class="badge badge-now">This week</span>' in html
    assert '<time datetime="2026-01-05">5 Jan</time> – <time datetime="2026-01-11">' in html
    assert re.search(r'<span class="badge badge-topic">topic</span>\s*<a href="/topics/', html)
    assert re.search(r'<span class="badge badge-lab">lab</span>\s*<a href="/labs/', html)
    assert "10 of 10 h" in html
    assert 'href="/plan.ics"' in html and "Download calendar (.ics)" in html
    assert 'href="/plan?weeks=all#weeks-heading"' in html
    assert 'name="csrf_token"' in html and 'action="/plan/profile"' in html
    plan = latest(onboarded)
    assert f'<time datetime="{plan.end_date.isoformat()}">' in html
    every = onboarded.get("/plan?weeks=all").text
    weeks = len({item.week_start for item in plan.items})
    assert every.count('class="card week') == weeks > 12
    assert 'href="/plan">Show only the next 12 weeks' in every


def test_plan_page_before_onboarding_sends_to_onboarding(web: WebClient) -> None:
    for url in ("/plan", "/plan.ics"):
        response = web.get(url, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/")


def test_changing_hours_replans_and_moves_the_end(onboarded: WebClient) -> None:
    before = latest(onboarded)
    response = onboarded.post_form(
        "/plan/profile", profile_form(hours_per_week="20"), follow_redirects=False
    )
    assert (response.status_code, response.headers["location"]) == (303, "/plan")
    after = latest(onboarded)
    assert after.sequence == before.sequence + 1 and after.reason == "profile changed"
    assert after.end_date < before.end_date
    page = onboarded.get("/plan").text
    assert "at\n  20 h/week" in page and f'<time datetime="{after.end_date}">' in page
    assert 'value="20"' in page


def test_target_date_and_specialization_are_saved(onboarded: WebClient) -> None:
    response = onboarded.post_form(
        "/plan/profile",
        profile_form(target_date="2026-06-01", specialization="nlp", include_optional="true"),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = onboarded.get("/plan").text
    assert "Your target date" in page
    assert "needs about" in page or "cannot be met even at 40 h/week" in page
    assert '<option value="nlp" selected>' in page and 'value="2026-06-01"' in page
    assert re.search(r'name="include_optional" value="true" checked', page)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours_per_week": "0"}, "hours per week must be between 1 and 80, got 0"),
        ({"hours_per_week": "lots"}, "hours per week must be a number, got &#39;lots&#39;"),
        ({"background": "wizard"}, "unknown background &#39;wizard&#39;"),
        ({"start_date": "05/01/2026"}, "the start date must be a date like 2026-01-05"),
        ({"target_date": "2025-01-01"}, "the target date must be after the start date"),
    ],
)
def test_bad_profile_values_are_refused_with_the_form(
    onboarded: WebClient, changes: dict[str, str], message: str
) -> None:
    before = latest(onboarded)
    response = onboarded.post_form("/plan/profile", profile_form(**changes))
    assert response.status_code == 422
    assert message in response.text
    assert 'role="alert" id="profile-error"' in response.text
    assert 'id="profile-form"' in response.text
    for value in changes.values():  # the submitted values stay in the form
        assert f'value="{value}"' in response.text or value == "wizard"
    assert latest(onboarded) == before


# -- the calendar file --------------------------------------------------------------------------


def test_ics_has_stable_uids_and_a_higher_sequence_after_a_replan(onboarded: WebClient) -> None:
    first, second = calendar(onboarded), calendar(onboarded)
    uids = [str(event["uid"]) for event in events(first)]
    assert uids and len(set(uids)) == len(uids)
    assert uids == [str(event["uid"]) for event in events(second)]
    assert {int(event["sequence"]) for event in events(first)} == {1}
    changed = onboarded.post_form(
        "/plan/profile", profile_form(hours_per_week="12"), follow_redirects=False
    )
    assert changed.status_code == 303
    third = events(calendar(onboarded))
    assert {int(event["sequence"]) for event in third} == {2}
    # Events of items still in the plan keep their UID: importing the file moves them.
    assert uids[0] in {str(event["uid"]) for event in third}


def test_ics_cancels_items_that_left_the_plan_whichever_calendar_was_imported(
    onboarded: WebClient,
) -> None:
    before = {str(event["uid"]) for event in events(calendar(onboarded))}
    # At 40 h/week, items split in parts at 10 h/week fit in one week: their part-2 events go.
    onboarded.post_form("/plan/profile", profile_form(hours_per_week="40"))
    calendar(onboarded)  # the learner looks once...
    after = events(calendar(onboarded))  # ...and imports the next download
    active = {str(e["uid"]) for e in after if str(e.get("status", "")) != "CANCELLED"}
    cancelled = {str(e["uid"]) for e in after if str(e.get("status", "")) == "CANCELLED"}
    assert cancelled, "items that left the plan must be cancelled"
    assert cancelled == before - active
    assert not cancelled & active


# -- behind, and catching up --------------------------------------------------------------------


def test_behind_shows_options_with_end_dates_and_applying_one_works(
    onboarded: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    late = date(2026, 4, 6)
    monkeypatch.setenv("MLCAMP_TODAY", late.isoformat())
    page = onboarded.get("/plan").text
    assert "behind the plan you accepted" in page and "Ways to catch up" in page
    options = refresh_plan(store_of(onboarded), late).options
    # The onboarding left optional topics out, so there is no "drop-optional".
    assert [option.name for option in options] == ["extend", "hours"]
    for option in options:
        assert f'name="option" value="{option.name}"' in page
        assert f'<time datetime="{option.end.isoformat()}">' in page
    unknown = onboarded.post_form("/plan/catch-up", {"option": "sleep-less"})
    assert unknown.status_code == 422
    assert "No catch-up option &#39;sleep-less&#39;" in unknown.text
    assert "Available: extend, hours." in unknown.text
    assert latest(onboarded).sequence == 1
    applied = onboarded.post_form("/plan/catch-up", {"option": "hours"}, follow_redirects=False)
    assert (applied.status_code, applied.headers["location"]) == (303, "/plan")
    record = latest(onboarded)
    assert (record.sequence, record.reason) == (2, "catch up: hours")
    after = onboarded.get("/plan").text
    assert "Ways to catch up" not in after and "behind the plan" not in after
    hours = next(option for option in options if option.name == "hours").profile.hours_per_week
    assert f"{hours:g} h/week" in after
    again = onboarded.post_form("/plan/catch-up", {"option": "extend"})
    assert again.status_code == 422 and "none: you are on track" in again.text


# -- the progress page --------------------------------------------------------------------------


def test_progress_page_has_three_accessible_charts_and_every_milestone(
    onboarded: WebClient,
) -> None:
    from mlcamp.curriculum import shipped_curriculum

    response = onboarded.get("/progress")
    assert response.status_code == 200, response.text
    html = response.text
    svgs = re.findall(r"<svg\b[^>]*>", html)
    assert len(svgs) == 3
    assert all('role="img"' in svg and "aria-label=" in svg for svg in svgs)
    assert html.count('<title id="chart-') == 3 and html.count('<desc id="chart-') == 3
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # three charts, no shared ids
    assert "Data table" in html and "Labs passed by module" in html
    for milestone in shipped_curriculum().overview.milestones:
        assert f'id="milestone-{milestone.id}"' in html
        assert (f'action="/progress/milestones/{milestone.id}"' in html) == (
            milestone.evidence.kind == "self-reported"
        )


def test_progress_page_before_any_plan_explains_the_missing_chart(web: WebClient) -> None:
    html = web.get("/progress").text
    assert "No plan yet" in html and len(re.findall(r"<svg\b", html)) == 2


def test_recording_and_removing_a_self_reported_milestone(onboarded: WebClient) -> None:
    url = "/progress/milestones/mentor-and-teach"
    response = onboarded.post_form(
        url, {"note": "  Ran a k-means study group  "}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/progress?recorded=mentor-and-teach#milestone-mentor-and-teach"
    )
    page = onboarded.get(response.headers["location"]).text
    assert "Recorded (self-reported): Mentor others and teach ML concepts." in page
    assert "Ran a k-means study group</q>" in page
    assert 'value="remove"' in page
    opened = store_of(onboarded)
    learner = opened.get_or_create_learner("me").id
    assert [r.note for r in opened.milestone_records(learner)] == ["Ran a k-means study group"]
    removed = onboarded.post_form(url, {"action": "remove"}, follow_redirects=False)
    assert removed.status_code == 303
    assert "Removed your record" in onboarded.get(removed.headers["location"]).text
    assert opened.milestone_records(learner) == []


@pytest.mark.parametrize(
    ("milestone", "form", "status", "message"),
    [
        ("no-such-thing", {"note": "x"}, 404, "There is no milestone &#39;no-such-thing&#39;"),
        ("first-from-scratch-algorithm", {"note": "x"}, 422, "nothing to record by hand"),
        ("mentor-and-teach", {"note": "   "}, 422, "Say what shows it: What you taught"),
        ("mentor-and-teach", {"note": "x" * 2001}, 422, "at most 2000"),
        ("mentor-and-teach", {"note": "x", "action": "shout"}, 422, "Unknown action"),
    ],
)
def test_bad_milestone_records_are_refused(
    onboarded: WebClient, milestone: str, form: dict[str, str], status: int, message: str
) -> None:
    response = onboarded.post_form(f"/progress/milestones/{milestone}", form)
    assert response.status_code == status
    assert message in response.text
    opened = store_of(onboarded)
    assert opened.milestone_records(opened.get_or_create_learner("me").id) == []


# -- CSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/plan/profile", profile_form(hours_per_week="20")),
        ("/plan/catch-up", {"option": "extend"}),
        ("/progress/milestones/mentor-and-teach", {"note": "taught"}),
    ],
)
def test_posts_without_the_csrf_token_are_refused(
    onboarded: WebClient, url: str, form: dict[str, str]
) -> None:
    before = latest(onboarded)
    response = onboarded.client.post(url, data=form, headers={"origin": WEB_ORIGIN})
    assert response.status_code == 403
    assert "CSRF token" in response.text
    assert latest(onboarded) == before
    opened = store_of(onboarded)
    assert opened.milestone_records(opened.get_or_create_learner("me").id) == []


def test_charts_follow_the_theme_and_stand_alone() -> None:
    from datetime import timedelta

    from mlcamp.planner.history import PartLabs, hours_history
    from mlcamp.web.charts import hours_chart, labs_chart, weekly_hours_chart

    history = hours_history(
        [(START + timedelta(weeks=n), 10.0) for n in range(10)],
        {("topic", "a"): START},
        {("topic", "a"): 6.0},
        START + timedelta(weeks=3),
        START,
    )
    charts = [
        hours_chart(history),
        labs_chart([PartLabs("p", "Prerequisites", "Prereq.", 1, 3)]),
        weekly_hours_chart([(START, 10.0), (START + timedelta(weeks=1), 8.5)], 10.0),
    ]
    fallbacks = {"#0b5cad", "#1a7f37", "#9a6700"}  # inside var(--accent, ...) and the like
    for svg in charts:
        assert svg.startswith("<svg ") and svg.endswith("</svg>")
        assert set(re.findall(r"#[0-9a-fA-F]{6}\b", svg)) <= fallbacks
        assert "var(--fg" in svg and "font-family: inherit" in svg
        assert '<style type="text/css">*{' not in svg  # matplotlib's rules kept to the chart
        assert ' width="' not in svg.split(">", 1)[0]  # scales with its container
    prefixes = [re.findall(r'\bid="([a-z]+-[a-z]+)-', svg) for svg in charts]
    assert [set(found) for found in prefixes] == [{"chart-hours"}, {"chart-labs"}, {"chart-weeks"}]
    assert "By the end of the week of 2026-01-26" in charts[0]
    assert "1 of 3 labs passed" in charts[1]
