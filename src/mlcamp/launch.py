"""The `mlcamp` command's entry point: `mlcamp check` goes to the check service when one runs.

Kept to the standard library until it knows where the command runs: a check handed to the
warm service (see :mod:`mlcamp.check_service`) never loads the command line's modules here. A
check graded here starts the service afterwards, for the next one.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run the `mlcamp` command line."""
    arguments = sys.argv[1:]
    if arguments[:1] != ["check"] or {"--help", "-h"} & set(arguments):
        from mlcamp.cli import main as run_here

        run_here()
        return
    from mlcamp.check_service.client import check_through_service, start_service

    outcome = check_through_service(arguments)
    if outcome.code is not None:
        sys.exit(outcome.code)
    from mlcamp.cli import main as run_here

    try:
        run_here()
    finally:
        if outcome.start_service:
            start_service()
