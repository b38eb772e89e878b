"""The local server's protections (mlcamp.web.security): each refusal, and each way in."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from mlcamp.web.security import Secrets, host_name
from tests.conftest import WEB_ORIGIN, WEB_TOKEN, WebClient


@pytest.fixture
def anonymous(web_app: Any) -> Any:
    with TestClient(web_app, base_url=WEB_ORIGIN) as client:
        yield client


ONBOARD = {"background": "beginner", "hours_per_week": "10", "start_date": "2026-01-05"}


def test_no_token_is_refused_with_what_to_do(anonymous: Any) -> None:
    response = anonymous.get("/")
    assert response.status_code == 401
    assert "mlcamp start" in response.text
    assert anonymous.get("/api/labs/softmax/check").status_code == 401


def test_token_in_the_url_sets_a_strict_cookie_and_drops_the_token(anonymous: Any) -> None:
    response = anonymous.get(f"/plan?weeks=all&token={WEB_TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/plan?weeks=all"
    cookie = response.headers["set-cookie"]
    assert f"mlcamp_token={WEB_TOKEN}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert anonymous.get("/").status_code == 200  # the client kept the cookie


def test_a_wrong_token_is_refused_everywhere(anonymous: Any) -> None:
    assert anonymous.get("/?token=guess", follow_redirects=False).status_code == 403
    anonymous.cookies.set("mlcamp_token", "guess")
    assert anonymous.get("/").status_code == 401
    wrong_bearer = {"authorization": "Bearer guess"}
    assert anonymous.get("/", headers=wrong_bearer).status_code == 403


def test_bearer_token_works_without_cookie_or_csrf(anonymous: Any) -> None:
    bearer = {"authorization": f"Bearer {WEB_TOKEN}"}
    assert anonymous.get("/", headers=bearer).status_code == 200
    response = anonymous.post("/onboarding", data=ONBOARD, headers=bearer, follow_redirects=False)
    assert response.status_code == 303


def test_static_files_need_no_token(anonymous: Any) -> None:
    response = anonymous.get("/static/app.css")
    assert response.status_code == 200
    assert "--accent" in response.text


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", "10.0.0.1:8765"]
)
def test_foreign_host_header_is_refused_even_with_the_token(web: WebClient, host: str) -> None:
    response = web.get("/", headers={"host": host})
    assert response.status_code == 400
    assert "127.0.0.1" in response.text
    response = web.client.get(
        "/static/app.css", headers={"host": host, "authorization": f"Bearer {WEB_TOKEN}"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"])
def test_loopback_host_names_are_accepted(web: WebClient, host: str) -> None:
    assert web.get("/", headers={"host": host}).status_code == 200


def test_cookie_post_without_origin_is_refused(web: WebClient) -> None:
    response = web.client.post(
        "/onboarding", data={**ONBOARD, "csrf_token": web.csrf}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "Origin" in response.text


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "http://127.0.0.1:9999", "null", "file://", "http://localhost:8765"],
)
def test_cookie_post_from_another_origin_is_refused(web: WebClient, origin: str) -> None:
    response = web.post_form("/onboarding", ONBOARD, headers={"origin": origin})
    assert response.status_code == 403


def test_referer_stands_in_for_a_missing_origin(web: WebClient) -> None:
    data = {**ONBOARD, "csrf_token": web.csrf}
    good = web.client.post(
        "/onboarding", data=data, headers={"referer": f"{WEB_ORIGIN}/"}, follow_redirects=False
    )
    assert good.status_code == 303
    bad = web.client.post(
        "/onboarding",
        data=data,
        headers={"referer": "http://evil.example/"},
        follow_redirects=False,
    )
    assert bad.status_code == 403


def test_cookie_post_without_or_with_a_wrong_csrf_token_is_refused(web: WebClient) -> None:
    missing = web.client.post("/onboarding", data=ONBOARD, headers={"origin": WEB_ORIGIN})
    assert missing.status_code == 403
    assert "CSRF" in missing.text
    wrong = web.post_form("/onboarding", {**ONBOARD, "csrf_token": "0" * 64})
    assert wrong.status_code == 403
    header = web.client.post(
        "/onboarding",
        data=ONBOARD,
        headers={"origin": WEB_ORIGIN, "x-csrf-token": web.csrf},
        follow_redirects=False,
    )
    assert header.status_code == 303


def test_refused_posts_change_nothing(web: WebClient) -> None:
    web.client.post("/onboarding", data={**ONBOARD, "hours_per_week": "33"})
    assert "Welcome" in web.get("/").text  # still onboarding: no plan was made


def test_pages_carry_the_csrf_token_and_it_is_not_the_access_token(web: WebClient) -> None:
    page = web.get("/").text
    assert f'content="{web.csrf}"' in page
    assert WEB_TOKEN not in page
    assert Secrets(WEB_TOKEN).csrf == web.csrf != WEB_TOKEN


def test_api_errors_are_json(web: WebClient) -> None:
    response = web.client.post("/onboarding", data=ONBOARD, headers={"accept": "application/json"})
    assert response.status_code == 403
    assert "error" in response.json()


@given(st.text(max_size=40))
def test_host_name_never_mistakes_a_foreign_host_for_loopback(header: str) -> None:
    name = host_name(header)
    if name in {"127.0.0.1", "localhost", "::1"}:
        stripped = header.strip().lower()
        assert stripped.startswith(("127.0.0.1", "localhost", "[::1]", "::1"))


def test_secrets_are_random_and_long() -> None:
    first, second = Secrets.generate(), Secrets.generate()
    assert first.token != second.token
    assert len(first.token) >= 40
