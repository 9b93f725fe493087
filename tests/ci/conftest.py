"""Fixtures for the CI integration tests: a copy of the source tree and throwaway environments."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

# The helpers next to this file (envs, ghrunner) are imported by bare name from the test modules.
sys.path.insert(0, str(Path(__file__).parent))

from envs import ROOT, make_venv

SOURCE_FILES = ("pyproject.toml", "README.md", "LICENSE", "action.yml", ".pre-commit-hooks.yaml")


@pytest.fixture(scope="session")
def mlgate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a checkout of the repository holds for packaging and for the action/templates."""
    dest = tmp_path_factory.mktemp("src") / "mlgate-src"
    dest.mkdir()
    for name in SOURCE_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    shutil.copytree(ROOT / "mlgate", dest / "mlgate", ignore=ignore)
    shutil.copytree(ROOT / "templates", dest / "templates", ignore=ignore)
    return dest


@pytest.fixture
def throwaway_venv(tmp_path: Path) -> Path:
    """``bin`` directory of a fresh environment in which ``mlgate`` is not installed yet."""
    return make_venv(tmp_path / "venv")

