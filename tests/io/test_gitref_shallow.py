"""``git:origin/BRANCH:PATH`` in a shallow CI checkout: the branch is fetched, or the error says how.

A real bare repository stands in for the forge and a ``--depth=1`` clone of the pull request's branch
for the CI checkout (actions/checkout's default fetch-depth: 1 holds no ``origin/main``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from mlgate.config import LoadedConfig, load_config
from mlgate.errors import InputError
from mlgate.io.gitref import materialize
from tests.conftest import require_tool

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1"}
CONFIG = ("version: 1\ntask: binary\ndata: {eval: e.csv, label: y, positive: 'yes'}\n"
          "candidate: {predictions: c.csv}\n")


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV})


@pytest.fixture
def shallow(tmp_path: Path) -> Path:
    """A depth-1 clone of branch ``feature`` from a bare repository whose ``main`` holds the baseline."""
    require_tool("git")
    forge = tmp_path / "forge.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(forge))
    work = tmp_path / "work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "baseline").mkdir()
    (work / "baseline" / "predictions.csv").write_text("id,prediction\n1,main\n", encoding="utf-8")
    (work / "mlgate.yaml").write_text(CONFIG, encoding="utf-8")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "baseline on main")
    git(work, "checkout", "-q", "-b", "feature")
    (work / "baseline" / "predictions.csv").write_text("id,prediction\n1,feature\n", encoding="utf-8")
    git(work, "commit", "-qam", "the pull request's change")
    git(work, "tag", "v1", "main")
    git(work, "push", "-q", str(forge), "main", "feature", "v1")
    clone = tmp_path / "clone"
    # file:// so that --depth is honoured for a local repository (git-clone(1)).
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "feature", forge.as_uri(), str(clone))
    assert (clone / ".git" / "shallow").exists()
    assert subprocess.run(["git", "rev-parse", "--verify", "--quiet", "origin/main"], cwd=clone,
                          capture_output=True).returncode != 0
    return clone


def loaded(clone: Path) -> LoadedConfig:
    return load_config(clone / "mlgate.yaml")


def has_ref(clone: Path, ref: str) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=clone,
                          capture_output=True).returncode == 0


def test_missing_origin_branch_is_fetched_in_a_shallow_clone(shallow: Path) -> None:
    path = materialize(loaded(shallow), "git:origin/main:baseline/predictions.csv", "baseline.predictions")
    assert path.read_text(encoding="utf-8") == "id,prediction\n1,main\n"
    assert has_ref(shallow, "refs/remotes/origin/main")
    # Fetched at depth 1: the checkout stays shallow, nothing else came along.
    assert git(shallow, "rev-list", "--count", "origin/main").stdout.strip() == "1"
    assert not has_ref(shallow, "refs/tags/v1")


def test_full_remote_tracking_name_is_fetched_too(shallow: Path) -> None:
    path = materialize(loaded(shallow), "git:refs/remotes/origin/main:baseline/predictions.csv", "k")
    assert path.read_text(encoding="utf-8") == "id,prediction\n1,main\n"


def test_missing_branch_says_exactly_what_to_add(shallow: Path) -> None:
    with pytest.raises(InputError) as err:
        materialize(loaded(shallow), "git:origin/production:baseline/predictions.csv", "baseline.predictions")
    assert "unknown git ref 'origin/production'" in str(err.value)
    assert "`git fetch --depth=1 origin production` failed" in str(err.value)
    assert err.value.hint is not None
    assert "git fetch --depth=1 origin production" in err.value.hint and "fetch-depth: 0" in err.value.hint


@pytest.mark.parametrize("ref", ["origin/main~1", "origin/main^{commit}", "origin/main@{1}", "main",
                                 "upstream/main"])
def test_only_a_plain_origin_branch_is_fetched(shallow: Path, ref: str) -> None:
    """Revision expressions, other remotes and bare names are not turned into a fetch."""
    with pytest.raises(InputError) as err:
        materialize(loaded(shallow), f"git:{ref}:baseline/predictions.csv", "k")
    assert "unknown git ref" in str(err.value) and "failed" not in str(err.value)
    assert not has_ref(shallow, "refs/remotes/origin/main")


def test_fetch_failure_without_a_remote_is_a_clear_error(shallow: Path) -> None:
    git(shallow, "remote", "remove", "origin")
    with pytest.raises(InputError) as err:
        materialize(loaded(shallow), "git:origin/main:baseline/predictions.csv", "k")
    assert "`git fetch --depth=1 origin main` failed" in str(err.value)
    assert err.value.hint is not None and "fetch-depth: 0" in err.value.hint
