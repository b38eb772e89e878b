"""Pages are reused while nothing they show changed, and never shown stale: a write from the
CLI (another store, another process), a workspace file edited elsewhere, a card falling due."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.responses import Response

from mlcamp.labs import get_lab
from mlcamp.practice import lab_workspace
from mlcamp.review.cards import shipped_cards
from mlcamp.store import open_store
from mlcamp.web.page_cache import PageCache
from tests.conftest import WebClient


def _cache(web_app: Any) -> PageCache:
    cache: PageCache = web_app.state.page_cache
    return cache


def test_a_page_asked_again_is_served_from_the_cache(onboarded: WebClient, web_app: Any) -> None:
    first = onboarded.get("/path")
    hits = _cache(web_app).hits
    second = onboarded.get("/path")
    assert second.status_code == 200 and second.text == first.text
    assert _cache(web_app).hits == hits + 1
    assert second.headers["content-type"].startswith("text/html")


def test_a_change_made_from_the_cli_shows_at_once(onboarded: WebClient, web_app: Any) -> None:
    assert "Learning" not in _state_line(onboarded.get("/topics/gradient-descent").text)
    with open_store() as cli_store:  # what `mlcamp topic learning gradient-descent` writes
        learner = cli_store.get_or_create_learner("me").id
        cli_store.set_topic_status(learner, "gradient-descent", "learning")
    assert "Learning" in _state_line(onboarded.get("/topics/gradient-descent").text)


def _state_line(html: str) -> str:
    found = re.search(r'<h2 id="status-heading">Your status: (.*?)</h2>', html, re.S)
    assert found, "the topic page shows the learner's state"
    return found.group(1)


def test_the_lab_page_follows_the_workspace_file(onboarded: WebClient) -> None:
    lab = get_lab("pairwise-distances")
    assert "loaded from the starter" in onboarded.get("/labs/pairwise-distances").text
    file = lab_workspace(lab) / lab.spec.file
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("# edited in my own editor\n")
    html = onboarded.get("/labs/pairwise-distances").text
    assert "loaded from your workspace file" in html and "edited in my own editor" in html
    file.write_text("# edited again, same day\n")
    assert "edited again, same day" in onboarded.get("/labs/pairwise-distances").text


def test_a_card_falling_due_shows_without_any_write(
    onboarded: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock = {"now": moment}

    def now() -> datetime:
        return clock["now"]

    for module in ("mlcamp.web.page_cache", "mlcamp.web.routes.review", "mlcamp.review.service"):
        monkeypatch.setattr(f"{module}.current_time", now)
    monkeypatch.setenv("MLCAMP_TODAY", "2026-03-02")
    with open_store() as store:
        learner = store.get_or_create_learner("me").id
        card = shipped_cards()["gradient-descent"][0].id
        store.upsert_review_card(
            learner, card, "gradient-descent", "{}", moment + timedelta(hours=1)
        )
    assert "Nothing to review right now" in onboarded.get("/review").text
    assert "Nothing to review right now" in onboarded.get("/review").text  # cached: still not due
    clock["now"] = moment + timedelta(hours=2)
    assert "Nothing to review right now" not in onboarded.get("/review").text


def test_a_page_showing_a_card_is_never_reused(onboarded: WebClient, web_app: Any) -> None:
    onboarded.post_form("/topics/gradient-descent/status", {"state": "learning"})
    first = onboarded.get("/review").text
    second = onboarded.get("/review").text
    shown = re.findall(r'name="shown" value="([^"]+)"', first + second)
    assert len(shown) == 2 and shown[0] != shown[1]  # each view times its own answer


def test_the_cache_keeps_complete_ok_responses_only_and_stays_bounded() -> None:
    cache = PageCache(capacity=2)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    cache.put("missing", Response(b"gone", status_code=404), None)
    assert cache.get("missing", now) is None
    cookie = Response(b"page")
    cookie.set_cookie("mlcamp_token", "secret")
    cache.put("cookie", cookie, None)
    kept = cache.get("cookie", now)
    assert kept is not None and kept.body == b"page" and b"set-cookie" not in dict(kept.raw_headers)
    cache.put("until", Response(b"soon"), now + timedelta(minutes=1))
    assert cache.get("until", now) is not None
    assert cache.get("until", now + timedelta(minutes=1)) is None  # expired at that moment
    for key in ("a", "b", "c"):
        cache.put(key, Response(key.encode()), None)
    assert len(cache) == 2 and cache.get("a", now) is None
    with pytest.raises(ValueError, match="capacity"):
        PageCache(capacity=0)
