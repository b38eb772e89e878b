"""Shared fixtures: an isolated MLCAMP_HOME and a writable copy of the shipped content."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mlcamp.curriculum import default_content_root

# `mlcamp check` run by a test grades in its own process: no test leaves a check service behind
# (tests/test_check_service.py turns it on for its own commands, and stops what it started).
os.environ["MLCAMP_CHECK_SERVICE"] = "0"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own MLCAMP_HOME, so no test touches the learner's real data."""
    home = tmp_path_factory.mktemp("mlcamp-home")
    monkeypatch.setenv("MLCAMP_HOME", str(home))
    monkeypatch.delenv("MLCAMP_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the shipped content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(default_content_root(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


# -- the web app ----------------------------------------------------------------------------------

WEB_ORIGIN = "http://127.0.0.1:8765"
WEB_TOKEN = "test-token-not-secret"


class WebClient:
    """A TestClient logged in by cookie, with ``post_form`` / ``post_json`` that send the
    page's Origin and CSRF token as a browser page of the app would."""

    def __init__(self, client: Any, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post_form(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        headers = {"origin": WEB_ORIGIN, **kwargs.pop("headers", {})}
        return self.client.post(
            url, data={"csrf_token": self.csrf, **(data or {})}, headers=headers, **kwargs
        )

    def post_json(self, url: str, payload: Any = None, **kwargs: Any) -> Any:
        headers = {"origin": WEB_ORIGIN, "x-csrf-token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.post(url, json=payload, headers=headers, **kwargs)


@pytest.fixture
def web_app(isolated_home: Path) -> Iterator[Any]:
    """The web app over a fresh store in the isolated MLCAMP_HOME, with real sandboxed graders."""
    from mlcamp.store import open_store
    from mlcamp.web.app import create_app
    from mlcamp.web.grading import GraderPool
    from mlcamp.web.security import Secrets

    store = open_store()
    pool = GraderPool(size=1)
    app = create_app(store, Secrets(WEB_TOKEN), graders=pool)
    try:
        yield app
    finally:
        pool.close()
        store.close()


@pytest.fixture
def web(web_app: Any) -> Iterator[WebClient]:
    """A client of :func:`web_app` holding the token cookie, as after opening the start link."""
    from fastapi.testclient import TestClient

    with TestClient(web_app, base_url=WEB_ORIGIN) as client:
        client.cookies.set("mlcamp_token", WEB_TOKEN)
        yield WebClient(client, web_app.state.secrets.csrf)


@pytest.fixture
def onboarded(web: WebClient) -> WebClient:
    """:func:`web` after onboarding (a beginner at 10 h/week starting 2026-01-05)."""
    response = web.post_form(
        "/onboarding",
        {"background": "beginner", "hours_per_week": "10", "start_date": "2026-01-05"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return web
