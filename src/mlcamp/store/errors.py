"""Errors raised by the store, each with a message a learner can act on.

Every failure that leaves :mod:`mlcamp.store` is a :class:`StoreError` (or a subclass) carrying a
``message`` that says what happened, which file is involved and what to do next. Raw SQLAlchemy or
sqlite3 exceptions are chained as ``__cause__`` for debugging but never escape on their own.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

__all__ = [
    "LearnerExistsError",
    "LearnerNotFoundError",
    "StoreCorruptError",
    "StoreError",
    "StoreLockedError",
    "StoreTooNewError",
    "StoreUnwritableError",
    "classify_database_error",
]


class StoreError(Exception):
    """A problem with the mlcamp database; ``message`` says what happened and what to do."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return self.message


class StoreTooNewError(StoreError):
    """The database was written by a newer mlcamp whose schema this version does not know."""

    def __init__(self, location: str, revision: str, head: str) -> None:
        super().__init__(
            f"The mlcamp database {location} was written by a newer version of mlcamp "
            f"(schema revision {revision!r}; this mlcamp knows revisions up to {head!r}). "
            "Upgrade mlcamp (from a clone: git pull, then python3 -m pip install -e .), or point "
            "MLCAMP_HOME at another folder to keep both; your data is untouched.",
            location=location,
        )
        self.revision = revision
        self.head = head


class StoreLockedError(StoreError):
    """Another process held a write lock on the database for longer than the busy timeout."""

    def __init__(self, location: str) -> None:
        super().__init__(
            f"The mlcamp database {location} is locked by another program, most likely another "
            "mlcamp (for example a running `mlcamp start`). Close the other mlcamp and try again.",
            location=location,
        )


class StoreCorruptError(StoreError):
    """The database file is not an SQLite database, or it is damaged."""

    def __init__(self, location: str, detail: str) -> None:
        super().__init__(
            f"The mlcamp database {location} cannot be read: {detail}. The file was left "
            "untouched. Move it aside (for example rename it to mlcamp.db.broken), run mlcamp "
            "again to start a fresh database, and re-import your latest export if you have one.",
            location=location,
        )
        self.detail = detail


class StoreUnwritableError(StoreError):
    """The database file or its folder cannot be created or written."""

    def __init__(self, location: str, detail: str) -> None:
        super().__init__(
            f"mlcamp cannot create or write its database at {location}: {detail}. Check that the "
            "folder exists and is writable, or point MLCAMP_HOME (or MLCAMP_DATABASE_URL) at a "
            "writable location.",
            location=location,
        )
        self.detail = detail


class LearnerNotFoundError(StoreError, LookupError):
    """No learner with the requested id exists in the database."""

    def __init__(self, location: str, learner_id: int) -> None:
        super().__init__(
            f"There is no learner with id {learner_id} in the mlcamp database {location}.",
            location=location,
        )
        self.learner_id = learner_id


class LearnerExistsError(StoreError, ValueError):
    """An import would overwrite a learner that already exists (and ``replace`` was not given)."""

    def __init__(self, location: str, name: str) -> None:
        super().__init__(
            f"A learner named {name!r} already exists in the mlcamp database {location}. Import "
            "under another name, or replace that learner and all of their progress.",
            location=location,
        )
        self.name = name


_LOCKED_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED")
_CORRUPT_NAMES = ("SQLITE_NOTADB", "SQLITE_CORRUPT")
_UNWRITABLE_NAMES = ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")

_LOCKED_TEXT = ("database is locked", "database table is locked", "database schema is locked")
_CORRUPT_TEXT = ("file is not a database", "malformed", "file is encrypted")
_UNWRITABLE_TEXT = (
    "readonly database",
    "read-only",
    "unable to open database file",
    "permission denied",
)


def _original(error: BaseException) -> BaseException:
    """Return the DBAPI exception wrapped by a SQLAlchemy error, or the error itself."""
    if isinstance(error, sa_exc.DBAPIError) and error.orig is not None:
        return error.orig
    return error


def classify_database_error(error: BaseException, location: str) -> StoreError:
    """Translate a SQLAlchemy / sqlite3 / OS error into the matching :class:`StoreError`.

    The classification uses the SQLite result code name when the driver provides it and falls
    back to the error text, so it also works for errors raised inside connection event hooks.
    """
    if isinstance(error, StoreError):
        return error
    original = _original(error)
    text = str(original).strip() or type(original).__name__
    lowered = text.lower()
    code_name = getattr(original, "sqlite_errorname", "") or ""

    if code_name.startswith(_LOCKED_NAMES) or any(t in lowered for t in _LOCKED_TEXT):
        return StoreLockedError(location)
    if code_name.startswith(_CORRUPT_NAMES) or any(t in lowered for t in _CORRUPT_TEXT):
        return StoreCorruptError(location, text)
    if (
        code_name.startswith(_UNWRITABLE_NAMES)
        or isinstance(original, PermissionError)
        or any(t in lowered for t in _UNWRITABLE_TEXT)
    ):
        return StoreUnwritableError(location, text)
    if code_name.startswith("SQLITE_FULL") or "disk is full" in lowered:
        return StoreError(
            f"The disk holding the mlcamp database {location} is full. Free some space and try "
            "again; nothing was saved by the failed operation.",
            location=location,
        )
    if isinstance(original, sqlite3.Error | sa_exc.SQLAlchemyError | OSError):
        return StoreError(
            f"The mlcamp database {location} reported an error: {text}.", location=location
        )
    return StoreError(
        f"Unexpected problem with the mlcamp database {location}: {text}.", location=location
    )
