"""Shared fixtures: an isolated MLCAMP_HOME and a writable copy of the shipped content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlcamp.curriculum import default_content_root


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own MLCAMP_HOME, so no test touches the learner's real data."""
    home = tmp_path_factory.mktemp("mlcamp-home")
    monkeypatch.setenv("MLCAMP_HOME", str(home))
    monkeypatch.delenv("MLCAMP_DATABASE_URL", raising=False)
    return home


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of the shipped content that a test may break."""
    target = tmp_path / "content"
    shutil.copytree(default_content_root(), target, ignore=shutil.ignore_patterns("__pycache__"))
    return target
