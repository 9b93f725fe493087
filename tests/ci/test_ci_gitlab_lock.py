"""The GitLab templates' hashed install (input ``lock``, default true).

With the lock on, the job installs mlgate as an exact wheel with ``--no-deps`` and then every dependency
from the hashed lock that this wheel ships (``pip --require-hashes``): a package index that serves a
changed file cannot run code next to ``MLGATE_GITLAB_TOKEN``. End to end with gitlab-ci-local against a
local package index (PEP 503 simple pages, https://peps.python.org/pep-0503/) that holds a wheel of this
working tree whose lock pins one generated wheel; and the install script of each template run by the
shell with a stand-in ``python3``, for what must be refused before pip runs.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import test_ci_gitlab
import yaml
from envs import ROOT
from test_ci_gitlab import TOKEN, artifacts_of, gitlab_ci_local, mr_variables

from mlgate import __version__

# The project checkout and the fake GitLab API of the end-to-end tests.
gitlab_project = test_ci_gitlab.gitlab_project
gitlab_api = test_ci_gitlab.gitlab_api
PROBE = "mlgate_lock_probe-1.0-py3-none-any.whl"

LOCKED_FILE = """\
include:
  - local: templates/check/template.yml
    inputs:
      # pip-spec and lock keep their defaults: mlgate==<this release>, hashed.
      working-directory: example
      report-dir: out/report
      publish: gitlab
mlgate-check:
  image: null
"""


def probe_wheel(where: Path, body: str) -> Path:
    """A real one-module wheel; fixed timestamps, so its sha256 depends on ``body`` only."""
    where.mkdir(parents=True, exist_ok=True)
    wheel = where / PROBE
    info = "mlgate_lock_probe-1.0.dist-info"
    files = {"mlgate_lock_probe.py": body,
             f"{info}/METADATA": "Metadata-Version: 2.1\nName: mlgate-lock-probe\nVersion: 1.0\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: t\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = []
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), text)
            digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(text)}")
        zf.writestr(zipfile.ZipInfo(f"{info}/RECORD", date_time=(2020, 1, 1, 0, 0, 0)),
                    "\n".join(record) + f"\n{info}/RECORD,,\n")
    return wheel


@pytest.fixture(scope="module")
def locked_wheels(tmp_path_factory: pytest.TempPathFactory, mlgate_source: Path) -> tuple[Path, Path]:
    """A wheel of this working tree whose runtime lock pins the probe wheel (good copy), and the
    probe's good copy."""
    tmp = tmp_path_factory.mktemp("locked")
    good = probe_wheel(tmp / "good", "X = 1\n")
    src = tmp / "src"
    shutil.copytree(mlgate_source, src)
    sha = hashlib.sha256(good.read_bytes()).hexdigest()
    (src / "mlgate" / "locks" / "runtime.txt").write_text(f"mlgate-lock-probe==1.0 --hash=sha256:{sha}\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"),
                    str(src)], check=True, env=env, timeout=300)
    (wheel,) = (tmp / "dist").glob("mlgate-*.whl")
    return wheel, good


class Index:
    """A PEP 503 package index served over HTTP from a folder: /simple/<name>/ lists the files."""

    def __init__(self, root: Path, wheels: list[Path]) -> None:
        for wheel in wheels:
            project = wheel.name.split("-")[0].replace("_", "-").lower()
            folder = root / "simple" / project
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(wheel, folder / wheel.name)
            links = "".join(f'<a href="{w.name}">{w.name}</a>\n' for w in sorted(folder.glob("*.whl")))
            (folder / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
        self.requests: list[str] = []
        requests = self.requests

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                requests.append(self.path)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/simple/"


@pytest.fixture
def index_with(tmp_path: Path) -> Iterator[Any]:
    servers: list[Index] = []

    def make(*wheels: Path) -> Index:
        servers.append(Index(tmp_path / f"index{len(servers)}", list(wheels)))
        return servers[-1]

    yield make
    for server in servers:
        server.server.shutdown()


def index_env(index: Index) -> dict[str, str]:
    """pip sees only the local index: no config file, find-links or constraints of this machine
    (https://pip.pypa.io/en/stable/topics/configuration/)."""
    return {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": index.url, "PIP_NO_CACHE_DIR": "1"}


def run_locked(project: Path, venv: Path, index: Index, api: str) -> tuple[int, str]:
    (project / "locked.gitlab-ci.yml").write_text(LOCKED_FILE)
    proc = gitlab_ci_local(project, venv, *mr_variables(api), file="locked.gitlab-ci.yml",
                           env=index_env(index))
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.slow
def test_default_install_is_hashed_and_runs_the_gate(
    gitlab_project: Path, throwaway_venv: Path, locked_wheels: tuple[Path, Path], index_with: Any,
    gitlab_api: tuple[str, list[tuple[str, str, Any]]],
) -> None:
    mlgate_wheel, good = locked_wheels
    index = index_with(mlgate_wheel, good)
    api, calls = gitlab_api
    code, log = run_locked(gitlab_project, throwaway_venv, index, api)
    assert code == 0, log
    assert "PASS  mlgate-check" in log and TOKEN not in log
    # mlgate from the index (the default pip-spec names this release), then the lock it ships.
    assert f"Successfully installed mlgate-{__version__}" in log
    assert "Successfully installed mlgate-lock-probe-1.0" in log
    assert any(p.startswith("/simple/mlgate-lock-probe/") for p in index.requests)
    assert list(throwaway_venv.parent.glob("lib/python*/site-packages/mlgate_lock_probe.py"))
    notes = [c[1] for c in calls if c[0] == "POST" and "/statuses/" not in c[1]]
    assert notes == ["/api/v4/projects/42/merge_requests/5/notes"]


@pytest.mark.slow
def test_a_wheel_that_does_not_match_the_lock_is_refused(
    gitlab_project: Path, throwaway_venv: Path, locked_wheels: tuple[Path, Path], index_with: Any,
    gitlab_api: tuple[str, list[tuple[str, str, Any]]], tmp_path: Path,
) -> None:
    mlgate_wheel, _ = locked_wheels
    # The index serves another file under the locked name and version (a compromised mirror).
    tampered = probe_wheel(tmp_path / "tampered", "import os; X = os.environ\n")
    index = index_with(mlgate_wheel, tampered)
    api, calls = gitlab_api
    code, log = run_locked(gitlab_project, throwaway_venv, index, api)
    assert code != 0, log
    assert "FAIL  mlgate-check" in log
    assert "DO NOT MATCH THE HASHES" in log.upper()
    assert not list(throwaway_venv.parent.glob("lib/python*/site-packages/mlgate_lock_probe.py"))
    assert not [c for c in calls if c[0] == "POST"]  # mlgate never ran
    assert not (artifacts_of(gitlab_project, "mlgate-check") / "example" / "out" / "report").exists()


# --- the install script of each template, run by the shell with a stand-in python3 -----------------

TEMPLATES = {"check": ("templates/check/template.yml", "mlgate-check", "script"),
             "baseline": ("templates/baseline/template.yml", "mlgate-baseline", "script"),
             "legacy": ("templates/legacy/mlgate.gitlab-ci.yml", ".mlgate", "before_script")}

# Logs its arguments; `-c` (the package lookup) prints the folder of a fake installed mlgate.
FAKE_PYTHON = """#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_LOG"
case "$*" in *" -c "*) echo "$FAKE_PACKAGE" ;; esac
"""


def install_script(template: str) -> str:
    path, job, key = TEMPLATES[template]
    text = (ROOT / path).read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if "\n---\n" in text else text
    script: str = yaml.safe_load(body)[job][key][0]
    # Up to the first command that is not the install.
    return script.split("\nmlgate ", 1)[0].split("\ncd ", 1)[0]


def run_install(template: str, tmp_path: Path,
                **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / "python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    package = tmp_path / "site" / "mlgate"
    (package / "locks").mkdir(parents=True, exist_ok=True)
    for name in ("runtime.txt", "runtime-ge.txt", "runtime-onnx.txt"):
        (package / "locks" / name).write_text("")
    log = tmp_path / "python3.log"
    log.write_text("")
    full = {"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "FAKE_LOG": str(log), "FAKE_PACKAGE": str(package),
            **env}
    proc = subprocess.run(["sh", "-c", install_script(template)], env=full, capture_output=True, text=True,
                          timeout=60)
    return proc, log.read_text().splitlines()


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize(("spec", "lock"), [
    ("mlgate==0.1.0", "runtime.txt"),
    ("mlgate[onnx]==0.1.0", "runtime-onnx.txt"),
    ("mlgate[ge]==1.2.3rc1", "runtime-ge.txt"),
])
def test_locked_install_is_an_exact_wheel_then_its_hashed_lock(template: str, spec: str, lock: str,
                                                              tmp_path: Path) -> None:
    proc, calls = run_install(template, tmp_path, MLGATE_PIP_SPEC=spec, MLGATE_LOCK="true")
    assert proc.returncode == 0, proc.stderr
    version = spec.split("==")[1]
    locks = tmp_path / "site" / "mlgate" / "locks"
    assert calls[0] == ("-I -m pip install --disable-pip-version-check --no-deps --only-binary=:all: "
                        f"--ignore-installed --no-cache-dir mlgate=={version}")
    assert calls[1].startswith("-I -c ")
    assert calls[2:] == ["-I -m pip install --disable-pip-version-check --require-hashes --only-binary=:all: "
                         f"-r {locks / lock}"]


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("spec", [
    ".", "mlgate", "mlgate>=0.1", "mlgate==0.1.*", "mlgate==latest", "mlgate[spark]==0.1.0",
    "mlgate[deepchecks]==0.1.0", "mlgate[ge,onnx]==0.1.0", "mlgate[all]==0.1.0", "other==1.0",
    "mlgate==0.1.0 --index-url=http://evil", "mlgate==0.1.0;rm -rf /", "git+https://example.org/mlgate",
])
def test_lock_refuses_what_it_cannot_hash_before_pip(template: str, spec: str, tmp_path: Path) -> None:
    proc, calls = run_install(template, tmp_path, MLGATE_PIP_SPEC=spec, MLGATE_LOCK="true")
    assert proc.returncode == 2 and calls == []
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert ("'pip-spec' (MLGATE_PIP_SPEC) must pin one exact version of mlgate, with at most one extra of"
            " ge, skops, onnx, mlflow") in lines[0]
    assert "preinstalled" in lines[0] and f"(got: {spec})" in lines[0]


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_release_without_the_extras_lock_is_refused(template: str, tmp_path: Path) -> None:
    proc, calls = run_install(template, tmp_path, MLGATE_PIP_SPEC="mlgate[mlflow]==0.1.0", MLGATE_LOCK="true")
    assert proc.returncode == 2 and "ships no hashed lock" in proc.stderr
    assert not any("--require-hashes" in c for c in calls)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_preinstalled_and_lock_false(template: str, tmp_path: Path) -> None:
    for spec in ("preinstalled", ""):
        proc, calls = run_install(template, tmp_path, MLGATE_PIP_SPEC=spec, MLGATE_LOCK="true")
        assert (proc.returncode, calls) == (0, []), proc.stderr
    proc, calls = run_install(template, tmp_path, MLGATE_PIP_SPEC=".", MLGATE_LOCK="false")
    assert proc.returncode == 0 and calls == ["-m pip install --disable-pip-version-check ."]
    proc, calls = run_install(template, tmp_path, MLGATE_PIP_SPEC="mlgate==0.1.0", MLGATE_LOCK="maybe")
    assert proc.returncode == 2 and calls == []
    assert "'lock' (MLGATE_LOCK) must be true or false" in proc.stderr


def test_the_install_is_the_same_in_every_template() -> None:
    scripts = {name: install_script(name).split("case \"$MLGATE_LOCK\" in", 1)[1] for name in TEMPLATES}
    assert len(set(scripts.values())) == 1


def test_the_locked_extras_are_those_with_a_lock() -> None:
    """The extras the script accepts are those scripts/gen_publish_lock.py writes a lock for."""
    import re

    text = (ROOT / "scripts" / "gen_publish_lock.py").read_text(encoding="utf-8")
    match = re.search(r"LOCKED_EXTRAS = \[(.*?)\]", text)
    assert match is not None
    extras = re.findall(r'"(\w+)"', match.group(1))
    shipped = {p.name for p in (ROOT / "mlgate" / "locks").glob("runtime-*.txt")}
    assert shipped == {f"runtime-{e}.txt" for e in extras}
    assert f'case "$extra" in ""|{"|".join(extras)}) ;;' in install_script("check")


@pytest.mark.parametrize("template", ["check", "baseline"])
def test_lock_input_is_a_boolean_that_defaults_to_true(template: str) -> None:
    header = (ROOT / TEMPLATES[template][0]).read_text(encoding="utf-8").split("\n---\n", 1)[0]
    declared = yaml.safe_load(header)["spec"]["inputs"]["lock"]
    assert (declared["type"], declared["default"]) == ("boolean", True)
    assert "unsafe" in declared["description"]
