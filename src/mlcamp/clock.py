"""Today's date, overridable with MLCAMP_TODAY=YYYY-MM-DD (for demos, tests and time travel)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time


def today() -> date:
    """The current date, or MLCAMP_TODAY when set."""
    value = os.environ.get("MLCAMP_TODAY")
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            message = f"MLCAMP_TODAY must be a date like 2026-01-05, got {value!r}"
            raise ValueError(message) from error
    return date.today()


def now() -> datetime:
    """The current time (UTC); noon of MLCAMP_TODAY when that is set."""
    if os.environ.get("MLCAMP_TODAY"):
        return datetime.combine(today(), time(12, 0), tzinfo=UTC)
    return datetime.now(UTC)
