"""Labs: the lab format, the registry of shipped labs, and the helpers checks are written with.

Names are imported on first use (checks import `mlcamp.labs.compare` without the registry).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlcamp.labs.checking import LabChecks, Oracle
    from mlcamp.labs.compare import CheckFailure
    from mlcamp.labs.registry import Lab, UnknownLabError, all_labs, get_lab, read_labs
    from mlcamp.labs.spec import LabSpec

_WHERE = {
    "CheckFailure": "compare",
    "Lab": "registry",
    "LabChecks": "checking",
    "LabSpec": "spec",
    "Oracle": "checking",
    "UnknownLabError": "registry",
    "all_labs": "registry",
    "get_lab": "registry",
    "read_labs": "registry",
}

__all__ = [
    "CheckFailure",
    "Lab",
    "LabChecks",
    "LabSpec",
    "Oracle",
    "UnknownLabError",
    "all_labs",
    "get_lab",
    "read_labs",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'mlcamp.labs' has no attribute {name!r}")
    value = getattr(import_module(f"mlcamp.labs.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
