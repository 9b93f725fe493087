"""``mlgate init``'s next steps, checked against the files it wrote: the first-baseline step names the
mode the config uses (the CI artifact after the first merge, or a folder to save and commit), the
workflow or job that stores it, and nothing init already did."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

Cli = Callable[..., Result]
GIT = ["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci"]
FIRST_PR_WARNING = '"no baseline on main yet: it appears after the first merge"'


def _git_repo(root: Path, monkeypatch: pytest.MonkeyPatch, branch: str = "trunk") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run([*GIT, "init", "-q", "-b", branch], cwd=root, check=True)
    monkeypatch.chdir(root)
    return root


def _steps(output: str) -> list[str]:
    return re.findall(r"^  \d+\. (.*)$", output.split("next steps:", 1)[1], re.M)


def test_github_artifact_mode_the_baseline_comes_after_the_first_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    repo = _git_repo(tmp_path / "repo", monkeypatch)
    result = cli(["init", "--ci", "github"])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((repo / "mlgate.yaml").read_text())
    assert config["baseline"] == {"artifact": "mlgate-baseline"}
    workflow = yaml.safe_load((repo / ".github/workflows/mlgate-baseline.yml").read_text())
    [saver] = [s for s in workflow["jobs"]["baseline"]["steps"] if s.get("id") == "baseline"]
    assert saver["with"]["command"] == "baseline-save"
    steps = _steps(result.output)
    last = steps[-1]
    # The workflow it names exists, on the branch its push trigger lists, storing the artifact the
    # config reads; the first pull request's warning is the one the check gives.
    assert "(.github/workflows/mlgate-baseline.yml)" in last
    assert f"after the first merge to {workflow[True]['push']['branches'][0]}," in last
    assert f"uploads the first {config['baseline']['artifact']} artifact" in last
    assert FIRST_PR_WARNING in last and "never a failure" in last
    assert steps[-2] == "commit the new files and open a pull request to see the gate run"
    # Nothing to save or commit by hand, and no local `mlgate check` (it would need the artifact).
    assert "mlgate baseline save -c" not in result.output and "commit baseline/" not in result.output
    assert "mlgate check" not in result.output


def test_gitlab_artifact_mode_names_the_baseline_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     cli: Cli) -> None:
    repo = _git_repo(tmp_path / "repo", monkeypatch)
    result = cli(["init", "--ci", "gitlab"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((repo / "mlgate.yaml").read_text())["baseline"] == {"artifact": "mlgate-baseline"}
    included = (repo / ".gitlab/mlgate.gitlab-ci.yml").read_text()
    assert "/baseline@" in included  # the component whose job is named mlgate-baseline
    last = _steps(result.output)[-1]
    assert "the mlgate-baseline job (.gitlab/mlgate.gitlab-ci.yml)" in last
    assert "after the first merge to trunk," in last and "merge request" in last
    assert FIRST_PR_WARNING in last


def test_kept_committed_folder_config_the_printed_save_writes_what_it_says_to_commit(
    demo_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(demo_project, repo)
    shutil.rmtree(repo / "baseline")
    _git_repo(repo, monkeypatch)
    kept = (repo / "mlgate.yaml").read_text()
    assert yaml.safe_load(kept)["baseline"] == {"predictions": "baseline/predictions.csv"}
    result = cli(["init", "--ci", "github"])
    assert result.exit_code == 0, result.output
    assert (repo / "mlgate.yaml").read_text() == kept
    [step] = [s for s in _steps(result.output) if "first baseline" in s]
    assert step.endswith("then commit baseline/") and "artifact" not in step
    [command] = re.findall(r"`(mlgate baseline save[^`]*)`", step)
    saved = cli(command.split()[1:])  # the command exactly as printed
    assert saved.exit_code == 0, saved.output
    assert (repo / "baseline" / "predictions.csv").is_file()
    assert (repo / "baseline" / "metrics.json").is_file()
    assert "edit mlgate.yaml" not in result.output and f"wrote {repo / 'mlgate.yaml'}" not in result.output


def test_without_ci_the_starter_is_a_folder_to_save_and_commit(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               cli: Cli) -> None:
    repo = _git_repo(tmp_path / "repo", monkeypatch)
    result = cli(["init", "-c", "models/churn/mlgate.yaml"])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((repo / "models/churn/mlgate.yaml").read_text())
    assert config["baseline"] == {"predictions": "baseline/predictions.csv"}  # relative to the config
    [step] = [s for s in _steps(result.output) if "first baseline" in s]
    assert "`mlgate baseline save -c models/churn/mlgate.yaml` (it writes models/churn/baseline/)" in step
    assert step.endswith("then commit models/churn/baseline/")
    # No CI files were written: no pull request step.
    assert "open a pull request" not in result.output


@pytest.mark.parametrize(("baseline", "expected"), [
    ("predictions: git:origin/main:/shared/base/predictions.csv", "(it writes shared/base/), then commit"),
    ("predictions: base/preds.csv", "`mlgate baseline save --out base` (it writes base/)"),
    ("model: models:/churn@champion", "the first baseline is baseline.model (models:/churn@champion)"),
    ("metrics: ''", "`mlgate baseline save --out DIR` on trunk"),
])
def test_other_baseline_sections(baseline: str, expected: str, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    repo = _git_repo(tmp_path / "repo", monkeypatch)
    (repo / "mlgate.yaml").write_text(f"version: 1\nbaseline:\n  {baseline}\n")
    result = cli(["init", "--ci", "github"])
    assert result.exit_code == 0, result.output
    [step] = [s for s in _steps(result.output) if "first baseline" in s]
    assert expected in step, step


def test_the_zero_to_gated_pr_page_shows_what_init_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           cli: Cli) -> None:
    from envs import ROOT

    page = (ROOT / "docs" / "zero-to-gated-pr.md").read_text(encoding="utf-8")
    shown = re.search(r"```text\n(wrote /repo/mlgate\.yaml\n.*?)```", page, re.S)
    assert shown, "docs/zero-to-gated-pr.md shows init's output"
    repo = _git_repo(tmp_path / "repo", monkeypatch, branch="main")
    result = cli(["init", "--ci", "github"])
    assert result.exit_code == 0, result.output
    assert result.output.replace(str(repo), "/repo") == shown.group(1)
