"""Schema versioning: the Alembic configuration and bringing a database up to the head revision.

Alembic is configured programmatically (no ini file): ``script_location`` is the ``migrations``
folder shipped inside this package. :func:`ensure_schema` upgrades a database on first use; the
upgrade runs inside one write transaction (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), so when several processes open a fresh database at once exactly one migrates and the
others wait and then find the schema current.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from mlcamp.store.engine import writer
from mlcamp.store.errors import StoreError, StoreTooNewError

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revisions",
    "ensure_schema",
    "head_revision",
    "known_revisions",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""The Alembic script folder (``env.py`` and ``versions/``)."""

_PG_MIGRATION_LOCK = 0x6D6C63616D70  # "mlcamp" as an integer: the advisory lock key


def alembic_config(*, connection: Connection | None = None, url: str | None = None) -> Config:
    """Return an Alembic :class:`Config` for mlcamp's migrations, built without an ini file.

    With ``connection``, ``env.py`` migrates through it (inside the caller's transaction);
    otherwise it opens ``url`` (default: :func:`mlcamp.paths.database_url`). Developers can use it
    for new revisions: ``command.revision(alembic_config(), message=..., autogenerate=True)``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """Return the newest schema revision this version of mlcamp knows."""
    head = _script().get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError(f"no Alembic revisions found in {MIGRATIONS_DIR}")
    return head


@cache
def known_revisions() -> frozenset[str]:
    """Return every schema revision shipped with this version of mlcamp."""
    return frozenset(script.revision for script in _script().walk_revisions())


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """Return the revisions stamped in the database (empty for a database never migrated)."""
    return tuple(MigrationContext.configure(connection).get_current_heads())


def _refuse_unknown(revisions: tuple[str, ...], location: str) -> None:
    unknown = [revision for revision in revisions if revision not in known_revisions()]
    if unknown:
        raise StoreTooNewError(location, unknown[0], head_revision())


def ensure_schema(engine: Engine, location: str) -> str:
    """Upgrade the database behind ``engine`` to the head revision if needed; return the head.

    Refuses (:class:`StoreTooNewError`) a database stamped with a revision this mlcamp does not
    know, without changing it. Database errors propagate as SQLAlchemy / sqlite3 exceptions; the
    caller classifies them.
    """
    head = head_revision()
    with engine.connect() as connection:  # cheap read-only check, the usual case
        revisions = current_revisions(connection)
    _refuse_unknown(revisions, location)
    if revisions == (head,):
        return head

    with writer(engine).connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Table rebuilds in batch migrations must not trigger ON DELETE CASCADE. The pragma
            # only works outside a transaction, so it is set before BEGIN and restored after.
            _set_sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})"
                    )
                revisions = current_revisions(connection)  # again, now that we hold the lock
                _refuse_unknown(revisions, location)
                if revisions != (head,):
                    command.upgrade(alembic_config(connection=connection), "head")
                    if sqlite:
                        _check_foreign_keys(connection, location)
        finally:
            if sqlite:
                _set_sqlite_foreign_keys(connection, on=True)
    return head


def _set_sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """Switch foreign key enforcement on the raw sqlite3 connection, outside any transaction."""
    raw = connection.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    try:
        raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")
    except sqlite3.Error:
        if not on:
            raise
        # Never hand a connection without foreign keys back to the pool.
        connection.invalidate()


def _check_foreign_keys(connection: Connection, location: str) -> None:
    """Fail the migration (and roll it back) if it left rows pointing at missing parents."""
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        table, rowid, parent, _ = problems[0]
        raise StoreError(
            f"Upgrading the mlcamp database {location} would leave {len(problems)} broken "
            f"reference(s) (first: {table} row {rowid} -> {parent}); the upgrade was rolled back "
            "and your data is untouched. Please report this as an mlcamp bug.",
            location=location,
        )
