"""Shared fixtures. Tests needing a system tool skip locally without it, but never when CI=true."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` is false; in CI, fail instead (tools must be there)."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """Path of an executable on PATH or in node_modules/.bin, else skip (fail in CI)."""
    found = shutil.which(name) or shutil.which(name, path=str(ROOT / "node_modules" / ".bin"))
    require(found is not None, f"'{name}' is not installed (scripts/install-tools.sh installs it)")
    assert found is not None
    return found


def run_cli(args: list[str], env: dict[str, str] | None = None) -> Result:
    from mlgate._cli import main

    return CliRunner().invoke(main, args, catch_exceptions=False, env=env)


_CI_VARS = ("GITHUB_", "GITLAB_", "CI_", "MLGATE_")


@pytest.fixture(autouse=True)
def _isolated_from_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside CI systems too: never let a test publish to the real PR or read its token."""
    for name in list(os.environ):
        if name.startswith(_CI_VARS) or name in ("GITHUB_ACTIONS", "GITLAB_CI"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


def require_browser() -> str:
    """Chromium (Debian's ``chromium``), or Chrome where that is what the machine has (GitHub runners).

    ``CHROME_BIN`` names a binary explicitly (the Karma convention).
    """
    explicit = os.environ.get("CHROME_BIN")
    if explicit:
        return explicit
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return require_tool("chromium")


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per session (models are trained on the fly)."""
    from mlgate.demo import build_demo

    root = tmp_path_factory.mktemp("demo")
    build_demo(root)
    return root


@pytest.fixture
def demo_project(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project that a test may change."""
    dest = tmp_path / "project"
    shutil.copytree(demo_template, dest)
    return dest
