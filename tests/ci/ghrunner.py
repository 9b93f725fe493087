"""Execute a composite action's ``run`` steps the way a GitHub-hosted runner does.

What is emulated, after the runner documentation:
- each ``shell: bash`` step runs as ``bash --noprofile --norc -eo pipefail FILE``
  (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#jobsjob_idstepsshell);
- ``GITHUB_OUTPUT`` / ``GITHUB_ENV`` / ``GITHUB_PATH`` / ``GITHUB_STEP_SUMMARY`` are fresh files per step,
  read back after it (``name=value`` and ``name<<DELIMITER`` blocks), see
  https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions#environment-files;
- ``${{ }}`` expressions in ``if:``, ``env:``, ``with:``, ``working-directory:`` and the outputs are
  evaluated over ``inputs``, ``steps``, ``github``, ``runner`` and ``env`` with the status functions;
  GitHub compares strings case-insensitively.
``uses:`` steps (JavaScript actions such as setup-python) are not executed: they are recorded with their
evaluated ``with:`` so a test can assert on them, and a test may pass a stand-in for one (``uses=``:
e.g. upload-artifact storing the folder in a local artifacts server).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

RUNNER_TOKEN = "ghs_fake_token_for_tests_0123456789"
UsesHandler = Callable[[dict[str, str]], None]
EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||[!()])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*(?:\(\))?))"
)


@dataclass
class StepRun:
    id: str
    name: str
    kind: str  # "run" | "uses" | "skipped"
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    with_: dict[str, str] = field(default_factory=dict)
    uses: str = ""


@dataclass
class ActionRun:
    steps: list[StepRun]
    outputs: dict[str, str]
    summary: str
    failed: bool

    def step(self, name_or_id: str) -> StepRun:
        return next(s for s in self.steps if name_or_id in (s.id, s.name))


class Expr:
    """A recursive-descent evaluator for the subset of the expression language the action uses."""

    def __init__(self, text: str, ctx: dict[str, Any], status: dict[str, bool]) -> None:
        self.tokens = [(m.lastgroup, m.group(m.lastgroup or "")) for m in TOKEN.finditer(text) if m.lastgroup]
        if "".join(t for _, t in self.tokens).replace(" ", "") != text.replace(" ", "").strip():
            raise ValueError(f"unsupported expression: {text!r}")
        self.pos = 0
        self.ctx = ctx
        self.status = status

    def value(self) -> Any:
        result = self.or_()
        if self.pos != len(self.tokens):
            raise ValueError(f"trailing tokens in expression: {self.tokens[self.pos:]}")
        return result

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def or_(self) -> Any:
        left = self.and_()
        while self.peek() == "||":
            self.pos += 1
            right = self.and_()
            left = left if truthy(left) else right
        return left

    def and_(self) -> Any:
        left = self.cmp()
        while self.peek() == "&&":
            self.pos += 1
            right = self.cmp()
            left = right if truthy(left) else left
        return left

    def cmp(self) -> Any:
        left = self.unary()
        while self.peek() in ("==", "!="):
            op = self.tokens[self.pos][1]
            self.pos += 1
            right = self.unary()
            same = str(left).lower() == str(right).lower()
            left = same if op == "==" else not same
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.pos += 1
            return not truthy(self.unary())
        if self.peek() == "(":
            self.pos += 1
            inner = self.or_()
            assert self.peek() == ")", "unbalanced parentheses"
            self.pos += 1
            return inner
        kind, text = self.tokens[self.pos]
        self.pos += 1
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return text
        if text.endswith("()"):
            return self.status[text[:-2]]
        if text in ("true", "false"):
            return text == "true"
        node: Any = self.ctx
        for part in text.split("."):
            node = node.get(part, "") if isinstance(node, dict) else ""
        return node


def truthy(value: Any) -> bool:
    return bool(value) and value != "false"


def evaluate(text: str, ctx: dict[str, Any], status: dict[str, bool]) -> Any:
    return Expr(text, ctx, status).value()


def interpolate(text: str, ctx: dict[str, Any], status: dict[str, bool]) -> str:
    def one(match: re.Match[str]) -> str:
        value = evaluate(match.group(1).strip(), ctx, status)
        return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)

    return EXPR.sub(one, str(text))


def read_env_file(path: Path) -> dict[str, str]:
    """Parse ``name=value`` lines and ``name<<DELIM`` ... ``DELIM`` blocks (later keys win)."""
    values: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            block: list[str] = []
            i += 1
            while lines[i] != delim:
                block.append(lines[i])
                i += 1
            values[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
        i += 1
    return values


def run_action(action_dir: Path, inputs: dict[str, str], *, workspace: Path, tmp: Path,
               env: dict[str, str] | None = None, only: tuple[str, ...] = (),
               event_name: str = "pull_request", event: Mapping[str, Any] | None = None,
               sha: str = "0" * 40, ref: str = "refs/pull/7/merge",
               uses: Mapping[str, UsesHandler] | None = None, token: str = RUNNER_TOKEN) -> ActionRun:
    """Run ``action_dir/action.yml`` with ``inputs`` (defaults filled in) in ``workspace``.

    ``only``: run just the steps with these ids (the others are treated as skipped).
    ``event_name``/``event``/``sha``/``ref``: the triggering event (its payload is GITHUB_EVENT_PATH).
    ``uses``: action name (before ``@``) -> a stand-in called with the step's evaluated ``with:``.
    ``token``: ``github.token`` (its scopes are the job's ``permissions``, see ghworkflow.run_job).
    """
    meta = yaml.safe_load((action_dir / "action.yml").read_text(encoding="utf-8"))
    assert meta["runs"]["using"] == "composite"
    payload = {"pull_request": {"number": 7}} if event is None else event
    github = {"action_path": str(action_dir), "token": token, "workspace": str(workspace),
              "repository": "octo/model", "event_name": event_name, "sha": sha, "ref": ref,
              "event": payload}
    runner = {"temp": str(tmp), "os": "Linux"}
    ctx: dict[str, Any] = {"github": github, "runner": runner, "steps": {}, "env": {}}
    declared = meta.get("inputs", {})
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs not declared by the action: {unknown}"
    ctx["inputs"] = {
        name: inputs.get(name, interpolate(str(spec.get("default", "")), ctx, {}))
        for name, spec in declared.items()
    }
    event_file = tmp / "event.json"
    event_file.write_text(json.dumps(payload), encoding="utf-8")
    base_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_"))},
        "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(action_dir), "GITHUB_REPOSITORY": github["repository"],
        "GITHUB_EVENT_NAME": github["event_name"], "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_SHA": github["sha"], "GITHUB_REF": github["ref"], "GITHUB_RUN_ID": "42",
        # Set for pull_request events only: the pull request's base branch.
        "GITHUB_BASE_REF": str(payload.get("pull_request", {}).get("base", {}).get("ref", "")),
        "GITHUB_SERVER_URL": "https://github.com", "GITHUB_API_URL": "https://api.github.com",
        "RUNNER_TEMP": str(tmp), "RUNNER_OS": "Linux",
        **{f"INPUT_{k.upper()}": v for k, v in ctx["inputs"].items()},
        **(env or {}),
    }
    # Runners put the token in GITHUB_TOKEN only when a workflow maps it; the action passes it itself.
    base_env.pop("GITHUB_TOKEN", None)
    added_env: dict[str, str] = {}
    added_path: list[str] = []
    runs: list[StepRun] = []
    summary: list[str] = []
    failed = False
    for index, step in enumerate(meta["runs"]["steps"]):
        sid = step.get("id", f"__step{index}")
        status = {"success": not failed, "failure": failed, "always": True, "cancelled": False}
        condition = str(step.get("if", "success()")).strip()
        condition = EXPR.sub(lambda m: m.group(1), condition)
        if not any(f in condition for f in ("success()", "failure()", "always()", "cancelled()")):
            condition = f"success() && ({condition})"
        name = step.get("name", sid)
        if (only and sid not in only) or not truthy(evaluate(condition, ctx, status)):
            runs.append(StepRun(sid, name, "skipped"))
            ctx["steps"][sid] = {"outputs": {}, "outcome": "skipped"}
            continue
        if "uses" in step:
            with_ = {k: interpolate(str(v), ctx, status) for k, v in step.get("with", {}).items()}
            stand_in = (uses or {}).get(str(step["uses"]).split("@", 1)[0])
            if stand_in is not None:
                stand_in(with_)
            runs.append(StepRun(sid, name, "uses", uses=step["uses"], with_=with_))
            ctx["steps"][sid] = {"outputs": {}, "outcome": "success"}
            continue
        assert step.get("shell") == "bash", f"step {name!r}: only bash steps are supported"
        assert "${{" not in step["run"], f"step {name!r}: expressions inside run: (script injection)"
        files = {n: tmp / f"{n.lower()}_{index}" for n in
                 ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")}
        for f in files.values():
            f.write_text("", encoding="utf-8")
        script = tmp / f"step_{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        step_env = {**base_env, **added_env, **{k: str(v) for k, v in files.items()}}
        step_env.update({k: interpolate(str(v), ctx, status) for k, v in step.get("env", {}).items()})
        step_env["PATH"] = os.pathsep.join([*reversed(added_path), step_env.get("PATH", "")])
        cwd = workspace / interpolate(step.get("working-directory", "."), ctx, status)
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=cwd, env=step_env, capture_output=True, text=True, timeout=300)
        outputs = read_env_file(files["GITHUB_OUTPUT"])
        added_env.update(read_env_file(files["GITHUB_ENV"]))
        added_path.extend(p for p in files["GITHUB_PATH"].read_text(encoding="utf-8").splitlines() if p)
        summary.append(files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8"))
        runs.append(StepRun(sid, name, "run", proc.returncode, proc.stdout, proc.stderr, outputs))
        ctx["steps"][sid] = {"outputs": outputs, "outcome": "success" if proc.returncode == 0 else "failure"}
        failed = failed or proc.returncode != 0
    final = {"success": not failed, "failure": failed, "always": True, "cancelled": False}
    outputs = {k: interpolate(str(v["value"]), ctx, final) for k, v in meta.get("outputs", {}).items()}
    return ActionRun(runs, outputs, "".join(summary), failed)
