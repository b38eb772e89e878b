"""Where the content shipped with mlcamp lives (a module with no heavy imports)."""

from __future__ import annotations

from importlib import resources as importlib_resources
from pathlib import Path


def default_content_root() -> Path:
    """Return the folder of the content shipped inside the mlcamp package."""
    return Path(str(importlib_resources.files("mlcamp") / "content"))
