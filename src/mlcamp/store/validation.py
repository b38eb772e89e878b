"""Argument checks run before anything reaches the database (they raise ``ValueError``).

The database enforces the same rules with CHECK constraints; checking first gives the caller a
message naming the argument and the allowed values instead of a constraint name.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from datetime import date

from mlcamp.store.models import ID_LENGTH

__all__ = [
    "check_choice",
    "check_date",
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


def check_sha256(value: object) -> None:
    """Raise ValueError unless ``value`` is a lowercase hex SHA-256 digest (or None)."""
    if value is not None and not (isinstance(value, str) and _SHA256.fullmatch(value)):
        raise ValueError(f"code_sha256 must be 64 lowercase hex digits, got {value!r}")


def code_digest(code: str | bytes) -> str:
    """Return the SHA-256 hex digest of submitted code (text is encoded as UTF-8)."""
    data = code.encode("utf-8") if isinstance(code, str) else code
    return hashlib.sha256(data).hexdigest()
