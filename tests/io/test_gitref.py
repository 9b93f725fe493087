"""``git:REF:PATH`` inputs read from another commit with git, confined to the repository."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from mlgate.config import load_config
from mlgate.errors import InputError
from mlgate.io.gitref import materialize
from tests.conftest import require_tool

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    return out.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    require_tool("git")
    root = tmp_path / "repo"
    (root / "models" / "churn").mkdir(parents=True)
    (root / "baseline").mkdir()
    (root / "baseline" / "predictions.csv").write_text("id,prediction\n1,yes\n", encoding="utf-8")
    (root / "models" / "churn" / "preds.csv").write_text("id,prediction\n1,no\n", encoding="utf-8")
    (root / "models" / "churn" / "mlgate.yaml").write_text(
        "version: 1\ntask: binary\ndata: {eval: e.csv, label: y, positive: 'yes'}\n"
        "candidate: {predictions: c.csv}\n",
        encoding="utf-8",
    )
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    return root


def loaded(repo: Path):  # type: ignore[no-untyped-def]
    return load_config(repo / "models" / "churn" / "mlgate.yaml")


def test_reads_the_committed_version(repo: Path) -> None:
    (repo / "models" / "churn" / "preds.csv").write_text("changed\n", encoding="utf-8")
    path = materialize(loaded(repo), "git:HEAD:preds.csv", "baseline.predictions")
    assert path.name.endswith("-preds.csv")  # the suffix is kept for the table readers
    assert path.read_text(encoding="utf-8") == "id,prediction\n1,no\n"


def test_leading_slash_is_the_repository_root_and_dotdot_within_it(repo: Path) -> None:
    ld = loaded(repo)
    assert (
        materialize(ld, "git:HEAD:/baseline/predictions.csv", "k")
        .read_text(encoding="utf-8")
        .endswith("yes\n")
    )
    assert (
        materialize(ld, "git:HEAD:../../baseline/predictions.csv", "k")
        .read_text(encoding="utf-8")
        .endswith("yes\n")
    )


def test_older_commit_by_revision(repo: Path) -> None:
    (repo / "models" / "churn" / "preds.csv").write_text("id,prediction\n1,yes\n", encoding="utf-8")
    git(repo, "commit", "-qam", "second")
    assert "1,no" in materialize(loaded(repo), "git:HEAD~1:preds.csv", "k").read_text(encoding="utf-8")
    assert "1,yes" in materialize(loaded(repo), "git:HEAD:preds.csv", "k").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("git:origin/main:preds.csv", "unknown git ref 'origin/main'"),
        ("git:-c:preds.csv", "is not a valid git ref"),
        ("git:HEAD..main:preds.csv", "is not a valid git ref"),
        ("git:HEAD $(id):preds.csv", "is not a valid git ref"),
        ("git:HEAD", "expected git:REF:PATH"),
        ("git:HEAD:../../../outside.csv", "leaves the repository"),
        ("git:HEAD:nope.csv", "no file 'models/churn/nope.csv' at HEAD"),
        ("git:HEAD:/baseline", "is a tree, not a file"),
    ],
)
def test_bad_values_are_input_errors(repo: Path, value: str, message: str) -> None:
    with pytest.raises(InputError, match=None) as err:
        materialize(loaded(repo), value, "baseline.predictions")
    assert str(err.value).startswith(f"baseline.predictions: {value}: ")
    assert message in str(err.value)


def test_unknown_ref_hint_says_how_to_fetch(repo: Path) -> None:
    with pytest.raises(InputError) as err:
        materialize(loaded(repo), "git:origin/main:preds.csv", "k")
    assert err.value.hint is not None and "git fetch --depth=1 origin main" in err.value.hint


def test_symlinks_and_lfs_pointers_are_refused(repo: Path) -> None:
    (repo / "models" / "churn" / "link.csv").symlink_to("/etc/passwd")
    (repo / "models" / "churn" / "big.csv").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n", encoding="utf-8"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "links")
    with pytest.raises(InputError, match="is a symbolic link"):
        materialize(loaded(repo), "git:HEAD:link.csv", "k")
    with pytest.raises(InputError, match="is a Git LFS pointer"):
        materialize(loaded(repo), "git:HEAD:big.csv", "k")


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_tool("git")
    (tmp_path / "mlgate.yaml").write_text(
        "version: 1\ntask: binary\ndata: {eval: e.csv, label: y, positive: 'yes'}\n"
        "candidate: {predictions: c.csv}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(InputError, match="not inside a git repository"):
        materialize(load_config(tmp_path / "mlgate.yaml"), "git:HEAD:c.csv", "k")


def test_end_to_end_check_against_the_main_branch(demo_project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    require_tool("git")
    git(demo_project, "init", "-q", "-b", "main")
    git(demo_project, "add", "-A")
    git(demo_project, "commit", "-qm", "baseline")
    # The working-tree baseline file is gone: only the committed one can be read.
    (demo_project / "baseline" / "predictions.csv").unlink()
    cfg = demo_project / "mlgate.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "predictions: baseline/predictions.csv", "predictions: git:main:baseline/predictions.csv"
        ),
        encoding="utf-8",
    )
    result = cli(["check", "-c", str(cfg), "-o", str(demo_project / "report")])
    assert result.exit_code in (0, 1), result.output
    card = json.loads((demo_project / "report" / "scorecard.json").read_text(encoding="utf-8"))
    perf = next(g for g in card["gates"] if g["name"] == "performance")
    assert perf["status"] == "pass"
    assert next(c for c in perf["checks"] if c["name"] == "accuracy vs baseline")["baseline"] == 0.72
    # Provenance names the exact blob the gates read at that ref.
    import hashlib

    blob = subprocess.run(
        ["git", "show", "main:baseline/predictions.csv"], cwd=demo_project, check=True, capture_output=True
    ).stdout
    assert (
        card["provenance"]["inputs"]["git:main:baseline/predictions.csv"] == hashlib.sha256(blob).hexdigest()
    )
