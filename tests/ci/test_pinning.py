"""Supply chain: every third-party action is pinned by commit SHA, and no job holding a write token
installs a package that is not pinned by version and hash.

A tag such as ``actions/checkout@v4`` moves whenever its owner (or whoever takes over the account)
pushes it; a 40-hex commit SHA cannot (GitHub's hardening guide: "Pin actions to a full length commit
SHA", https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from envs import ROOT

from mlgate import __version__
from tests.conftest import run_cli

PINS_FILE = ROOT / ".github/actions/pins/action.yml"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<tail>.*)$", re.M)
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(\.\d+)*\s*$")
# mlgate's own action is named by the release the templates ship with (a template cannot hold the SHA
# of the commit that contains it); users may pin it to that release's SHA, see docs/ci/github.md.
FIRST_PARTY = f"mlgate/mlgate@v{__version__}"


def yaml_files() -> list[Path]:
    found = [ROOT / "action.yml", *ROOT.glob(".github/**/*.yml")]
    found += [*ROOT.glob("templates/**/*.yml"), *ROOT.glob("mlgate/templates_data/**/*.yml")]
    return sorted(p for p in found if p.is_file())


def doc_yaml_blocks() -> list[tuple[str, str]]:
    blocks = []
    for path in sorted([ROOT / "README.md", *ROOT.glob("docs/**/*.md")]):
        text = path.read_text(encoding="utf-8")
        for i, m in enumerate(re.finditer(r"```ya?ml\n(.*?)```", text, re.S)):
            blocks.append((f"{path.relative_to(ROOT).as_posix()} block {i + 1}", m.group(1)))
    return blocks


def sources() -> list[tuple[str, str]]:
    files = [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in yaml_files()]
    return files + doc_yaml_blocks()


def unpinned(text: str) -> list[str]:
    """Every ``uses:`` that is neither local, docker, mlgate's own release, nor SHA + version comment."""
    bad = []
    for m in USES.finditer(text):
        ref, tail = m["ref"].strip("'\""), m["tail"]
        if ref.startswith(("./", "docker://")) or ref == FIRST_PARTY:
            continue
        if PINNED.match(ref) is None or VERSION_COMMENT.match(tail) is None:
            bad.append(m.group(0).strip())
    return bad


def pins() -> dict[str, str]:
    out = {}
    for m in USES.finditer(PINS_FILE.read_text(encoding="utf-8")):
        found = PINNED.match(m["ref"])
        assert found is not None, m.group(0)
        out[found["action"]] = f"{found['sha']}{m['tail']}"
    return out


def test_every_uses_is_pinned_by_commit_sha_with_its_version() -> None:
    checked = sources()
    assert len(checked) > 10 and any("docs/" in name for name, _ in checked)
    problems = {name: bad for name, text in checked if (bad := unpinned(text))}
    assert problems == {}


def test_pins_are_the_same_everywhere() -> None:
    """The pins file (kept current by Dependabot) decides: scripts/sync_action_pins.py copies it."""
    table = pins()
    assert set(table) >= {"actions/checkout", "actions/setup-python", "actions/upload-artifact",
                          "actions/download-artifact"}
    for name, text in sources():
        for m in USES.finditer(text):
            found = PINNED.match(m["ref"])
            if found is not None:
                assert found["action"] in table, f"{name}: {found['action']} is not in {PINS_FILE.name}"
                assert f"{found['sha']}{m['tail']}" == table[found["action"]], f"{name}: {m.group(0)}"


def test_dependabot_keeps_the_pins_current() -> None:
    doc = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text(encoding="utf-8"))
    by_ecosystem = {u["package-ecosystem"]: u for u in doc["updates"]}
    assert {"github-actions", "pip"} <= set(by_ecosystem)
    dirs = by_ecosystem["github-actions"]["directories"]
    assert "/" in dirs and "/" + PINS_FILE.parent.relative_to(ROOT).as_posix() in dirs


def test_the_pin_check_is_really_checking() -> None:
    sha = "11d5960a326750d5838078e36cf38b85af677262"
    bad = ["- uses: actions/checkout@v4", f"  uses: actions/checkout@{sha}",
           f"- uses: actions/checkout@{sha[:12]} # v4.4.0", "- uses: someone/action@main # v1",
           f"- uses: actions/checkout@{sha} # latest", "- uses: mlgate/mlgate@v9.9.9"]
    for line in bad:
        assert unpinned(line) == [line.strip()], line
    good = [f"- uses: actions/checkout@{sha} # v4.4.0", "  uses: ./", "- uses: docker://alpine:3.20",
            f"- uses: {FIRST_PARTY}"]
    assert unpinned("\n".join(good)) == []


# --- pip in privileged jobs -------------------------------------------------------------------------

PIP = re.compile(r"\bpip3?\s+install\b|\bpython3?\s+-m\s+pip\s+install\b")


def _load(path: Path) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def privileged(workflow: dict[Any, Any], job: dict[Any, Any]) -> bool:
    """The job holds a write token or a secret."""
    perms: Any = job.get("permissions", workflow.get("permissions"))
    if perms in ("write-all",) or (isinstance(perms, dict) and "write" in perms.values()):
        return True
    return "secrets." in json.dumps(job)


def pip_commands(script: str) -> list[str]:
    joined = script.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if PIP.search(line)]


def unpinned_install(command: str) -> bool:
    """Allowed: ``--require-hashes -r FILE`` (every package exact and hashed, which pip enforces), or
    ``--no-deps`` with exact ``name==version`` requirements only, wheels only (no build code runs)."""
    words = command.split()
    if "--require-hashes" in words:
        return False
    reqs = [w.strip("'\"") for w in words[words.index("install") + 1:] if not w.startswith("-")]
    exact = all(re.fullmatch(r"[\w.-]+==[\w.+!-]+", r) for r in reqs) and bool(reqs)
    return not ("--no-deps" in words and "--only-binary=:all:" in words and exact)


WORKFLOWS = sorted([*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob("templates/github/*.yml")])


def test_privileged_jobs_install_only_pinned_packages() -> None:
    seen = set()
    for path in WORKFLOWS:
        wf = _load(path)
        for name, job in wf["jobs"].items():
            if not privileged(wf, job):
                continue
            seen.add((path.name, name))
            for step in job.get("steps", []):
                for command in pip_commands(str(step.get("run", ""))):
                    assert not unpinned_install(command), f"{path.name}: job {name}: {command}"
    # The publish workflow installs through the action (command: publish), whose installs
    # test_the_action_installs_only_hashed_packages checks.
    assert ("mlgate-publish.yml", "publish") in seen


def action_install_problems(meta: dict[Any, Any]) -> list[str]:
    """action.yml runs inside the caller's job, which holds a write token (templates/github/mlgate.yml):
    outside the step reserved for ``lock: false``, pip installs only from a hashed lock, and mlgate
    itself with ``--no-deps`` either as a wheel or built with the hashed build backend (no isolated
    build environment, which would fetch setuptools unpinned)."""
    problems = []
    for step in meta["runs"]["steps"]:
        condition = str(step.get("if", ""))
        unhashed = "steps.resolve.outputs.lock == ''" in condition
        for command in pip_commands(str(step.get("run", ""))):
            if unhashed:
                continue
            words = command.split()
            if "--require-hashes" in words:
                ok = "--only-binary=:all:" in words and "-r" in words
            else:
                reqs = [w for w in words[words.index("install") + 1:] if not w.startswith("-")]
                ok = ("--no-deps" in words and reqs == ['"$MLGATE_PIP_SPEC"']
                      and ("--only-binary=:all:" in words or "--no-build-isolation" in words))
            if not ok:
                problems.append(f"{step.get('name')}: {command}")
    return problems


def test_the_action_installs_only_hashed_packages() -> None:
    meta = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action_install_problems(meta) == []
    assert meta["inputs"]["lock"]["default"] == "true"
    hashed = sum(len(pip_commands(str(s.get("run", "")))) for s in meta["runs"]["steps"]
                 if "lock != ''" in str(s.get("if", "")))
    assert hashed >= 3
    # The privileged template does not switch the lock off.
    assert "lock:" not in (ROOT / "templates/github/mlgate.yml").read_text(encoding="utf-8")


def test_the_action_install_check_is_really_checking() -> None:
    for run in ['python3 -m pip install "$MLGATE_PIP_SPEC"',
                'python3 -m pip install --no-deps "$MLGATE_PIP_SPEC"',
                'python3 -m pip install --require-hashes -r "$MLGATE_LOCK"',
                'python3 -m pip install --no-deps --only-binary=:all: "$OTHER"']:
        meta = {"runs": {"steps": [{"name": "s", "if": "steps.resolve.outputs.lock != ''", "run": run}]}}
        assert action_install_problems(meta) != [], run


LOCKS = sorted((ROOT / "mlgate/locks").glob("*.txt"))
LOCK_LINE = re.compile(r"[a-z0-9-]+==[\w.+!-]+( --hash=sha256:[0-9a-f]{64})+")


def test_runtime_locks_are_exact_hashed_and_complete() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert {p.name for p in LOCKS} >= {"runtime.txt", "build.txt", "runtime-ge.txt", "runtime-onnx.txt"}
    for path in LOCKS:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
        for line in lines:
            assert LOCK_LINE.fullmatch(line), f"{path.name}: {line}"
        names = {line.split("==")[0] for line in lines}
        if path.name.startswith("runtime"):
            extra = path.stem.partition("-")[2]
            wanted = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
            for req in wanted:
                name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", req).group(0)).lower()  # type: ignore[union-attr]
                assert name in names, f"{path.name} lacks {name}"
    # Shipped inside the package, so an installed mlgate and the action's folder carry the same locks.
    assert '"locks/*.txt"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_install_check_is_really_checking() -> None:
    for command in ['python -m pip install "mlgate==0.1.0"', "pip install mlgate",
                    "pip install -r requirements.txt", "pip install --no-deps mlgate>=0.1",
                    'python -m pip install --no-deps "mlgate==0.1.0"']:
        assert unpinned_install(command), command
    for command in ['python -m pip install --only-binary=:all: --no-deps "mlgate==0.1.0"',
                    "python -m pip install --require-hashes -r lock.txt"]:
        assert not unpinned_install(command), command
    job = {"permissions": {"statuses": "write"}, "steps": []}
    assert privileged({}, job) and privileged({}, {"steps": [{"env": {"T": "${{ secrets.T }}"}}]})
    assert not privileged({"permissions": {"contents": "read"}}, {"steps": []})


def publish_lock() -> list[str]:
    """What the publish workflow installs: the action's runtime lock (command: publish, lock: true)."""
    text = (ROOT / "mlgate/locks/runtime.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_publish_lock_is_exact_and_hashed() -> None:
    lines = publish_lock()
    for line in lines:
        assert re.fullmatch(r"[a-z0-9-]+==[\w.+!-]+( --hash=sha256:[0-9a-f]{64})+", line), line
    names = {line.split("==")[0] for line in lines}
    assert {"click", "httpx", "tabulate", "httpcore", "h11", "anyio", "idna", "certifi"} <= names


# Runs `mlgate publish --from-json` with every third-party import outside the lock refused.
BLOCKER = r"""
import importlib.abc, sys
allowed = set(sys.argv[1].split(","))

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top in allowed or top.startswith("_"):
            return None
        raise ModuleNotFoundError(f"blocked: {name} is not in the publish lock", name=name)

sys.meta_path.insert(0, Block())
from mlgate._cli import main
sys.argv = ["mlgate", *sys.argv[2:]]
main()
"""


def test_publish_needs_nothing_outside_the_lock(demo_template: Path, tmp_path: Path) -> None:
    from tests.publish.forge_server import ForgeServer, User

    out = tmp_path / "mlgate-report"
    assert run_cli(["check", "-c", str(demo_template / "mlgate.yaml"), "-o", str(out),
                    "--publish", "none"]).exit_code in (0, 1)
    from importlib.metadata import packages_distributions

    # Import names of the locked distributions (pyyaml -> yaml, scikit-learn -> sklearn).
    locked = {line.split("==")[0] for line in publish_lock()}
    modules = {module for module, dists in packages_distributions().items()
               if any(re.sub(r"[-_.]+", "-", d).lower() in locked for d in dists)} | {"mlgate"}
    event = tmp_path / "event.json"
    sha = "0123456789abcdef0123456789abcdef01234567"
    event.write_text(json.dumps({"pull_request": {"number": 7, "head": {
        "sha": sha, "ref": "feature", "repo": {"full_name": "octo/repo", "owner": {"login": "octo"}}}}}))
    with ForgeServer() as server:
        server.forge.users = {"ghp_PublishLockT0ken1234567": User("mlgate-bot", 11)}
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MLGATE_", "CI"))}
        env.update({"PYTHONPATH": str(ROOT), "GITHUB_ACTIONS": "true",
                    "GITHUB_API_URL": f"{server.url}/api/v3", "GITHUB_REPOSITORY": "octo/repo",
                    "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
                    "GITHUB_SHA": "f" * 40, "GITHUB_RUN_ID": "99", "GITHUB_SERVER_URL": "https://github.example",
                    "GITHUB_TOKEN": "ghp_PublishLockT0ken1234567"})
        proc = subprocess.run([sys.executable, "-c", BLOCKER, ",".join(sorted(modules)), "publish", str(out),
                               "--publish", "github", "--from-json", "--require-publish"],
                              capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "blocked" not in proc.stdout + proc.stderr
        assert server.forge.pr_comments(7), proc.stdout + proc.stderr


def test_blocker_really_blocks(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", BLOCKER, "mlgate,click", "schema", "infer", str(data)],
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert proc.returncode != 0 and "blocked:" in proc.stdout + proc.stderr


# --- every pip install in every template ------------------------------------------------------------

EXACT_PIN = re.compile(r"[\w.-]+==(?:[\w.+!-]+|\$\w+|\$\{\w+\})")
# The one branch that may install unhashed: the GitLab templates' `lock: false`, default true.
UNHASHED_BRANCH = 'if [ "$MLGATE_LOCK" = false ]; then'


def _hashed(words: list[str]) -> bool:
    return "--require-hashes" in words and "--only-binary=:all:" in words and "-r" in words


def script_install_problems(script: str) -> list[str]:
    """Each ``pip install`` of a shell script is hashed (``--require-hashes --only-binary=:all: -r``), or
    a wheel-only ``--no-deps`` install of exact ``name==version`` pins that a hashed install follows
    later in the same script, or sits in the ``lock: false`` branch."""
    problems: list[str] = []
    lines = script.replace("\\\n", " ").splitlines()
    in_unhashed = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == UNHASHED_BRANCH:
            in_unhashed = True
            continue
        if in_unhashed and stripped in ("else", "fi"):
            in_unhashed = False
        if not PIP.search(line) or stripped.startswith("#") or in_unhashed:
            continue
        words = stripped.split()
        if _hashed(words):
            continue
        reqs = [w.strip("'\"") for w in words[words.index("install") + 1:] if not w.startswith("-")]
        exact = bool(reqs) and all(EXACT_PIN.fullmatch(r) for r in reqs)
        followed = any(PIP.search(later) and _hashed(later.split()) for later in lines[i + 1:])
        if not ("--no-deps" in words and "--only-binary=:all:" in words and exact and followed):
            problems.append(stripped)
    return problems


def template_scripts(path: Path) -> list[tuple[str, str]]:
    """(job or step, shell text) of a GitLab template (components: the part after ``---``) or a GitHub
    workflow."""
    text = path.read_text(encoding="utf-8")
    if path.name == "template.yml":
        text = text.split("\n---\n", 1)[1]
    doc = yaml.safe_load(text)
    out = []
    for name, job in doc.get("jobs", doc).items():
        if not isinstance(job, dict):
            continue
        for key in ("before_script", "script", "after_script"):
            out += [(f"{name}.{key}", str(s)) for s in job.get(key, [])]
        out += [(f"{name}: {s.get('name', '')}", str(s.get("run", ""))) for s in job.get("steps", [])]
    return out


TEMPLATE_FILES = sorted({*ROOT.glob("templates/**/*.yml"), *ROOT.glob("mlgate/templates_data/**/*.yml")})


def test_every_template_installs_only_hashed_packages() -> None:
    seen = 0
    for path in TEMPLATE_FILES:
        for where, script in template_scripts(path):
            seen += len(pip_commands(script))
            assert script_install_problems(script) == [], f"{path.relative_to(ROOT)}: {where}"
    assert seen >= 8  # GitLab check, baseline, legacy (x2 with the packaged copies), GitHub publish


def test_gitlab_templates_lock_by_default() -> None:
    for name in ("check", "baseline"):
        header = (ROOT / f"templates/{name}/template.yml").read_text(encoding="utf-8").split("\n---\n")[0]
        lock = yaml.safe_load(header)["spec"]["inputs"]["lock"]
        assert (lock["type"], lock["default"]) == ("boolean", True), name
    assert "MLGATE_LOCK=${MLGATE_LOCK-true}" in (ROOT / "templates/legacy/mlgate.gitlab-ci.yml").read_text()
    # The including templates do not switch it off.
    assert "lock" not in (ROOT / "templates/gitlab/mlgate.gitlab-ci.yml").read_text(encoding="utf-8")


def test_the_template_install_check_is_really_checking() -> None:
    bad = ['python3 -m pip install "$MLGATE_PIP_SPEC"',
           'python -m pip install "mlgate==0.1.0"',
           'python -m pip install --no-deps --only-binary=:all: "mlgate==0.1.0"',  # no hashed install after
           'pip install --require-hashes -r l.txt\npip install --no-deps --only-binary=:all: "mlgate>=0.1"',
           'pip install --require-hashes -r lock.txt\npip install --no-deps --only-binary=:all: "$SPEC"',
           'pip install --require-hashes -r lock.txt\npip install --no-deps "mlgate==0.1.0"',
           'if [ "$MLGATE_LOCK" = false ]; then\n  :\nelse\n  pip install mlgate\nfi']
    for script in bad:
        assert script_install_problems(script) != [], script
    good = ['pip install --no-deps --only-binary=:all: "mlgate==$version"\n'
            'pip install --require-hashes --only-binary=:all: -r "$lock"',
            'if [ "$MLGATE_LOCK" = false ]; then\n  pip install "$MLGATE_PIP_SPEC"\nfi',
            'case "$MLGATE_PIP_SPEC" in ""|preinstalled) ;; esac']
    for script in good:
        assert script_install_problems(script) == [], script
