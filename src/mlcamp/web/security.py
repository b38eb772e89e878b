"""Protection of the local server, as Jupyter protects its own.

Any web page the learner visits can send requests to 127.0.0.1, so the server trusts nothing
that merely reaches it:

- **Host**: the ``Host`` header must name a loopback host (``127.0.0.1``, ``localhost``,
  ``[::1]``), which defeats DNS rebinding (a hostile name that resolves to 127.0.0.1).
- **Token**: a random token, in the URL that ``mlcamp start`` opens and prints; the first request
  with ``?token=`` sets it as an HttpOnly, SameSite=Strict cookie and redirects to the same URL
  without it. Every other request needs the cookie or ``Authorization: Bearer <token>``.
- **Origin and CSRF**: a state-changing request (POST, PUT, PATCH, DELETE) authenticated by the
  cookie must come from one of the server's own pages: its ``Origin`` (or, without one, its
  ``Referer``) must be the server's, and it must carry the CSRF token (header ``X-CSRF-Token`` or
  form field ``csrf_token``). A request with ``Authorization: Bearer`` needs neither: browsers
  cannot attach that header to a cross-site request.

Static files (CSS, JavaScript, icons; no learner data) are served without the token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import HTTPException, Request

__all__ = [
    "COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOOPBACK_HOSTS",
    "Secrets",
    "SecurityMiddleware",
    "protect_state_changes",
]

COOKIE = "mlcamp_token"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PREFIXES = ("/static/",)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Secrets:
    """The server's access token and the CSRF token derived from it."""

    token: str

    @classmethod
    def generate(cls) -> Secrets:
        """Fresh random secrets (256 bits)."""
        return cls(secrets.token_urlsafe(32))

    @property
    def csrf(self) -> str:
        """The CSRF token pages embed; derived from the access token, useless without it."""
        return hmac.new(self.token.encode(), b"mlcamp csrf", hashlib.sha256).hexdigest()

    def is_token(self, value: str | None) -> bool:
        """Whether ``value`` is the access token (constant-time)."""
        return value is not None and hmac.compare_digest(value.encode(), self.token.encode())

    def is_csrf(self, value: str | None) -> bool:
        """Whether ``value`` is the CSRF token (constant-time)."""
        return value is not None and hmac.compare_digest(value.encode(), self.csrf.encode())


def host_name(host_header: str) -> str:
    """The host name of a ``Host`` header value, without port or IPv6 brackets."""
    value = host_header.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _headers(scope: Scope) -> dict[str, str]:
    return {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}


def bearer_token(headers: dict[str, str]) -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _cookie_token(headers: dict[str, str]) -> str | None:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header is no token
        return None
    morsel = cookie.get(COOKIE)
    return morsel.value if morsel is not None else None


class SecurityMiddleware:
    """ASGI middleware: loopback Host, then the token (URL, cookie or bearer); see the module."""

    def __init__(self, app: ASGIApp, secrets_: Secrets) -> None:
        self.app = app
        self.secrets = secrets_

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if host_name(headers.get("host", "")) not in LOOPBACK_HOSTS:
            await _refuse(
                send,
                400,
                "This server only answers requests addressed to 127.0.0.1 or localhost.",
            )
            return
        path: str = scope.get("path", "")
        if path.startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        if "token" in query and scope["method"] in SAFE_METHODS:
            if not self.secrets.is_token(query["token"]):
                await _refuse(send, 403, _WRONG_TOKEN)
                return
            rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
            await _redirect_with_cookie(send, path + (f"?{rest}" if rest else ""), self.secrets)
            return
        bearer = bearer_token(headers)
        if bearer is not None:
            if not self.secrets.is_token(bearer):
                await _refuse(send, 403, _WRONG_TOKEN)
                return
            scope.setdefault("state", {})["auth"] = "bearer"
        elif self.secrets.is_token(_cookie_token(headers)):
            scope.setdefault("state", {})["auth"] = "cookie"
        else:
            await _refuse(send, 401, _NO_TOKEN)
            return
        await self.app(scope, receive, send)


_NO_TOKEN = (
    "This page needs the link that `mlcamp start` printed (it carries a secret token). "
    "Open that link, or run `mlcamp start` again."
)
_WRONG_TOKEN = "Wrong token. Open the link that `mlcamp start` printed, or run it again."


async def _refuse(send: Send, status: int, message: str) -> None:
    body = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>mlcamp</title>"
        f"<p>{message}</p></html>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect_with_cookie(send: Send, location: str, secrets_: Secrets) -> None:
    cookie = f"{COOKIE}={secrets_.token}; HttpOnly; SameSite=Strict; Path=/"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"content-length", b"0"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


def _same_origin(request: Request, origin: str) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    own = request.headers.get("host", "")
    return host_name(parts.netloc) in LOOPBACK_HOSTS and parts.netloc.lower() == own.lower()


async def protect_state_changes(request: Request) -> None:
    """FastAPI dependency: refuse a cookie-authenticated state change without the right
    ``Origin`` (or ``Referer``) and CSRF token. Bearer-authenticated requests pass."""
    if request.method in SAFE_METHODS or request.scope.get("state", {}).get("auth") == "bearer":
        return
    secrets_: Secrets = request.app.state.secrets
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        referer = request.headers.get("referer")
        origin = None if referer is None else referer
    if origin is None or not _same_origin(request, origin):
        raise HTTPException(
            status_code=403,
            detail="Refused: this request did not come from an mlcamp page (Origin check).",
        )
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        supplied = value if isinstance(value, str) else None
    if not secrets_.is_csrf(supplied):
        raise HTTPException(
            status_code=403,
            detail="Refused: the CSRF token is missing or wrong. Reload the page and try again.",
        )
