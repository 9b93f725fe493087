"""``mlgate init [--ci github|gitlab] [--fork-safe] [--force]`` and the packaged copy of templates/."""

from __future__ import annotations

import filecmp
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from envs import ROOT
from test_ci_workflows import actionlint, check_jsonschema

PACKAGED = ROOT / "mlgate" / "templates_data"
GIT = ["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci"]


def test_packaged_templates_are_identical_to_templates() -> None:
    """One source of truth: templates/ (what GitLab's catalog and users read). To update the copy:
    rm -r mlgate/templates_data && cp -r templates mlgate/templates_data"""
    source = ROOT / "templates"
    shipped = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    packaged = sorted(p.relative_to(PACKAGED) for p in PACKAGED.rglob("*") if p.is_file())
    assert packaged == shipped
    _, mismatch, errors = filecmp.cmpfiles(source, PACKAGED, [str(p) for p in shipped], shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "model-repo"
    (root / "data").mkdir(parents=True)
    (root / "data" / "holdout.csv").write_text("id,age,target\n1,30,1\n")
    (root / "data" / "train.csv").write_text("id,age,target\n2,40,0\n")
    subprocess.run([*GIT, "init", "-q", "-b", "work"], cwd=root, check=True)
    # The remote's default branch, as `git clone` records it.
    subprocess.run([*GIT, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/develop"],
                   cwd=root, check=True)
    monkeypatch.chdir(root)
    return root


def test_github_writes_config_and_workflows(repo: Path, cli: Callable[..., Result]) -> None:
    result = cli(["init", "--ci", "github"])
    assert result.exit_code == 0, result.output
    workflows = repo / ".github" / "workflows"
    assert sorted(p.name for p in workflows.iterdir()) == ["mlgate-baseline.yml", "mlgate.yml"]
    assert (workflows / "mlgate.yml").read_text() == (ROOT / "templates/github/mlgate.yml").read_text()
    baseline = yaml.safe_load((workflows / "mlgate-baseline.yml").read_text())
    assert baseline[True]["push"]["branches"] == ["develop"]
    config = yaml.safe_load((repo / "mlgate.yaml").read_text())
    assert config["data"]["eval"] == "data/holdout.csv"
    assert config["data"]["label"] == "target"
    assert "default branch develop" in result.output
    assert "next steps" in result.output and "mlgate validate-config" in result.output
    assert cli(["validate-config"]).exit_code == 0

    files = {str(p): p.read_text() for p in workflows.iterdir()}
    assert all(errors == [] for errors in actionlint(files).values())
    proc = check_jsonschema("vendor.github-workflows", list(workflows.iterdir()))
    assert proc.returncode == 0, proc.stdout


def test_fork_safe_pair_and_config_in_a_subfolder(repo: Path, cli: Callable[..., Result]) -> None:
    result = cli(["init", "--ci", "github", "--fork-safe", "-c", "models/churn/mlgate.yaml"])
    assert result.exit_code == 0, result.output
    workflows = repo / ".github" / "workflows"
    assert sorted(p.name for p in workflows.iterdir()) == ["mlgate-baseline.yml", "mlgate-publish.yml",
                                                           "mlgate.yml"]
    gate = yaml.safe_load((workflows / "mlgate.yml").read_text())
    step = next(s for s in gate["jobs"]["gate"]["steps"] if s.get("id") == "gate")
    assert step["with"]["config"] == "models/churn/mlgate.yaml"
    assert step["with"]["publish"] == "none"
    saver = yaml.safe_load((workflows / "mlgate-baseline.yml").read_text())["jobs"]["baseline"]["steps"]
    [action] = [s for s in saver if str(s.get("uses", "")).startswith("mlgate/mlgate@")]
    assert action["with"] == {"command": "baseline-save", "config": "models/churn/mlgate.yaml"}
    config = yaml.safe_load((repo / "models/churn/mlgate.yaml").read_text())
    assert config["data"]["eval"] == "../../data/holdout.csv"  # relative to the config file


def test_ci_next_to_an_existing_config_writes_only_the_ci_files(repo: Path,
                                                                 cli: Callable[..., Result]) -> None:
    (repo / "mlgate.yaml").write_text("# mine\n")
    result = cli(["init", "--ci", "github"])
    assert result.exit_code == 0, result.output
    assert (repo / "mlgate.yaml").read_text() == "# mine\n"
    assert sorted(p.name for p in (repo / ".github" / "workflows").iterdir()) == ["mlgate-baseline.yml",
                                                                               "mlgate.yml"]
    assert "kept" in result.output and "never overwritten" in result.output
    # Nothing init did not do: the starter was not written, so no "edit it" step.
    assert "edit mlgate.yaml" not in result.output
    assert f"wrote {repo / 'mlgate.yaml'}" not in result.output


def test_force_overwrites_ci_files_but_never_the_config(repo: Path, cli: Callable[..., Result]) -> None:
    (repo / "mlgate.yaml").write_text("# mine\n")
    workflows = repo / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "mlgate.yml").write_text("# old\n")
    refused = cli(["init", "--ci", "github"])
    assert refused.exit_code == 2
    assert "already exist" in refused.output and "--force" in refused.output
    assert (workflows / "mlgate.yml").read_text() == "# old\n"
    assert not (workflows / "mlgate-baseline.yml").exists()  # nothing written when any target exists

    forced = cli(["init", "--ci", "github", "--force"])
    assert forced.exit_code == 0, forced.output
    assert (workflows / "mlgate.yml").read_text() == (ROOT / "templates/github/mlgate.yml").read_text()
    assert (repo / "mlgate.yaml").read_text() == "# mine\n"


@pytest.mark.parametrize("args", [["init"], ["init", "--force"]])
def test_init_without_ci_refuses_to_replace_a_config(args: list[str], repo: Path,
                                                     cli: Callable[..., Result]) -> None:
    (repo / "mlgate.yaml").write_text("# mine\n")
    result = cli(args)
    assert result.exit_code == 2
    assert "never overwrites a config" in result.output and "--ci" in result.output
    assert (repo / "mlgate.yaml").read_text() == "# mine\n"


def test_init_writes_the_id_key(repo: Path, cli: Callable[..., Result]) -> None:
    (repo / "data" / "holdout.csv").write_text("customer_id,age,target\n1,30,1\n")
    assert cli(["init"]).exit_code == 0
    assert yaml.safe_load((repo / "mlgate.yaml").read_text())["data"]["id"] == "customer_id"


def test_gitlab_adds_an_include(repo: Path, cli: Callable[..., Result]) -> None:
    result = cli(["init", "--ci", "gitlab"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((repo / ".gitlab-ci.yml").read_text()) == {
        "include": [{"local": ".gitlab/mlgate.gitlab-ci.yml"}]
    }
    included = repo / ".gitlab" / "mlgate.gitlab-ci.yml"
    assert included.read_text() == (ROOT / "templates/gitlab/mlgate.gitlab-ci.yml").read_text()
    assert "MLGATE_GITLAB_TOKEN" in result.output
    # It wrote the include itself: no step asks for it.
    assert "include" not in result.output.split("next steps", 1)[1]
    assert "mlgate baseline save" in result.output
    proc = check_jsonschema("vendor.gitlab-ci", [repo / ".gitlab-ci.yml", included])
    assert proc.returncode == 0, proc.stdout


def test_gitlab_leaves_an_existing_pipeline_alone(repo: Path, cli: Callable[..., Result]) -> None:
    (repo / ".gitlab-ci.yml").write_text("test:\n  script: [pytest]\n")
    result = cli(["init", "--ci", "gitlab"])
    assert result.exit_code == 0, result.output
    assert (repo / ".gitlab-ci.yml").read_text() == "test:\n  script: [pytest]\n"
    expected = "add to your existing .gitlab-ci.yml:  include: [{local: .gitlab/mlgate.gitlab-ci.yml}]"
    assert expected in result.output


def test_fork_safe_is_for_github(repo: Path, cli: Callable[..., Result]) -> None:
    result = cli(["init", "--ci", "gitlab", "--fork-safe"])
    assert result.exit_code == 2
    assert "--fork-safe" in result.output
    assert not (repo / "mlgate.yaml").exists()


def test_outside_a_git_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  cli: Callable[..., Result]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = cli(["init"])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((tmp_path / "mlgate.yaml").read_text())
    assert config["data"]["eval"] == "data/eval.parquet"  # nothing to detect: the placeholder
    assert "commit the new files" not in result.output
