"""What this run may trust: the one place that decides whether a run is privileged, and the guards.

A run is *privileged* when it holds the base repository's secrets or a write token while the files it
reads can come from someone without write access. Then nothing that runs code is loaded (pickle or
joblib models, pandera Python schemas), whatever the flags say: that code would run with the token.

GitHub (docs.github.com, "Events that trigger workflows" and "Security hardening for GitHub Actions"):
``pull_request`` from a fork gets a read-only token and no secrets, but these events run the workflow
of the base repository with its secrets and a token that can write, and are triggered by (or on behalf
of) people without write access, so a workflow that checks out the pull request's head hands them both:
``pull_request_target``; ``workflow_run`` (runs after a ``pull_request`` workflow, often on its
artifacts); ``issue_comment`` (anyone can comment on a pull request; "/test"-style bots check out its
head); ``pull_request_review`` and ``pull_request_review_comment`` (read-only for forks today, treated as
privileged because review bots often run them with a PAT); ``issues``, ``discussion`` and
``discussion_comment`` (anyone can trigger them; they run on the default branch with secrets).

GitLab (docs.gitlab.com, "Merge request pipelines", "Run pipelines in the parent project for merge
requests from a forked project"): such a pipeline runs in the parent project with its CI/CD variables
while the code is the fork's: ``CI_MERGE_REQUEST_SOURCE_PROJECT_ID`` differs from ``CI_PROJECT_ID``.

Self-hosted or other CI: ``MLGATE_UNTRUSTED=1`` in the job's environment makes any run privileged.

Trust switches are read only from the command line and from the environment the workflow sets
(``MLGATE_ALLOW_PICKLE=1``, ``MLGATE_ALLOW_OUTSIDE_REPO=1``), never from mlgate.yaml: the pull request
can change that file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from mlgate.errors import InputError

PRIVILEGED_GITHUB_EVENTS = frozenset({
    "pull_request_target",
    "workflow_run",
    "issue_comment",
    "pull_request_review",
    "pull_request_review_comment",
    "issues",
    "discussion",
    "discussion_comment",
})
_FALSE = ("", "0", "false", "no", "off")


def _on(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() not in _FALSE


def privileged_reason(environ: Mapping[str, str] | None = None) -> str | None:
    """Why this run is privileged (for messages), or None when it is not. The only such decision."""
    env = os.environ if environ is None else environ
    if _on(env, "MLGATE_UNTRUSTED"):
        return "MLGATE_UNTRUSTED is set"
    event = env.get("GITHUB_EVENT_NAME", "")
    if event in PRIVILEGED_GITHUB_EVENTS:
        return f"the GitHub event is {event}"
    if env.get("GITLAB_CI") == "true":
        source = env.get("CI_MERGE_REQUEST_SOURCE_PROJECT_ID", "")
        project = env.get("CI_PROJECT_ID", "")
        if source and project and source != project:
            return "this GitLab pipeline runs in the parent project for a merge request from a fork"
    return None


@dataclass(frozen=True)
class Trust:
    """The guard switches of one run, set by the workflow (flags or environment), never by the config."""

    allow_pickle: bool = False
    allow_outside_repo: bool = False
    privileged: str | None = None  # privileged_reason() when the run started

    @classmethod
    def from_environ(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        allow_pickle: bool = False,
        allow_outside_repo: bool = False,
    ) -> Trust:
        env = os.environ if environ is None else environ
        return cls(
            allow_pickle=allow_pickle or _on(env, "MLGATE_ALLOW_PICKLE"),
            allow_outside_repo=allow_outside_repo or _on(env, "MLGATE_ALLOW_OUTSIDE_REPO"),
            privileged=privileged_reason(env),
        )

    def refuse_code_in_privileged_run(self, where: str, what: str) -> None:
        """Loading ``what`` runs code from the repository: never in a privileged run."""
        if self.privileged is not None:
            raise InputError(
                f"{where}: {what} is never loaded in a privileged run ({self.privileged})",
                hint="this run holds secrets or a write token while the files can come from the pull "
                "request, and loading it would run their code with them; no flag changes that. Use "
                "files that hold no code (.skops or .onnx models, pandera YAML or GE JSON schemas), or "
                "run this check in an unprivileged pull_request workflow",
            )

    def check_pickle(
        self,
        where: str,
        what: str = "a pickle/joblib model",
        instead: str = "save the model with skops or ONNX",
    ) -> None:
        """Unpickling ``what`` runs code: only when the workflow allows it, never when privileged."""
        self.refuse_code_in_privileged_run(where, what)
        if not self.allow_pickle:
            raise InputError(
                f"{where}: loading {what} runs any code it contains",
                hint=f"{instead}; or, if you trust everyone who can change it, pass --allow-pickle to "
                "mlgate (or set MLGATE_ALLOW_PICKLE=1) in the workflow",
            )
