"""Releases: the sdist and wheel build and pass ``twine check --strict``, the wheel runs, and the release
workflow publishes what it checked (trusted publishing, a `pypi` environment, the major tag moved)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from envs import PIP_ENV, ROOT

from mlgate import __version__
from tests.conftest import require

RELEASE = ROOT / ".github" / "workflows" / "release.yml"


def _load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory, mlgate_source: Path) -> Path:
    """``python -m build`` of a copy of the source tree (the build writes egg-info next to it)."""
    for module in ("build", "twine"):
        require(shutil.which(module, path=str(Path(sys.executable).parent)) is not None
                or _importable(module), f"{module} is not installed (pip install -e .[dev])")
    src = tmp_path_factory.mktemp("release") / "src"
    shutil.copytree(mlgate_source, src)
    out = src.parent / "dist"
    proc = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(src)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_sdist_and_wheel_pass_twine_check_strict(dist: Path) -> None:
    names = sorted(p.name for p in dist.iterdir())
    assert names == [f"mlgate-{__version__}-py3-none-any.whl", f"mlgate-{__version__}.tar.gz"]
    proc = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2


def test_the_version_is_single_sourced(dist: Path) -> None:
    """pyproject.toml reads the version from mlgate/_version.py, which mlgate.__version__ is."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mlgate._version.__version__"}
    wheel = next(dist.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        metadata = zf.read(f"mlgate-{__version__}.dist-info/METADATA").decode()
        names = set(zf.namelist())
    assert f"\nVersion: {__version__}\n" in metadata
    assert {"mlgate/_version.py", "mlgate/templates_data/github/mlgate.yml",
            "mlgate/templates_data/check/template.yml"} <= names


def test_the_wheel_installs_and_runs_init(dist: Path, throwaway_venv: Path, tmp_path: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    env = {**PIP_ENV, "PATH": f"{throwaway_venv}:/usr/bin:/bin", "HOME": str(tmp_path)}
    # The throwaway environment borrows pip and the dependencies (tests/ci/envs.py); mlgate is the wheel.
    subprocess.run([str(throwaway_venv / "python"), "-m", "pip", "install", str(wheel)], check=True,
                   capture_output=True, env=env, timeout=300)
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", "."], cwd=project, check=True)
    for args in (["--version"], ["init", "--ci", "github"], ["validate-config"]):
        proc = subprocess.run([str(throwaway_venv / "mlgate"), *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (project / ".github" / "workflows" / "mlgate.yml").is_file()


def test_release_workflow_publishes_with_trusted_publishing() -> None:
    wf = _load(RELEASE)
    assert wf["on"] == {"push": {"tags": ["v*.*.*"]}}
    assert wf["permissions"] == {"contents": "read"}
    build, pypi, release = wf["jobs"]["build"], wf["jobs"]["pypi"], wf["jobs"]["github-release"]
    build_runs = "\n".join(s.get("run", "") for s in build["steps"])
    for command in ("python -m build", "twine check --strict dist/*", "python -m venv",
                    "mlgate\" init", "mlgate\" demo"):
        assert command in build_runs, command
    assert "permissions" not in build
    assert pypi["needs"] == "build" and pypi["environment"]["name"] == "pypi"
    assert pypi["permissions"] == {"id-token": "write"}
    assert [s["uses"].split("@")[0] for s in pypi["steps"]] == ["actions/download-artifact",
                                                                "pypa/gh-action-pypi-publish"]
    assert release["needs"] == "pypi" and release["permissions"] == {"contents": "write"}
    release_runs = "\n".join(s.get("run", "") for s in release["steps"])
    assert "gh release create" in release_runs and "major=${TAG%%.*}" in release_runs


def _step(job: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in job["steps"] if s.get("name", "").startswith(name))


def test_release_refuses_a_tag_that_is_not_the_package_version(tmp_path: Path) -> None:
    step = _step(_load(RELEASE)["jobs"]["build"], "The tag is the package's version")
    shutil.copytree(ROOT / "mlgate", tmp_path / "mlgate", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", tmp_path / "templates")

    def run(tag: str) -> subprocess.CompletedProcess[str]:
        path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
        return subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path, text=True,
                              capture_output=True, env={"TAG": tag, "PATH": path})

    assert run(f"v{__version__}").returncode == 0
    wrong = run("v9.9.9")
    assert wrong.returncode == 1 and "does not match the package version" in wrong.stdout
    check = tmp_path / "templates" / "check" / "template.yml"
    check.write_text(check.read_text().replace(f"mlgate=={__version__}", "mlgate==0.0.1"))
    stale = run(f"v{__version__}")
    assert stale.returncode == 1 and "templates/ name another version" in stale.stdout


def test_release_notes_are_the_changelogs_section(tmp_path: Path) -> None:
    step = _step(_load(RELEASE)["jobs"]["github-release"], "Create the GitHub release")
    script = step["run"].split("gh release create")[0]
    (tmp_path / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [Unreleased]\n\n- next\n\n## [1.2.0] - 2026-12-01\n\n### Added\n\n- this\n\n"
        "## [1.1.0] - 2026-11-01\n\n- older\n", encoding="utf-8")
    ok = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, text=True,
                        capture_output=True, env={"TAG": "v1.2.0", "PATH": "/usr/bin:/bin"})
    assert ok.returncode == 0, ok.stderr
    assert (tmp_path / "notes.md").read_text() == "\n### Added\n\n- this\n\n"
    missing = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=tmp_path, text=True,
                             capture_output=True, env={"TAG": "v3.0.0", "PATH": "/usr/bin:/bin"})
    assert missing.returncode == 1 and "no section for 3.0.0" in missing.stdout


def test_changelog_keeps_a_changelog() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n") and "https://keepachangelog.com/en/1.1.0/" in text
    unreleased = text.split("## [Unreleased]", 1)[1].split("\n## [", 1)[0]
    for topic in ("security", "margin", "MLflow", "baseline artifact"):
        assert topic.lower() in unreleased.lower(), topic
