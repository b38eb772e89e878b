"""End to end in a real browser: Debian's Chromium, driven by Playwright, on `mlcamp start`'s app.

The journey of a new learner: open the start link, onboard, see the plan and download the
calendar, open a lab, check a wrong and then a right solution, and see progress change.
Screenshots land in tests/artifacts/screenshots/ (git-ignored).

Chromium must be at /usr/bin/chromium (``apt-get install chromium``; Playwright's own browser
download is not used). Without it these tests are skipped on a developer's machine and fail in CI.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from mlcamp.labs import get_lab

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "artifacts" / "screenshots"
TOKEN = "e2e-token"
TODAY = "2026-12-07"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        "Debian's Chromium is not installed (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture
def server(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app served on a free loopback port; yields its base URL."""
    from mlcamp.store import open_store
    from mlcamp.web.app import create_app
    from mlcamp.web.grading import GraderPool
    from mlcamp.web.security import Secrets
    from mlcamp.web.server import BackgroundServer

    monkeypatch.setenv("MLCAMP_TODAY", TODAY)
    store = open_store()
    pool = GraderPool(size=1)
    app = create_app(store, Secrets(TOKEN), graders=pool)
    try:
        with BackgroundServer(app) as running:
            yield running.base_url
    finally:
        pool.close()
        store.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's Chromium: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _prerequisites_done(page: Any) -> str:
    row = page.locator("table.bars tbody tr", has_text="Prerequisites")
    return str(row.locator("td").first.inner_text()).split()[0]


def _check(page: Any, code: str, status: str) -> Any:
    """Check ``code`` in the editor and wait for a report with ``status``."""
    page.evaluate("document.getElementById('lab-results').innerHTML = ''")
    page.fill("#code", code)
    page.click("#check-button")
    report = page.locator(f"#lab-results .report[data-status='{status}']")
    report.wait_for(timeout=90_000)
    return report


def test_a_new_learner_onboards_plans_passes_a_lab_and_sees_progress(
    server: str, browser: Any, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Without the token: refused, with what to do.
    response = page.goto(f"{server}/")
    assert response is not None and response.status == 401
    assert "mlcamp start" in page.content()

    # The start link sets the cookie and lands on onboarding.
    page.goto(f"{server}/?token={TOKEN}")
    assert page.url == f"{server}/"
    assert "token" not in page.url
    page.get_by_label("Software engineer").check()
    page.get_by_label("Hours of study per week").fill("12")
    page.get_by_label("Start date").fill(TODAY)
    page.get_by_role("button", name="Make my plan").click()
    page.wait_for_url(f"{server}/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.locator("#week-heading").is_visible()
    before = _prerequisites_done(page)
    _shot(page, "dashboard")

    # The plan, and its calendar.
    page.get_by_role("link", name="Plan", exact=True).click()
    page.wait_for_url(f"{server}/plan")
    assert "2026" in page.inner_text("main")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="calendar").first.click()
    saved = tmp_path / "plan.ics"
    download_info.value.save_as(saved)
    calendar = Calendar.from_ical(saved.read_bytes())
    assert len(calendar.walk("VEVENT")) > 10
    _shot(page, "plan")

    # A lab: a wrong solution fails, the reference passes.
    lab = get_lab("pairwise-distances")
    page.goto(f"{server}/labs")
    page.get_by_role("link", name=lab.spec.title).first.click()
    page.wait_for_url(f"{server}/labs/pairwise-distances")
    assert page.input_value("#code") == lab.starter
    page.uncheck("#speed")
    wrong = (lab.folder / "wrong" / "no_shift.py").read_text()
    report = _check(page, wrong, "fail")
    assert "tolerance" in report.inner_text()  # the message points at the worst element
    assert not page.locator("#solution-open").is_visible()
    _shot(page, "lab-fail")
    _check(page, lab.reference, "pass")
    assert page.locator("#solution-open").is_visible()
    assert (Path(os.environ["MLCAMP_HOME"]) / "workspace" / lab.id / lab.spec.file).read_text(
        encoding="utf-8"
    ) == lab.reference
    _shot(page, "lab-pass")

    # Progress follows: the lab's topic is done.
    page.goto(f"{server}/")
    after = _prerequisites_done(page)
    assert int(after.split("/")[0]) == int(before.split("/")[0]) + 1, (before, after)
    page.goto(f"{server}/progress")
    assert page.locator("main svg").count() >= 3
    _shot(page, "progress")
    page.goto(f"{server}/path")
    assert page.locator("main svg a").count() >= 70
    _shot(page, "path")
    assert not errors, errors
    context.close()


def test_keyboard_phone_width_and_dark_theme(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.goto(f"{server}/?token={TOKEN}")
    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # No sideways scrolling at phone width.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, width
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)", background  # the dark theme
    _shot(page, "onboarding-phone-dark")
    # The theme switch overrides the system preference, and remembers it.
    page.click("#theme-toggle")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    page.reload()
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)", light
    context.close()


def test_charts_stay_legible_at_phone_width(server: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{server}/?token={TOKEN}")
    page.get_by_label("Complete beginner").check()
    page.get_by_label("Hours of study per week").fill("10")
    page.get_by_label("Start date").fill(TODAY)
    page.get_by_role("button", name="Make my plan").click()
    page.wait_for_url(f"{server}/")
    page.goto(f"{server}/progress")
    # The page itself does not scroll sideways; a chart does, inside its own frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    frame = page.locator(".chart-image").first
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    assert frame.get_attribute("tabindex") == "0"  # keyboard users can scroll it too
    heights = page.evaluate(
        "[...document.querySelectorAll('.chart-svg text')].map(t => t.getBoundingClientRect()"
        ".height).filter(h => h > 0)"
    )
    assert heights and min(heights) >= 8, heights  # letters at least 8 px tall
    _shot(page, "progress-phone")
    context.close()
