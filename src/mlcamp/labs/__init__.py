"""Labs: the lab format, the registry of shipped labs, and the helpers checks are written with."""

from mlcamp.labs.checking import LabChecks, Oracle
from mlcamp.labs.compare import CheckFailure
from mlcamp.labs.registry import Lab, UnknownLabError, all_labs, get_lab, read_labs
from mlcamp.labs.spec import LabSpec

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
