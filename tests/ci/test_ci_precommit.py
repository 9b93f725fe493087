"""The pre-commit hooks (.pre-commit-hooks.yaml), run by pre-commit itself on the packaged example.

pre-commit's ``language: python`` would build a fresh environment with every dependency from the
index; the hooks are run here from a ``repo: local`` config that copies our manifest entries verbatim
except ``language: system`` (the mlgate of the test environment), so pre-commit's own file matching,
stages and ``pass_filenames`` handling are exercised with our exact ``entry`` and ``files``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from envs import ROOT

from tests.conftest import require

# End-to-end: pre-commit runs the real gate.
pytestmark = pytest.mark.slow


def manifest() -> list[dict[str, object]]:
    from pre_commit.clientlib import load_manifest

    return load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))  # type: ignore[no-any-return]


def test_manifest_is_valid_for_pre_commit() -> None:
    hooks = {h["id"]: h for h in manifest()}
    assert set(hooks) == {"mlgate-validate-config", "mlgate-check"}
    assert hooks["mlgate-validate-config"]["language"] == "python"
    assert "pre-push" in hooks["mlgate-check"]["stages"]  # type: ignore[operator]


@pytest.fixture
def repo(demo_project: Path, tmp_path: Path) -> Path:
    exe = Path(sys.executable).with_name("pre-commit")
    require(exe.exists(), "pre-commit is not installed (pip install -e .[dev])")
    keys = ("id", "name", "entry", "files", "pass_filenames", "always_run", "require_serial", "stages")
    hooks = [{**{k: h[k] for k in keys if k in h}, "language": "system"} for h in manifest()]
    (demo_project / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)
    )
    git = ["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q"], cwd=demo_project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=demo_project, check=True)
    return demo_project


def pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"), "NO_COLOR": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(Path(sys.executable).with_name("pre-commit")), "run", *args], cwd=repo,
                          env=env, capture_output=True, text=True, timeout=300)


def test_validate_config_hook(repo: Path) -> None:
    ok = pre_commit(repo, "mlgate-validate-config", "--all-files")
    assert ok.returncode == 0, ok.stdout
    assert "mlgate validate-config" in ok.stdout and "Passed" in ok.stdout

    config = repo / "mlgate.yaml"
    config.write_text(config.read_text().replace("task: binary", "task: binary\ntresholds: 1"))
    bad = pre_commit(repo, "mlgate-validate-config", "--files", "mlgate.yaml")
    assert bad.returncode == 1
    assert "Failed" in bad.stdout and "tresholds" in bad.stdout

    # Not triggered by files other than mlgate.yaml.
    skipped = pre_commit(repo, "mlgate-validate-config", "--files", "data/eval.csv")
    assert "no files to check" in skipped.stdout.lower() and skipped.returncode == 0


def test_check_hook_runs_on_push_and_blocks_a_failing_gate(repo: Path) -> None:
    ok = pre_commit(repo, "mlgate-check", "--hook-stage", "pre-push", "--all-files")
    assert ok.returncode == 0, ok.stdout
    assert "Passed" in ok.stdout
    # Not a commit-stage hook: the full gate would slow every commit down.
    assert "mlgate check" not in pre_commit(repo, "--all-files").stdout

    config = repo / "mlgate.yaml"
    config.write_text(config.read_text().replace("accuracy: {min: 0.70", "accuracy: {min: 0.99"))
    failed = pre_commit(repo, "mlgate-check", "--hook-stage", "pre-push", "--all-files")
    assert failed.returncode == 1
    assert "Failed" in failed.stdout and "exit code: 1" in failed.stdout
