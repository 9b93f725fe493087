"""Run one job of a workflow file (the templates users copy) with the runner-like harness.

``uses: OWNER/mlgate@REF`` runs this repository's composite action through :func:`ghrunner.run_action`
(what a runner does: it checks out that ref of the action and runs its steps); ``actions/checkout`` is
the workspace already in place; any other ``uses:`` is recorded, or handed to a stand-in. ``run:``
steps run with bash like the action's own.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ghrunner import EXPR, RUNNER_TOKEN, ActionRun, UsesHandler, evaluate, run_action, truthy

ACTION = "mlgate/mlgate"
# github.token of a job whose `permissions:` grant no `actions` scope: a server that checks the
# token for the artifacts API answers it like GitHub does a token without that scope.
NO_ACTIONS_TOKEN = "ghs_token_without_the_actions_scope_00"


@dataclass
class JobRun:
    actions: list[ActionRun]
    recorded: list[tuple[str, dict[str, str]]]  # (uses, with) of the steps not executed
    skipped: bool = False  # the job's `if:` was false for this event: no step ran


def run_job(workflow: Path, job: str, *, action_dir: Path, workspace: Path, tmp: Path,
            env: dict[str, str] | None = None, overrides: Mapping[str, str] | None = None,
            uses: Mapping[str, UsesHandler] | None = None, **event: Any) -> JobRun:
    """``overrides``: inputs set on top of the workflow's ``with:`` for the mlgate step (e.g. the
    install, which other tests cover, or publishing to a server the test does not run)."""
    doc = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    out = JobRun([], [])
    condition = doc["jobs"][job].get("if")
    if condition is not None:
        # A job's `if:` sees the github context (the event payload among it), no steps yet.
        github = {"event": event.get("event", {}), "event_name": event.get("event_name", "pull_request")}
        text = EXPR.sub(lambda m: m.group(1), str(condition))
        if not truthy(evaluate(text, {"github": github}, {"success": True, "failure": False,
                                                          "always": True, "cancelled": False})):
            out.skipped = True
            return out
    # Declared permissions replace the defaults: a scope not listed is none
    # (docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions#permissions).
    perms = {**(doc.get("permissions") or {}), **(doc["jobs"][job].get("permissions") or {})}
    token = RUNNER_TOKEN if perms.get("actions") in ("read", "write") else NO_ACTIONS_TOKEN
    for step in doc["jobs"][job]["steps"]:
        if "run" in step:
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                  cwd=workspace, capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, proc.stderr
            continue
        name = str(step["uses"]).split("@", 1)[0]
        with_ = {k: str(v) for k, v in (step.get("with") or {}).items()}
        if name == ACTION:
            out.actions.append(run_action(action_dir, {**with_, **(overrides or {})}, workspace=workspace,
                                          tmp=tmp, env=env, uses=uses, token=token, **event))
        elif uses and name in uses:
            uses[name](with_)
        else:
            out.recorded.append((name, with_))
    return out
