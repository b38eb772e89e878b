"""Argument checks run before anything reaches the database (they raise ``ValueError``).

The database enforces the same rules with CHECK constraints; checking first gives the caller a
message naming the argument and the allowed values instead of a constraint name.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, overload

from mlcamp.store.models import ID_LENGTH

__all__ = [
    "check_choice",
    "check_date",
    "check_datetime",
    "check_json",
    "check_number",
    "check_sha256",
    "check_text",
    "code_digest",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_choice(
    field: str, value: object, allowed: Iterable[str], *, optional: bool = False
) -> None:
    """Raise ValueError unless ``value`` is one of ``allowed`` (or None when ``optional``)."""
    allowed = tuple(allowed)
    if value is None and optional:
        return
    if value not in allowed:
        options = ", ".join(repr(option) for option in allowed)
        extra = " or None" if optional else ""
        raise ValueError(f"{field} must be one of {options}{extra}, got {value!r}")


def check_text(field: str, value: object, *, max_length: int = ID_LENGTH) -> str:
    """Return ``value`` if it is a non-blank string of at most ``max_length`` characters."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} must be a non-empty string, got {value!r}")
    if len(value) > max_length:
        raise ValueError(f"{field} must be at most {max_length} characters, got {len(value)}")
    return value


def check_number(field: str, value: object, *, low: float, high: float = math.inf) -> float:
    """Return ``value`` as a float if it is a finite number in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{field} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        upper = "" if math.isinf(high) else f" and at most {high:g}"
        raise ValueError(
            f"{field} must be a finite number of at least {low:g}{upper}, got {value!r}"
        )
    return number


def check_date(field: str, value: object, *, optional: bool = False) -> None:
    """Raise ValueError unless ``value`` is a ``datetime.date`` (not a datetime)."""
    if value is None and optional:
        return
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise ValueError(f"{field} must be a datetime.date, got {value!r}")


@overload
def check_datetime(field: str, value: object) -> datetime: ...
@overload
def check_datetime(field: str, value: object, *, optional: bool) -> datetime | None: ...
def check_datetime(field: str, value: object, *, optional: bool = False) -> datetime | None:
    """Return ``value``, a timezone-aware ``datetime.datetime``, converted to UTC.

    Raise ValueError for anything else (None is returned as is when ``optional``).
    """
    if value is None and optional:
        return None
    if not isinstance(value, datetime):
        raise ValueError(f"{field} must be a datetime.datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be timezone-aware (attach a time zone), got {value!r}")
    return value.astimezone(UTC)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def check_json(field: str, value: object, *, object_only: bool = True) -> str:
    """Return ``value`` (a mapping, or JSON text) as JSON text, checking that it is valid JSON.

    With ``object_only`` the value must be a JSON object. NaN and infinities are refused: they
    are not JSON, and other tools could not read them back.
    """
    if isinstance(value, str):
        try:
            decoded = json.loads(value, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ValueError(f"{field} is not valid JSON: {error}") from error
        if object_only and not isinstance(decoded, dict):
            kind = type(decoded).__name__
            raise ValueError(f"{field} must be a JSON object, got JSON of type {kind}")
        return value
    if object_only and not isinstance(value, Mapping):
        raise ValueError(f"{field} must be a mapping or JSON text, got {type(value).__name__}")
    try:
        return json.dumps(
            dict(value) if isinstance(value, Mapping) else value,
            ensure_ascii=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"{field} cannot be stored as JSON: {error}") from error


def check_sha256(value: object) -> None:
    """Raise ValueError unless ``value`` is a lowercase hex SHA-256 digest (or None)."""
    if value is not None and not (isinstance(value, str) and _SHA256.fullmatch(value)):
        raise ValueError(f"code_sha256 must be 64 lowercase hex digits, got {value!r}")


def code_digest(code: str | bytes) -> str:
    """Return the SHA-256 hex digest of submitted code (text is encoded as UTF-8)."""
    data = code.encode("utf-8") if isinstance(code, str) else code
    return hashlib.sha256(data).hexdigest()
