"""Which CI runs us, and what it tells us about the pull/merge request (``CIContext.detect(environ)``).

Sources:
- GitHub Actions default variables and event payloads (``GITHUB_EVENT_PATH``):
  https://docs.github.com/actions/learn-github-actions/variables#default-environment-variables and
  https://docs.github.com/webhooks/webhook-events-and-payloads (pull_request, workflow_run).
- GitLab predefined CI/CD variables: https://docs.gitlab.com/ci/variables/predefined_variables/
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import InputError

DEFAULT_GITHUB_API = "https://api.github.com"
# Events whose payload carries a pull request (``pull_request`` key) or points to one (workflow_run).
_PR_EVENTS = ("pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment")


class CIKind(str, enum.Enum):
    """The built-in kinds; ``CIContext.kind`` is the registry name of the forge (mlgate.forges), so a
    registered forge has its own kind. Compare with ``==`` (a ``str`` enum equals its value)."""

    GITHUB = "github"
    GITLAB = "gitlab"
    LOCAL = "local"


@dataclass(frozen=True)
class CIContext:
    """What a publisher needs to know about the run. Never holds a token."""

    kind: str
    api_url: str | None = None
    # GitHub "owner/repo"; GitLab project id (or URL-encoded path).
    repository: str | None = None
    pr_number: int | None = None
    head_sha: str | None = None
    event_name: str | None = None
    # Link to the run (where the report artifact is): shown when the comment had to be cut.
    run_url: str | None = None
    step_summary: Path | None = None
    output_file: Path | None = None
    # workflow_run without pull_requests (fork PRs): where the head came from, to look the PR up.
    head_owner: str | None = None
    head_branch: str | None = None
    # "owner/repo" the head commit lives in (a fork's full name), to check a pull request found by
    # head owner/branch really comes from there.
    head_repo: str | None = None
    is_fork: bool = False
    # workflow_run: the run that triggered this one (the pull request's own run, which computed
    # the report), from the event payload; never from a report or artifact.
    source_run_url: str | None = None

    @classmethod
    def detect(cls, environ: Mapping[str, str]) -> CIContext:
        """The context of the forge whose CI runs us (mlgate.forges, in registration order)."""
        from mlgate import forges

        found = forges.detect(environ)
        return cls(kind=CIKind.LOCAL) if found is None else cls.for_kind(found.target, environ)

    @classmethod
    def for_kind(cls, kind: str, environ: Mapping[str, str]) -> CIContext:
        """The context of ``kind`` from ``environ`` even outside that CI (``--publish github``)."""
        from mlgate import forges

        forge = forges.FORGES.get(forges.name_of(kind))
        if forge is None:
            return cls(kind=CIKind.LOCAL)
        context: CIContext = forges.load(forge.context)(environ)
        return context

    def with_pr(self, number: int | None) -> CIContext:
        """``--pr`` overrides what the event said."""
        if number is None:
            return self
        from dataclasses import replace

        return replace(self, pr_number=number)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def github_context(env: Mapping[str, str]) -> CIContext:
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo = env.get("GITHUB_REPOSITORY") or None
    run_url = (
        f"{server}/{repo}/actions/runs/{env['GITHUB_RUN_ID']}" if repo and env.get("GITHUB_RUN_ID") else None
    )
    event_name = env.get("GITHUB_EVENT_NAME") or None
    payload = _read_event(env.get("GITHUB_EVENT_PATH"))
    pr_number, head_sha, head_owner, head_branch, is_fork = _from_payload(event_name, payload, repo)
    source_run_url = None
    if event_name == "workflow_run":
        run_id = _dig(payload, "workflow_run", "id")
        if isinstance(run_id, int) and not isinstance(run_id, bool) and run_id > 0 and repo:
            # Built from the numeric id and this repository (where fork runs live too), not taken
            # from the payload's html_url.
            source_run_url = f"{server}/{repo}/actions/runs/{run_id}"
    head_repo = _str(
        _dig(payload, "workflow_run", "head_repository", "full_name")
        if event_name == "workflow_run"
        else _dig(payload, "pull_request", "head", "repo", "full_name")
    )
    return CIContext(
        kind=CIKind.GITHUB,
        api_url=(env.get("GITHUB_API_URL") or DEFAULT_GITHUB_API).rstrip("/"),
        repository=repo,
        pr_number=pr_number,
        # On pull_request events GITHUB_SHA is the test merge commit; statuses belong on the PR head.
        head_sha=head_sha or env.get("GITHUB_SHA") or None,
        event_name=event_name,
        run_url=run_url,
        step_summary=_path(env.get("GITHUB_STEP_SUMMARY")),
        output_file=_path(env.get("GITHUB_OUTPUT")),
        head_owner=head_owner,
        head_branch=head_branch,
        head_repo=head_repo,
        is_fork=is_fork,
        source_run_url=source_run_url,
    )


def _read_event(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"GITHUB_EVENT_PATH {path}: cannot read the event payload: {exc.strerror}") from None
    except ValueError as exc:
        raise InputError(f"GITHUB_EVENT_PATH {path}: not valid JSON: {exc}") from None
    return data if isinstance(data, dict) else {}


def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _from_payload(
    event: str | None, payload: dict[str, Any], repo: str | None
) -> tuple[int | None, str | None, str | None, str | None, bool]:
    """(pr number, head sha, head owner, head branch, from a fork) from an event payload."""
    if event in _PR_EVENTS or (event is None and "pull_request" in payload):
        pr = payload.get("pull_request")
        number = _dig(pr, "number")
        head_repo = _dig(pr, "head", "repo", "full_name")
        return (
            number if isinstance(number, int) else None,
            _str(_dig(pr, "head", "sha")),
            _str(_dig(pr, "head", "repo", "owner", "login")),
            _str(_dig(pr, "head", "ref")),
            bool(head_repo and repo and head_repo != repo),
        )
    if event == "workflow_run":
        run = payload.get("workflow_run")
        # pull_requests is empty when the PR comes from a fork (GitHub documents this); the publisher
        # then looks the PR up by head owner/branch and checks that its head is this SHA.
        prs = _dig(run, "pull_requests")
        number = prs[0].get("number") if isinstance(prs, list) and prs and isinstance(prs[0], dict) else None
        head_repo = _dig(run, "head_repository", "full_name")
        return (
            number if isinstance(number, int) else None,
            _str(_dig(run, "head_sha")),
            _str(_dig(run, "head_repository", "owner", "login")),
            _str(_dig(run, "head_branch")),
            bool(head_repo and repo and head_repo != repo),
        )
    return None, None, None, None, False


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def gitlab_context(env: Mapping[str, str]) -> CIContext:
    api = env.get("CI_API_V4_URL") or (
        env["CI_SERVER_URL"].rstrip("/") + "/api/v4" if env.get("CI_SERVER_URL") else None
    )
    iid = env.get("CI_MERGE_REQUEST_IID", "")
    job_url = env.get("CI_JOB_URL") or None
    return CIContext(
        kind=CIKind.GITLAB,
        api_url=api.rstrip("/") if api else None,
        repository=env.get("CI_MERGE_REQUEST_PROJECT_ID") or env.get("CI_PROJECT_ID") or None,
        pr_number=int(iid) if iid.isdigit() else None,
        head_sha=env.get("CI_COMMIT_SHA") or None,
        event_name=env.get("CI_PIPELINE_SOURCE") or None,
        run_url=f"{job_url}/artifacts/browse" if job_url else None,
    )
