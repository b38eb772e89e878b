"""Where mlcamp keeps the learner's files: MLCAMP_HOME, the database and the workspace."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "mlcamp"
DATABASE_FILE = "mlcamp.db"


def mlcamp_home() -> Path:
    """Return MLCAMP_HOME, or the platform's user data directory for mlcamp when it is unset."""
    configured = os.environ.get("MLCAMP_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def workspace_dir() -> Path:
    """Return the folder where `mlcamp get` writes lab starters."""
    return mlcamp_home() / "workspace"


def database_url() -> str:
    """Return MLCAMP_DATABASE_URL, or a SQLite URL for `mlcamp.db` inside MLCAMP_HOME."""
    configured = os.environ.get("MLCAMP_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{mlcamp_home() / DATABASE_FILE}"
