"""Rendered pages reused for as long as nothing they show can have changed.

A page of mlcamp is a function of its URL, the learner's database, today's date and, for a few
pages, something else (a workspace file, the moment the next review card falls due). Rendering
one re-plans and reads the whole progress, which costs tens of milliseconds; the same page asked
again with nothing changed is the common case (navigation, reloads, several tabs).

:func:`cached_page` marks a GET route whose response may be reused. The key holds the URL with
its query, today's date, the database's :meth:`~mlcamp.store.Store.data_version` (which changes
on every commit, from this server, the CLI or any other process) and what the route declares
with ``depends_on``; ``valid_until`` bounds an entry in time. Nothing is cached when the store
offers no data version (other databases, in-memory SQLite), and only complete 200 responses are
kept. A route may also refuse caching for one response with :func:`do_not_cache`.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ParamSpec

from fastapi import Request
from fastapi.responses import Response

from mlcamp.clock import now as current_time
from mlcamp.web.pages import store, today

if TYPE_CHECKING:
    from mlcamp.store import Store

__all__ = ["PageCache", "cached_page", "do_not_cache"]

P = ParamSpec("P")

DEFAULT_CAPACITY = 96
"""Pages kept at most (least recently used first out); a page weighs 10 to 100 kB."""

_LOCK_STRIPES = 32
_NO_CACHE_FLAG = "mlcamp_no_page_cache"


@dataclass(frozen=True)
class _Entry:
    status_code: int
    body: bytes
    raw_headers: tuple[tuple[bytes, bytes], ...]
    valid_until: datetime | None

    def response(self) -> Response:
        response = Response(content=self.body, status_code=self.status_code)
        response.raw_headers = list(self.raw_headers)
        return response


class PageCache:
    """A bounded, thread-safe map from page keys to rendered responses.

    Concurrent requests for a page that is not cached yet render it once: the others wait for
    that rendering (``lock_for``) instead of all doing the same work.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(_LOCK_STRIPES)]
        self.hits = 0
        self.stored = 0

    def __len__(self) -> int:
        return len(self._entries)

    def lock_for(self, key: Hashable) -> threading.Lock:
        """The lock held while the page for ``key`` is being rendered."""
        return self._stripes[hash(key) % _LOCK_STRIPES]

    def get(self, key: Hashable, moment: datetime) -> Response | None:
        """A fresh copy of the response kept for ``key``, unless absent or expired at ``moment``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or (entry.valid_until is not None and moment >= entry.valid_until):
                if entry is not None:
                    del self._entries[key]
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return entry.response()

    def put(self, key: Hashable, response: Response, valid_until: datetime | None) -> None:
        """Keep ``response`` for ``key`` if it is a complete 200 response without cookies."""
        if response.status_code != 200 or response.background is not None:
            return
        body = getattr(response, "body", None)
        if not isinstance(body, bytes):
            return  # a streamed response: its body is not known here
        headers = tuple(
            (name, value) for name, value in response.raw_headers if name.lower() != b"set-cookie"
        )
        entry = _Entry(response.status_code, body, headers, valid_until)
        with self._lock:
            self.stored += 1
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)


def do_not_cache(request: Request) -> None:
    """Keep the response to this request out of the page cache (it holds a per-view value)."""
    setattr(request.state, _NO_CACHE_FLAG, True)


def cached_page(
    *,
    depends_on: Callable[[Request], Hashable] | None = None,
    valid_until: Callable[[Store, datetime], datetime | None] | None = None,
) -> Callable[[Callable[P, Response]], Callable[P, Response]]:
    """Reuse the route's response while its URL, the database and today's date are unchanged.

    The route must be a synchronous GET handler taking ``request: Request``. ``depends_on``
    returns whatever else the page shows (joined to the key); ``valid_until`` returns the moment
    the page goes stale by itself (None: never), given the store and the current time.
    """

    def decorate(route: Callable[P, Response]) -> Callable[P, Response]:
        @functools.wraps(route)
        def cached(*args: P.args, **kwargs: P.kwargs) -> Response:
            request = kwargs.get("request")
            cache: PageCache | None = (
                getattr(request.app.state, "page_cache", None)
                if isinstance(request, Request)
                else None
            )
            if cache is None or not isinstance(request, Request):
                return route(*args, **kwargs)
            opened = store(request)
            version = opened.data_version()
            if version is None:
                return route(*args, **kwargs)
            extra = depends_on(request) if depends_on is not None else None
            key = (
                route.__name__,
                request.url.path,
                request.url.query,
                request.headers.get("accept", ""),
                today(),
                version,
                extra,
            )
            moment = current_time()
            found = cache.get(key, moment)
            if found is not None:
                return found
            with cache.lock_for(key):
                found = cache.get(key, moment)
                if found is not None:
                    return found
                response = route(*args, **kwargs)
                if not getattr(request.state, _NO_CACHE_FLAG, False):
                    until = valid_until(opened, moment) if valid_until is not None else None
                    cache.put(key, response, until)
            return response

        return cached

    return decorate
