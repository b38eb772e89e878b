"""Schema versioning: the Alembic configuration and bringing a database up to the head revision.

Alembic is configured programmatically (no ini file): ``script_location`` is the ``migrations``
folder shipped inside this package. :func:`ensure_schema` upgrades a database on first use; the
upgrade runs inside one write transaction (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
PostgreSQL), so when several processes open a fresh database at once exactly one migrates and the
others wait and then find the schema current.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect

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

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
"""The Alembic script folder (``env.py`` and ``versions/``)."""

_PG_MIGRATION_LOCK = 0x6D6C63616D70  # "mlcamp" as an integer: the advisory lock key

# Alembic keeps its running environment in module globals (``alembic.context``), so two threads
# of one process must never migrate at the same time, even on different databases (the CLI opens
# the store on a background thread while it grades).
_ALEMBIC_LOCK = threading.Lock()


def alembic_config(*, connection: Connection | None = None, url: str | None = None) -> Config:
    """Return an Alembic :class:`Config` for mlcamp's migrations, built without an ini file.

    With ``connection``, ``env.py`` migrates through it (inside the caller's transaction);
    otherwise it opens ``url`` (default: :func:`mlcamp.paths.database_url`). Developers can use it
    for new revisions: ``command.revision(alembic_config(), message=..., autogenerate=True)``.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=]*=\s*(.+)$", re.MULTILINE)


@cache
def _revision_graph() -> dict[str, str | None]:
    """Each shipped revision and its parent, read from the migration files.

    Reading the two assignments is enough for the everyday check and avoids importing Alembic
    (a large import) on every command; Alembic itself runs only when an upgrade is needed.
    """
    graph: dict[str, str | None] = {}
    for file in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        values = {
            key: value.strip().strip("\"'")
            for key, value in _REVISION_LINE.findall(file.read_text(encoding="utf-8"))
        }
        if "revision" in values:
            parent = values.get("down_revision")
            graph[values["revision"]] = None if parent in (None, "None") else parent
    return graph


def head_revision() -> str:
    """Return the newest schema revision this version of mlcamp knows."""
    graph = _revision_graph()
    parents = set(graph.values())
    heads = [revision for revision in graph if revision not in parents]
    if len(heads) != 1:  # pragma: no cover - the package always ships one linear history
        raise RuntimeError(f"expected one head revision in {MIGRATIONS_DIR}, found {heads}")
    return heads[0]


@cache
def known_revisions() -> frozenset[str]:
    """Return every schema revision shipped with this version of mlcamp."""
    return frozenset(_revision_graph())


def current_revisions(connection: Connection) -> tuple[str, ...]:
    """Return the revisions stamped in the database (empty for a database never migrated)."""
    if not inspect(connection).has_table("alembic_version"):
        return ()
    rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars()
    return tuple(sorted(str(row) for row in rows))


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
                    from alembic import command

                    with _ALEMBIC_LOCK:
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
