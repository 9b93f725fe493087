"""``--out`` never replaces what mlgate did not write (issue: ``-o .`` used to delete the project).

Each refusal is exit 2 with one message naming the path, and the path (and whatever a link points
to) is left exactly as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

Cli = Callable[..., Result]


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry below ``root`` (links by their target, files by their bytes), links not followed."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = f"link:{os.readlink(path)}"
            elif path.is_file():
                out[rel] = path.read_bytes()
            else:
                out[rel] = "dir"
    return out


@pytest.fixture
def project(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo project with the performance gate only (fast), as the working directory."""
    cfg = yaml.safe_load((demo_project / "mlgate.yaml").read_text(encoding="utf-8"))
    cfg["gates"] = {"performance": cfg["gates"]["performance"]}
    cfg.pop("schema", None)
    (demo_project / "mlgate.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    monkeypatch.chdir(demo_project)
    return demo_project


def check(cli: Cli, out: str) -> Result:
    return cli(["check", "-c", "mlgate.yaml", "-o", out])


def refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert result.output.count("mlgate: error:") == 1, result.output
    for word in words:
        assert word in result.output, result.output


def test_out_dot_is_refused_and_the_project_survives(cli: Cli, project: Path) -> None:
    before = snapshot(project)
    refused(check(cli, "."), "is the working directory", "--out")
    assert snapshot(project) == before


def test_out_parent_is_refused_and_siblings_survive(cli: Cli, project: Path) -> None:
    (project.parent / "sibling").mkdir()
    (project.parent / "sibling" / "keep.txt").write_text("precious")
    before = snapshot(project.parent)
    refused(check(cli, ".."), "holds the working directory")
    refused(check(cli, str(project.parent.parent)), "holds the working directory")
    assert snapshot(project.parent) == before


def test_repository_root_is_refused(cli: Cli, project: Path, tmp_path: Path) -> None:
    # The working directory is a subfolder of a repository: its toplevel is refused (it holds the
    # working directory), and so is another repository's root reached by a relative path.
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / "sub").mkdir()
    other = tmp_path / "other"
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    (other / "code.py").write_text("print('mine')\n")
    before = snapshot(tmp_path)
    os.chdir(project / "sub")
    refused(cli(["check", "-c", "../mlgate.yaml", "-o", ".."]), "..")
    os.chdir(project)
    refused(check(cli, "../other"), "git repository")
    assert snapshot(tmp_path) == before


def test_symlinked_report_dir_is_refused_and_its_target_survives(cli: Cli, project: Path) -> None:
    # A pull request commits `mlgate-report` as a link to a folder outside the project.
    target = project.parent / "somewhere"
    target.mkdir()
    (target / "secret.txt").write_text("do not delete")
    (project / "mlgate-report").symlink_to("../somewhere")
    before = snapshot(project.parent)
    refused(check(cli, "mlgate-report"), "mlgate-report", "symbolic link")
    refused(cli(["check", "-c", "mlgate.yaml"]), "symbolic link")  # the default --out
    assert snapshot(project.parent) == before


def test_link_on_the_way_to_the_report_dir_is_refused(cli: Cli, project: Path) -> None:
    target = project.parent / "elsewhere"
    (target / "mlgate-report").mkdir(parents=True)
    (target / "mlgate-report" / "scorecard.md").write_text("someone else's")
    (project / "reports").symlink_to(target)
    before = snapshot(project.parent)
    refused(check(cli, "reports/mlgate-report"), "reports", "symbolic link")
    assert snapshot(project.parent) == before


def test_foreign_folder_and_file_are_refused(cli: Cli, project: Path) -> None:
    (project / "results").mkdir()
    (project / "results" / "notes.md").write_text("my notes")
    before = snapshot(project)
    refused(check(cli, "results"), "results", "did not write", ".mlgate-report")
    refused(check(cli, "mlgate.yaml"), "mlgate.yaml", "not a folder")
    assert snapshot(project) == before


def test_new_empty_and_own_report_dirs_are_written(cli: Cli, project: Path) -> None:
    (project / "empty").mkdir()
    for out in ("fresh/mlgate-report", "empty", "empty"):  # the last: over its own report
        result = check(cli, out)
        assert result.exit_code == 0, result.output
        marker = json.loads((project / out / ".mlgate-report").read_text(encoding="utf-8"))
        assert marker["tool"] == "mlgate" and marker["kind"] == "report"
        assert json.loads((project / out / "scorecard.json").read_text(encoding="utf-8"))["status"] == "pass"
    # A report of an older mlgate (report files only, no marker) is still replaced.
    (project / "legacy").mkdir()
    (project / "legacy" / "scorecard.md").write_text("old")
    assert check(cli, "legacy").exit_code == 0
    assert (project / "legacy" / ".mlgate-report").is_file()
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_a_crashed_run_never_break_the_next_one(cli: Cli, project: Path) -> None:
    assert check(cli, "mlgate-report").exit_code == 0
    dead = _dead_pid()
    # A crash between the two renames of an earlier version left `.mlgate-report.old-PID` behind; the
    # same PID again (containers reuse them) made the rename fail: exit 3.
    foreign_old = project / f".mlgate-report.old-{os.getpid()}"
    (foreign_old / "x").mkdir(parents=True)
    # Leftovers of this version: the temp and old folders carry the marker and are cleaned...
    ours = [project / f".mlgate-report.tmp-{dead}-abcd1234", project / f".mlgate-report.old-{dead}-0a0b0c0d"]
    for path in ours:
        path.mkdir()
        (path / ".mlgate-report").write_text('{"tool": "mlgate", "kind": "report", "version": "0"}')
        (path / "scorecard.md").write_text("half")
    # ...but a folder with a similar name and no marker is someone else's and stays.
    foreign_tmp = project / f".mlgate-report.tmp-{dead}-zzzz"
    foreign_tmp.mkdir()
    (foreign_tmp / "keep.txt").write_text("mine")
    result = check(cli, "mlgate-report")
    assert result.exit_code == 0, result.output
    assert not any(p.exists() for p in ours)
    assert (foreign_tmp / "keep.txt").read_text() == "mine"
    assert (foreign_old / "x").is_dir()
    leftovers = {p.name for p in project.iterdir() if p.name.startswith(".mlgate-report.")}
    assert leftovers == {foreign_old.name, foreign_tmp.name}


def test_demo_workdir_never_overwrites_a_project(cli: Cli, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "mlgate.yaml").write_text("my config\n")
    before = snapshot(mine)
    refused(cli(["demo", "--workdir", str(mine)]), "mine", "did not write")
    assert snapshot(mine) == before


def test_baseline_save_never_overwrites_foreign_files(cli: Cli, project: Path) -> None:
    (project / "keep").mkdir()
    (project / "keep" / "metrics.json").write_text('{"my": "metrics"}')
    before = snapshot(project / "keep")
    refused(cli(["baseline", "save", "-c", "mlgate.yaml", "--out", "keep"]), "keep", "metrics.json")
    assert snapshot(project / "keep") == before
    (project / "linked").symlink_to(project / "keep")
    refused(cli(["baseline", "save", "-c", "mlgate.yaml", "--out", "linked"]), "symbolic link")
    assert snapshot(project / "keep") == before
    # Its own earlier baseline is replaced.
    assert cli(["baseline", "save", "-c", "mlgate.yaml", "--out", "prod"]).exit_code == 0
    assert cli(["baseline", "save", "-c", "mlgate.yaml", "--out", "prod"]).exit_code == 0


def test_schema_files_are_not_overwritten(cli: Cli, project: Path) -> None:
    edited = project / "schemas" / "eval.yaml"
    text = edited.read_text(encoding="utf-8")
    refused(cli(["schema", "infer", "data/eval.csv", "-o", str(edited)]), "eval.yaml", "--force")
    assert edited.read_text(encoding="utf-8") == text
    (project / "link.yaml").symlink_to(project / "mlgate.yaml")
    config = (project / "mlgate.yaml").read_bytes()
    refused(cli(["schema", "infer", "data/eval.csv", "-o", "link.yaml", "--force"]), "symbolic link")
    refused(cli(["config-schema", "-o", "mlgate.yaml"]), "mlgate.yaml", "config schema")
    assert (project / "mlgate.yaml").read_bytes() == config
    assert cli(["schema", "infer", "data/eval.csv", "-o", str(edited), "--force"]).exit_code == 0
    for _ in range(2):  # regenerating its own schema file is routine
        assert cli(["config-schema", "-o", "mlgate.schema.json"]).exit_code == 0
