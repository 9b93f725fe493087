"""The GitLab ``check`` component, run end to end by gitlab-ci-local on the packaged example.

The job installs mlgate from the working tree (``pip-spec: "."``) into a throwaway environment, runs
the gate, posts the merge request note to a local fake of the GitLab Notes API, and exports the
report, JUnit and Code Quality artifacts.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from xml.etree import ElementTree

import pytest
from envs import PIP_ENV, ROOT

from tests.conftest import require_tool

# End-to-end: each test runs real pipeline jobs (a few seconds each).
pytestmark = pytest.mark.slow

TOKEN = "glpat-fake-token-for-tests"


class FakeGitLab(BaseHTTPRequestHandler):
    """Just the endpoints the publishers call: notes, the commit status and the token's user
    (docs.gitlab.com/api/notes, /api/commits#set-the-pipeline-status-of-a-commit, /api/users)."""

    calls: ClassVar[list[tuple[str, str, Any]]] = []

    def _reply(self, code: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        assert self.headers["PRIVATE-TOKEN"] == TOKEN
        self.calls.append(("GET", self.path, None))
        self._reply(200, {"id": 9, "username": "mlgate-bot"} if self.path == "/api/v4/user" else [])

    def do_POST(self) -> None:
        assert self.headers["PRIVATE-TOKEN"] == TOKEN
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.calls.append(("POST", self.path, body))
        if "/statuses/" in self.path:
            self._reply(201, {"id": 2, "status": body["state"], "name": body.get("name")})
        else:
            self._reply(201, {"id": 1, "body": body["body"], "author": {"id": 9}})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gitlab_api() -> Iterator[tuple[str, list[tuple[str, str, Any]]]]:
    calls: ClassVar[list[tuple[str, str, Any]]] = []
    handler = type("Handler", (FakeGitLab,), {"calls": calls})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v4", calls
    server.shutdown()


CI_FILE = """\
include:
  - local: templates/check/template.yml
    inputs:
      # The working tree, from its version ranges (unhashed, lock false: see mlgate-check below); the
      # hashed default is tested in test_ci_gitlab_lock.py.
      pip-spec: "."
      working-directory: example
      report-dir: out/report
      publish: gitlab
  - local: templates/baseline/template.yml
    inputs:
      # Not empty: gitlab-ci-local replaces an empty input by its default (GitLab itself does not).
      pip-spec: preinstalled
      working-directory: example
# Run on the shell executor: drop the components' image, the way a project overrides any key of an
# included job (https://docs.gitlab.com/ci/yaml/includes/#override-included-configuration-values).
mlgate-check:
  image: null
  # What `lock: false` sets: gitlab-ci-local replaces a false boolean input by its default (it reads
  # `value || default`), GitLab does not.
  variables:
    MLGATE_LOCK: "false"
mlgate-baseline:
  image: null
"""

LEGACY_FILE = """\
include:
  - local: templates/legacy/mlgate.gitlab-ci.yml
variables:
  MLGATE_WORKDIR: example
  MLGATE_PIP_SPEC: ""
mlgate-check:
  image: null
mlgate-baseline:
  image: null
"""


@pytest.fixture
def gitlab_project(tmp_path: Path, mlgate_source: Path, demo_project: Path) -> Path:
    """A git checkout of this repository with the packaged example in ``example/``."""
    require_tool("rsync")  # gitlab-ci-local copies the project with it
    project = tmp_path / "checkout"
    shutil.copytree(mlgate_source, project)
    shutil.move(str(demo_project), project / "example")
    shutil.rmtree(project / "example" / "mlgate-report", ignore_errors=True)
    (project / ".gitlab-ci.yml").write_text(CI_FILE)
    (project / "legacy.gitlab-ci.yml").write_text(LEGACY_FILE)
    git = ["git", "-c", "user.email=ci@example.org", "-c", "user.name=ci", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "example"], cwd=project, check=True)
    return project


def gitlab_ci_local(project: Path, path_first: Path, *variables: str, job: str = "mlgate-check",
                    file: str = ".gitlab-ci.yml",
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run one job; ``env`` given: pip's settings (and PYTHONPATH) are exactly those, nothing inherited."""
    exe = require_tool("gitlab-ci-local")
    full = {**os.environ, **PIP_ENV, "PATH": f"{path_first}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(project.parent), "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    for name in list(full):
        ours = env is not None and (name.startswith("PIP_") or name == "PYTHONPATH")
        if ours or name.startswith(("GITLAB_", "CI_", "MLGATE_")) or name == "CI":
            full.pop(name)
    full.update(env or {})
    args = [exe, *gcl_args(job, file, variables)]
    return subprocess.run(args, cwd=project, env=full, capture_output=True, text=True, timeout=300)


# docs/ci/gitlab.md shows this command (test_docs_show_the_command_the_tests_run keeps them equal).
GCL_FLAGS = ("--shell-executor-no-image", "--no-color",
             # gitlab-ci-local's bundled schema rejects `image: null` (GitLab itself accepts it when
             # overriding an included job); the component itself is schema-checked in test_ci_gitlab_schema.
             "--json-schema-validation=false")


def gcl_args(job: str, file: str, variables: tuple[str, ...] | list[str]) -> list[str]:
    return [job, "--file", file, *GCL_FLAGS, *(a for v in variables for a in ("--variable", v))]


def test_docs_show_the_command_the_tests_run() -> None:
    text = (ROOT / "docs" / "ci" / "gitlab.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if b.startswith("gitlab-ci-local ")]
    assert len(blocks) == 1, "docs/ci/gitlab.md shows one gitlab-ci-local command"
    argv = shlex.split(blocks[0].replace("\\\n", " "))
    assert argv == ["gitlab-ci-local", *gcl_args("mlgate-check", ".gitlab-ci.yml",
                                                 ["CI_PIPELINE_SOURCE=merge_request_event"])]
    # And the override of the image that the shell executor needs, as CI_FILE has it.
    assert "mlgate-check: {image: null}" in text and "mlgate-check:\n  image: null\n" in CI_FILE


def artifacts_of(project: Path, job: str) -> Path:
    """Where gitlab-ci-local exports a job's artifacts (paths relative to the project root)."""
    return project / ".gitlab-ci-local" / "artifacts" / job


def mr_variables(api: str) -> list[str]:
    return ["CI_PIPELINE_SOURCE=merge_request_event", "CI_MERGE_REQUEST_IID=5", f"CI_API_V4_URL={api}",
            "CI_PROJECT_ID=42", f"MLGATE_GITLAB_TOKEN={TOKEN}"]


def test_check_component_passes_posts_the_note_and_exports_reports(
    gitlab_project: Path, throwaway_venv: Path, gitlab_api: tuple[str, list[tuple[str, str, Any]]]
) -> None:
    api, calls = gitlab_api
    proc = gitlab_ci_local(gitlab_project, throwaway_venv, *mr_variables(api))
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert "PASS  mlgate-check" in log
    assert "Successfully installed mlgate" in log  # from the working tree, into the job's python
    assert (throwaway_venv / "mlgate").exists()
    assert TOKEN not in log

    artifacts = artifacts_of(gitlab_project, "mlgate-check") / "example" / "out" / "report"
    assert json.loads((artifacts / "scorecard.json").read_text())["status"] in ("pass", "warn")
    assert (artifacts / "junit.xml").read_text().startswith("<?xml")
    assert isinstance(json.loads((artifacts / "gl-code-quality-report.json").read_text()), list)

    posts = [c for c in calls if c[0] == "POST"]
    assert [p[1] for p in posts if "/statuses/" not in p[1]] == ["/api/v4/projects/42/merge_requests/5/notes"]
    assert [p[2]["state"] for p in posts if "/statuses/" in p[1]] == ["success"]
    assert "mlgate demo scorecard" in posts[0][2]["body"]


def test_failing_gate_fails_the_job_and_still_exports_reports(
    gitlab_project: Path, gitlab_api: tuple[str, list[tuple[str, str, Any]]]
) -> None:
    config = gitlab_project / "example" / "mlgate.yaml"
    config.write_text(config.read_text().replace("accuracy: {min: 0.70", "accuracy: {min: 0.99"))
    api, _ = gitlab_api
    # MLGATE_PIP_SPEC= (a CI/CD variable overrides the job's): use the mlgate already on PATH.
    proc = gitlab_ci_local(gitlab_project, Path(sys.executable).parent, *mr_variables(api),
                           "MLGATE_PIP_SPEC=")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1, log
    assert "FAIL  mlgate-check" in log
    assert "Successfully installed" not in log
    artifacts = artifacts_of(gitlab_project, "mlgate-check") / "example" / "out" / "report"
    card = json.loads((artifacts / "scorecard.json").read_text())
    assert (card["status"], card["exit_code"]) == ("fail", 1)
    quality = json.loads((artifacts / "gl-code-quality-report.json").read_text())
    assert any("accuracy" in issue["description"] for issue in quality)
    suites = ElementTree.parse(artifacts / "junit.xml").getroot().iter("testsuite")
    assert sum(int(suite.get("failures", "0")) for suite in suites) >= 1


def test_jobs_run_in_the_right_pipelines(gitlab_project: Path) -> None:
    exe = require_tool("gitlab-ci-local")
    base = [exe, "--list-json", "--json-schema-validation=false"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "GITLAB_"))}
    env["HOME"] = str(gitlab_project.parent)

    def when(file: str, *args: str) -> dict[str, str]:
        proc = subprocess.run([*base, "--file", file, *args], cwd=gitlab_project, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return {j["name"]: j["when"] for j in json.loads(proc.stdout) if j["name"].startswith("mlgate-")}

    # Merge request pipelines have no CI_COMMIT_BRANCH (GitLab's predefined variables).
    merge_request = ("--variable", "CI_PIPELINE_SOURCE=merge_request_event",
                     "--unset-variable", "CI_COMMIT_BRANCH")
    push_main = ("--variable", "CI_PIPELINE_SOURCE=push", "--variable", "CI_COMMIT_BRANCH=main")
    push_topic = ("--variable", "CI_PIPELINE_SOURCE=push", "--variable", "CI_COMMIT_BRANCH=topic")
    for file in (".gitlab-ci.yml", "legacy.gitlab-ci.yml"):
        assert when(file, *merge_request) == {"mlgate-check": "on_success", "mlgate-baseline": "never"}
        assert when(file, *push_main) == {"mlgate-check": "never", "mlgate-baseline": "on_success"}
        assert when(file, *push_topic) == {"mlgate-check": "never", "mlgate-baseline": "never"}


def test_baseline_component_saves_the_baseline_on_the_default_branch(gitlab_project: Path) -> None:
    proc = gitlab_ci_local(gitlab_project, Path(sys.executable).parent, "CI_PIPELINE_SOURCE=push",
                           "CI_COMMIT_BRANCH=main", "CI_DEFAULT_BRANCH=main", job="mlgate-baseline")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert "Successfully installed" not in log  # pip-spec: preinstalled
    saved = artifacts_of(gitlab_project, "mlgate-baseline") / "example" / "mlgate-baseline"
    assert {p.name for p in saved.iterdir()} >= {"metrics.json", "predictions.csv"}
    candidate = (gitlab_project / "example" / "out" / "candidate.csv").read_text()
    assert (saved / "predictions.csv").read_text().splitlines()[0] == candidate.splitlines()[0]


def test_legacy_template_runs_the_gate(gitlab_project: Path,
                                       gitlab_api: tuple[str, list[tuple[str, str, Any]]]) -> None:
    api, calls = gitlab_api
    proc = gitlab_ci_local(gitlab_project, Path(sys.executable).parent, *mr_variables(api),
                           file="legacy.gitlab-ci.yml")
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    artifacts = artifacts_of(gitlab_project, "mlgate-check") / "mlgate-report"
    names = {p.name for p in artifacts.iterdir()}
    assert {"scorecard.json", "junit.xml", "gl-code-quality-report.json"} <= names
    notes = [c[1] for c in calls if c[0] == "POST" and "/statuses/" not in c[1]]
    assert notes == ["/api/v4/projects/42/merge_requests/5/notes"]
