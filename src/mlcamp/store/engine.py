"""Engine creation: SQLite connection settings, write transactions and database location.

On SQLite every connection gets ``busy_timeout``, ``foreign_keys=ON`` and WAL journal mode. The
sqlite3 driver's own transaction handling is switched off so that SQLAlchemy emits ``BEGIN`` itself:
plain ``BEGIN`` for reads and ``BEGIN IMMEDIATE`` for writes (see :func:`writer`), which takes the
write lock up front, so concurrent writers wait for each other (up to the busy timeout) instead of
failing half-way through a transaction. Nothing here assumes SQLite for other databases.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

__all__ = [
    "DEFAULT_BUSY_TIMEOUT_MS",
    "SQLITE_HEADER",
    "create_store_engine",
    "describe_location",
    "is_sqlite",
    "sqlite_file",
    "writer",
]

DEFAULT_BUSY_TIMEOUT_MS = 5000
"""How long a connection waits for another process's write lock before giving up."""

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""

_WRITE_OPTION = "mlcamp_write"
_WAL_RETRY_SECONDS = 0.02


def is_sqlite(url: URL) -> bool:
    """Return True when ``url`` points at a SQLite database."""
    return url.get_backend_name() == "sqlite"


def sqlite_file(url: URL) -> Path | None:
    """Return the file of a SQLite URL, or None for an in-memory or non-SQLite database."""
    if not is_sqlite(url):
        return None
    database = url.database or ""
    if database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        if url.query.get("mode") == "memory":
            return None
        database = database.removeprefix("file:").split("?", 1)[0]
    return Path(database)


def describe_location(url: URL) -> str:
    """Return how to name the database in messages: its file, or its URL without password."""
    path = sqlite_file(url)
    if path is not None:
        return str(path.absolute())
    if is_sqlite(url):
        return "an in-memory SQLite database"
    return url.render_as_string(hide_password=True)


def writer(engine: Engine) -> Engine:
    """Return a view of ``engine`` whose transactions take the write lock when they begin.

    On SQLite this emits ``BEGIN IMMEDIATE``; on other databases it changes nothing.
    """
    return engine.execution_options(**{_WRITE_OPTION: True})


def create_store_engine(
    url: str | URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS
) -> Engine:
    """Create the engine for ``url`` with mlcamp's connection settings.

    ``busy_timeout_ms`` is how long SQLite waits for another process's lock before reporting
    "database is locked". It does not open a connection.
    """
    if busy_timeout_ms < 0:
        raise ValueError(f"busy_timeout_ms must be >= 0, got {busy_timeout_ms}")
    parsed = make_url(url)
    if not is_sqlite(parsed):
        return create_engine(parsed, pool_pre_ping=True)

    in_memory = sqlite_file(parsed) is None
    kwargs: dict[str, Any] = {"connect_args": {"timeout": busy_timeout_ms / 1000}}
    if in_memory:
        # One shared connection, otherwise every connection would see its own empty database.
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    engine = create_engine(parsed, **kwargs)
    _install_sqlite_hooks(engine, busy_timeout_ms=busy_timeout_ms, wal=not in_memory)
    return engine


def _install_sqlite_hooks(engine: Engine, *, busy_timeout_ms: int, wal: bool) -> None:
    """Register the per-connection PRAGMAs and the BEGIN handling on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        assert isinstance(dbapi_connection, sqlite3.Connection)
        # SQLAlchemy emits BEGIN itself (see _on_begin); the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            # Read the schema before anything can write: a file that is not a database, or
            # whose schema is damaged, fails here without a single byte being changed.
            cursor.execute("SELECT count(*) FROM sqlite_master").fetchone()
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                _enable_wal(cursor, busy_timeout_ms)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def _enable_wal(cursor: sqlite3.Cursor, busy_timeout_ms: int) -> None:
    """Switch the database to WAL journal mode, waiting up to the busy timeout for other users.

    Changing the journal mode needs an exclusive lock and SQLite reports "database is locked"
    at once, without its busy handler, while other processes open the same fresh database; so
    retry here. Once a database is in WAL mode this is a cheap no-op.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as error:
            locked = "locked" in str(error).lower() or getattr(
                error, "sqlite_errorname", ""
            ).startswith("SQLITE_BUSY")
            if not locked or time.monotonic() >= deadline:
                raise
        time.sleep(_WAL_RETRY_SECONDS)
