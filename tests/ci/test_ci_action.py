"""The composite action (action.yml), executed step by step with a GitHub runner's environment."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from envs import PIP_ENV, ROOT
from ghrunner import ActionRun, interpolate, run_action


def _workspace(tmp_path: Path, demo_project: Path) -> Path:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    shutil.move(str(demo_project), workspace / "model")
    return workspace


def _run(mlgate_source: Path, workspace: Path, tmp_path: Path, path_first: Path | None,
         **inputs: str) -> ActionRun:
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(exist_ok=True)
    env = dict(PIP_ENV)
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{os.environ['PATH']}"
    defaults = {"python-version": "", "working-directory": "model", "publish": "none"}
    return run_action(mlgate_source, {**defaults, **inputs}, workspace=workspace, tmp=runner_temp, env=env)


def _test_env_bin() -> Path:
    """``bin`` of the environment running the tests (holds an installed ``mlgate``)."""
    import sys

    return Path(sys.executable).parent


def test_local_install_and_passing_gate(mlgate_source: Path, demo_project: Path, tmp_path: Path,
                                        throwaway_venv: Path) -> None:
    workspace = _workspace(tmp_path, demo_project)
    # No `version:` input: the action installs the mlgate of its own ref from github.action_path, the
    # way `uses: OWNER/mlgate@REF` does on a runner (no package index involved).
    run = _run(mlgate_source, workspace, tmp_path, throwaway_venv, extras="ge, onnx", lock="false")

    assert run.step("resolve").outputs == {"spec": f"{mlgate_source}[ge,onnx]", "lock": ""}
    assert run.step("Install mlgate").kind == "skipped"
    install = run.step("Install mlgate (unhashed, lock false)")
    assert install.returncode == 0, install.stderr
    assert install.stdout.strip().endswith("mlgate 0.1.0")
    # Installed into the job's python, not the test environment.
    assert (throwaway_venv / "mlgate").exists()
    # The built package carries the templates `mlgate init` writes.
    probe = subprocess.run([str(throwaway_venv / "python"), "-c",
                            "import importlib.resources as r; t = r.files('mlgate') / 'templates_data';"
                            "print(t.joinpath('check/template.yml').is_file(),"
                            " t.joinpath('github/mlgate.yml').is_file(), r.files('mlgate'))"],
                           capture_output=True, text=True, check=True, cwd=tmp_path)
    assert probe.stdout.split()[:2] == ["True", "True"]
    assert str(throwaway_venv.parent) in probe.stdout  # the installed copy, not the source tree
    assert run.step("Set up Python").kind == "skipped"  # python-version: ''

    report_dir = workspace / "model" / "mlgate-report"
    assert run.outputs == {"status": "pass", "exit-code": "0", "report-dir": str(report_dir),
                           "baseline-dir": ""}
    assert json.loads((report_dir / "scorecard.json").read_text())["status"] == "pass"
    upload = run.step("Upload the report")
    assert upload.kind == "uses" and upload.uses.startswith("actions/upload-artifact@")
    assert upload.with_ == {"name": "mlgate-report", "path": str(report_dir), "if-no-files-found": "warn"}
    assert not run.failed
    # The token reaches mlgate through the environment and is never echoed.
    assert all("ghs_fake_token" not in s.stdout + s.stderr for s in run.steps)


def _fail_accuracy(project: Path) -> None:
    config = project / "mlgate.yaml"
    config.write_text(config.read_text().replace("accuracy: {min: 0.70", "accuracy: {min: 0.99"))


def test_failing_gate_fails_the_job_after_uploading(mlgate_source: Path, demo_project: Path,
                                                    tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, demo_project)
    _fail_accuracy(workspace / "model")
    run = _run(mlgate_source, workspace, tmp_path, _test_env_bin(), version="preinstalled",
               **{"report-dir": "out/report", "artifact-name": "gate-py312"})

    assert run.step("Install mlgate").kind == "skipped"
    report_dir = workspace / "model" / "out" / "report"
    assert run.outputs == {"status": "fail", "exit-code": "1", "report-dir": str(report_dir),
                           "baseline-dir": ""}
    assert run.step("Upload the report").with_["name"] == "gate-py312"
    verdict = run.step("Verdict")
    assert verdict.returncode == 1
    assert "::error title=mlgate::gate verdict fail (exit code 1)" in verdict.stdout
    assert run.failed


def test_advisory_reports_fail_but_passes_the_job(mlgate_source: Path, demo_project: Path,
                                                  tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, demo_project)
    _fail_accuracy(workspace / "model")
    run = _run(mlgate_source, workspace, tmp_path, _test_env_bin(), version="preinstalled",
               advisory="true", **{"upload-report": "false"})
    assert run.outputs["status"] == "fail"
    assert run.outputs["exit-code"] == "0"
    assert run.step("Upload the report").kind == "skipped"
    assert not run.failed


def test_invalid_config_is_exit_2_with_error_status(mlgate_source: Path, demo_project: Path,
                                                    tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, demo_project)
    (workspace / "model" / "mlgate.yaml").write_text("version: 1\ntask: binary\nbogus: 1\n")
    run = _run(mlgate_source, workspace, tmp_path, _test_env_bin(), version="preinstalled")
    assert run.outputs["status"] == "error"
    assert run.outputs["exit-code"] == "2"
    assert "bogus" in run.step("check").stderr
    assert run.failed


@pytest.mark.parametrize(
    ("version", "extras", "spec"),
    [
        ("latest", "", "mlgate"),
        ("latest", "ge", "mlgate[ge]"),
        ("0.1.0", "", "mlgate==0.1.0"),
        ("0.2.0rc1", "ge,onnx", "mlgate[ge,onnx]==0.2.0rc1"),
        (">=0.1,<0.2", "", "mlgate>=0.1,<0.2"),
        ("preinstalled", "ge", ""),
    ],
)
def test_version_and_extras_resolve_to_a_pip_spec(version: str, extras: str, spec: str,
                                                  tmp_path: Path) -> None:
    run = run_action(ROOT, {"version": version, "extras": extras, "lock": "false"}, workspace=tmp_path,
                     tmp=tmp_path, only=("resolve",))
    assert run.step("resolve").outputs == {"spec": spec, "lock": ""}


@pytest.mark.parametrize(("version", "extras", "suffix"), [("", "", ""), ("local", "ge", "[ge]"),
                                                         (" ", "onnx,ge", "[onnx,ge]")])
def test_default_installs_the_actions_own_ref(version: str, extras: str, suffix: str,
                                               tmp_path: Path) -> None:
    """Empty or "local" names the action's own folder (the checkout of the ref in `uses:`), not PyPI."""
    run = run_action(ROOT, {"version": version, "extras": extras, "lock": "false"}, workspace=tmp_path,
                     tmp=tmp_path, only=("resolve",))
    assert run.step("resolve").outputs == {"spec": f"{ROOT}{suffix}", "lock": ""}
    locked = run_action(ROOT, {"version": version, "extras": extras.split(",")[-1]}, workspace=tmp_path,
                        tmp=tmp_path, only=("resolve",))
    lock = "runtime.txt" if not extras else f"runtime-{extras.split(',')[-1]}.txt"
    assert locked.step("resolve").outputs == {"spec": str(ROOT), "lock": f"{ROOT}/mlgate/locks/{lock}"}


def test_action_folder_without_a_package_is_a_clear_error(tmp_path: Path) -> None:
    """An action.yml copied without the package cannot install its own ref: say what to set instead."""
    action = tmp_path / "vendored"
    action.mkdir()
    shutil.copy2(ROOT / "action.yml", action / "action.yml")
    run = run_action(action, {}, workspace=tmp_path, tmp=tmp_path, only=("resolve",))
    step = run.step("resolve")
    assert step.returncode == 2
    assert "holds no mlgate package" in step.stdout and "'version'" in step.stdout
    assert step.outputs == {}


@pytest.mark.parametrize(
    ("version", "extras"),
    [("1.0; rm -rf /", ""), ("git+https://evil.example/x", ""), ("", "ge]; touch pwned; #"), ("$(id)", "")],
)
def test_hostile_inputs_are_rejected_before_pip(version: str, extras: str, tmp_path: Path) -> None:
    run = run_action(ROOT, {"version": version, "extras": extras}, workspace=tmp_path, tmp=tmp_path,
                     only=("resolve",))
    step = run.step("resolve")
    assert step.returncode == 2
    assert "::error title=mlgate::input" in step.stdout
    assert step.outputs == {}
    assert not (tmp_path / "pwned").exists()


def test_action_metadata_is_complete() -> None:
    meta = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(meta["inputs"]) >= {"config", "python-version", "version", "extras", "publish", "advisory",
                                   "token", "working-directory", "upload-report", "lock",
                                   "allow-pickle", "allow-outside-repo", "untrusted"}
    assert set(meta["outputs"]) == {"status", "exit-code", "report-dir", "baseline-dir"}
    assert meta["inputs"]["token"]["default"] == "${{ github.token }}"
    assert meta["branding"]["icon"] and meta["branding"]["color"]
    steps = meta["runs"]["steps"]
    setup = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python"))
    # The pip cache for the jobs that check out the repository; none for publish (nothing checked out).
    for command, cache in (("check", "pip"), ("baseline-save", "pip"), ("publish", "")):
        assert interpolate(setup["with"]["cache"], {"inputs": {"command": command}}, {}) == cache
    assert "inputs.config" in setup["with"]["cache-dependency-path"]
    assert "requirements" in setup["with"]["cache-dependency-path"]
    for step in meta["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), f"expression inside run: in step {step.get('name')}"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("report_dir", [".", "..", "linked"])
def test_report_dir_input_never_replaces_the_project(report_dir: str, mlgate_source: Path,
                                                     demo_project: Path, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path, demo_project)
    (workspace / "elsewhere").mkdir()
    (workspace / "elsewhere" / "keep.txt").write_text("keep")
    (workspace / "model" / "linked").symlink_to("../elsewhere")
    before = _tree(workspace)
    run = _run(mlgate_source, workspace, tmp_path, _test_env_bin(), version="preinstalled",
               **{"report-dir": report_dir})
    assert run.outputs == {"status": "error", "exit-code": "2", "report-dir": "", "baseline-dir": ""}
    assert "--out" in run.step("check").stderr
    # Nothing of the project is uploaded either.
    assert run.step("Upload the report").kind == "skipped"
    assert _tree(workspace) == before
    assert run.failed


def test_committed_report_is_neither_read_nor_uploaded(mlgate_source: Path, demo_project: Path,
                                                       tmp_path: Path) -> None:
    """A pull request that commits a passing report (marker copied) and breaks the config gets an error,
    not the committed 'pass': the folder is replaced by this run's error report, which is what is
    uploaded (never the committed scorecard)."""
    workspace = _workspace(tmp_path, demo_project)
    forged = workspace / "model" / "mlgate-report"
    forged.mkdir()
    (forged / ".mlgate-report").write_text('{"kind": "report", "nonce": "0", "tool": "mlgate"}\n')
    (forged / "scorecard.json").write_text('{"status": "pass"}')
    (workspace / "model" / "mlgate.yaml").write_text("version: 1\ntask: binary\nbogus: 1\n")
    run = _run(mlgate_source, workspace, tmp_path, _test_env_bin(), version="preinstalled")
    assert run.outputs == {"status": "error", "exit-code": "2", "report-dir": str(forged), "baseline-dir": ""}
    assert json.loads((forged / "scorecard.json").read_text())["status"] == "error"
    assert "bogus" in (forged / "scorecard.md").read_text()


# --- hashed install (input lock, default true) ------------------------------------------------------

def _tiny_wheel(where: Path) -> tuple[Path, str]:
    """A real one-module wheel and its sha256 (what a lock line pins)."""
    import base64
    import hashlib
    import zipfile

    wheel = where / "mlgate_lock_probe-1.0-py3-none-any.whl"
    info = "mlgate_lock_probe-1.0.dist-info"
    files = {"mlgate_lock_probe.py": "X = 1\n",
             f"{info}/METADATA": "Metadata-Version: 2.1\nName: mlgate-lock-probe\nVersion: 1.0\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(text)}")
        zf.writestr(f"{info}/RECORD", "\n".join(record) + f"\n{info}/RECORD,,\n")
    return wheel, hashlib.sha256(wheel.read_bytes()).hexdigest()


def _lock_with(mlgate_source: Path, line: str) -> None:
    (mlgate_source / "mlgate" / "locks" / "runtime.txt").write_text(line + "\n", encoding="utf-8")


def _build_lock_from_local_index(mlgate_source: Path, tmp_path: Path) -> None:
    """build.txt pinned to the build backend this machine's pip index holds (the shipped lock pins
    PyPI's newest, which an offline index may not have), hashed like the generator hashes it."""
    import hashlib
    import sys

    dest = tmp_path / "build-wheels"
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "-d", str(dest), "setuptools>=77"], check=True, timeout=300)
    lines = []
    for wheel in sorted(dest.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        lines.append(f"{name}=={version} --hash=sha256:{hashlib.sha256(wheel.read_bytes()).hexdigest()}")
    (mlgate_source / "mlgate" / "locks" / "build.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_hashed_install_is_the_default_and_enforces_hashes(mlgate_source: Path, demo_project: Path,
                                                           tmp_path: Path, throwaway_venv: Path) -> None:
    workspace = _workspace(tmp_path, demo_project)
    wheel, sha = _tiny_wheel(tmp_path)
    # A lock whose hash does not match the file: pip must refuse before installing anything.
    _lock_with(mlgate_source, f"mlgate-lock-probe @ {wheel.as_uri()} --hash=sha256:{'0' * 64}")
    bad = _run(mlgate_source, workspace, tmp_path, throwaway_venv)
    assert bad.step("resolve").outputs == {"spec": str(mlgate_source),
                                           "lock": f"{mlgate_source}/mlgate/locks/runtime.txt"}
    assert bad.step("Install mlgate (unhashed, lock false)").kind == "skipped"
    install = bad.step("Install mlgate")
    assert install.returncode != 0 and "HASHES" in install.stderr.upper()
    assert not (throwaway_venv / "mlgate").exists() and bad.failed

    _lock_with(mlgate_source, f"mlgate-lock-probe @ {wheel.as_uri()} --hash=sha256:{sha}")
    _build_lock_from_local_index(mlgate_source, tmp_path)
    good = _run(mlgate_source, workspace, tmp_path, throwaway_venv)
    install = good.step("Install mlgate")
    assert install.returncode == 0, install.stderr
    assert install.stdout.strip().endswith("mlgate 0.1.0")
    assert (throwaway_venv / "mlgate").exists()


@pytest.mark.parametrize(("inputs", "message"), [
    ({"extras": "ge,onnx"}, "names several extras"),
    ({"extras": "spark"}, "no hashed lock for extras 'spark'"),
    ({"version": ">=0.1"}, "must be an exact version"),
    ({"version": "latest"}, "must be an exact version"),
    ({"lock": "maybe"}, "input 'lock' must be true or false"),
])
def test_lock_refuses_what_it_cannot_hash(mlgate_source: Path, tmp_path: Path, inputs: dict[str, str],
                                          message: str) -> None:
    run = run_action(mlgate_source, inputs, workspace=tmp_path, tmp=tmp_path, env=dict(PIP_ENV),
                     only=("resolve",))
    resolve = run.step("resolve")
    assert resolve.returncode == 2 and message in resolve.stdout, resolve.stdout


def test_single_extra_uses_its_lock(mlgate_source: Path, tmp_path: Path) -> None:
    run = run_action(mlgate_source, {"extras": "onnx", "version": "0.1.0"}, workspace=tmp_path, tmp=tmp_path,
                     env=dict(PIP_ENV), only=("resolve",))
    assert run.step("resolve").outputs == {"spec": "mlgate==0.1.0",
                                           "lock": f"{mlgate_source}/mlgate/locks/runtime-onnx.txt"}


@pytest.mark.parametrize(("inputs", "expected"), [
    ({}, ""),
    ({"allow-pickle": "true", "untrusted": "yes"}, "MLGATE_ALLOW_PICKLE=1 MLGATE_UNTRUSTED=1"),
    ({"allow-outside-repo": "true"}, "MLGATE_ALLOW_OUTSIDE_REPO=1"),
])
def test_trust_switch_inputs_reach_mlgate_through_env(mlgate_source: Path, tmp_path: Path,
                                                      inputs: dict[str, str], expected: str) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "mlgate").write_text("#!/bin/sh\n"
                                 "env | grep -E '^MLGATE_(ALLOW_PICKLE|ALLOW_OUTSIDE_REPO|UNTRUSTED)=' "
                                 "| sort | tr '\\n' ' ' > \"$RUNNER_TEMP/seen\"\n")
    (fake / "mlgate").chmod(0o755)
    env = {**PIP_ENV, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}",
           "MLGATE_ALLOW_PICKLE": "1"}  # inherited from the runner: the input decides, not the machine
    run = run_action(mlgate_source, {"version": "preinstalled", "python-version": "", **inputs},
                     workspace=tmp_path, tmp=tmp_path, env=env, only=("resolve", "check"))
    assert run.step("check").returncode == 0, run.step("check").stdout
    assert (tmp_path / "seen").read_text().strip() == expected
