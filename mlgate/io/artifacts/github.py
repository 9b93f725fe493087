"""The newest ``mlgate-baseline`` artifact of a successful run on the base branch (GitHub Actions).

REST endpoints (docs.github.com/en/rest/actions/artifacts, .../actions/workflow-runs):
``GET /repos/{owner}/{repo}/actions/artifacts?name=NAME`` lists artifacts newest first, each with a
``workflow_run`` (id, repository_id, head_repository_id, head_branch, head_sha);
``GET /repos/{owner}/{repo}/actions/runs/{run_id}`` gives the run's ``event`` and ``conclusion``;
``GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip`` answers 302 to the archive.

What is trusted: only a run of this repository (not of a fork: a fork's pull request from its own
branch named ``main`` has ``head_branch: main`` too), on the base branch, of a push, schedule or
manual event, that succeeded. The run of the base commit wins; else the newest such run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from mlgate.errors import InputError
from mlgate.net.http import ApiClient, ApiError

TRUSTED_EVENTS = frozenset({"push", "schedule", "workflow_dispatch"})
MAX_LISTED = 300
MAX_RUNS_CHECKED = 20


@dataclass(frozen=True)
class Found:
    artifact_id: int
    name: str
    run_id: int
    commit: str
    branch: str
    size: int
    run_url: str


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _pages(client: ApiClient, repo: str, name: str) -> list[Any]:
    """The listed artifacts, newest first. The answer is an object ``{total_count, artifacts}``
    (not a bare list), so pages are counted here rather than through Link headers."""
    out: list[Any] = []
    for page in range(1, MAX_LISTED // 100 + 1):
        data = client.json("GET", f"/repos/{repo}/actions/artifacts",
                           params={"name": name, "per_page": 100, "page": page})
        items = data.get("artifacts") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise InputError(f"GET /repos/{repo}/actions/artifacts: no 'artifacts' list in the answer")
        out += items
        if len(items) < 100:
            break
    return out


def _listed(client: ApiClient, repo: str, name: str, branch: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in _pages(client, repo, name):
        if not isinstance(item, dict) or item.get("name") != name or item.get("expired") is not False:
            continue
        run = item.get("workflow_run")
        if not isinstance(run, dict) or run.get("head_branch") != branch or _int(run.get("id")) is None:
            continue
        if _int(run.get("repository_id")) != _int(run.get("head_repository_id")):
            continue  # a fork's run
        out.append(item)
    return out


def find(client: ApiClient, repo: str, name: str, branch: str, base_sha: str | None) -> Found | None:
    """The artifact to use, or None when the base branch has none yet."""
    items = _listed(client, repo, name, branch)
    # The base commit's artifacts first, then the rest newest first (the API's order).
    items.sort(key=lambda a: 0 if base_sha and a["workflow_run"].get("head_sha") == base_sha else 1)
    for item in items[:MAX_RUNS_CHECKED]:
        run_id = item["workflow_run"]["id"]
        run = client.json("GET", f"/repos/{repo}/actions/runs/{run_id}",
                          params={"exclude_pull_requests": "true"})
        if not isinstance(run, dict):
            continue
        repo_id = (run.get("repository") or {}).get("id")
        head_repo_id = (run.get("head_repository") or {}).get("id")
        if (run.get("conclusion") != "success" or run.get("event") not in TRUSTED_EVENTS
                or run.get("head_branch") != branch or repo_id != head_repo_id):
            continue
        sha = str(run.get("head_sha") or "")
        return Found(artifact_id=int(item["id"]), name=name, run_id=int(run_id), commit=sha,
                     branch=branch, size=_int(item.get("size_in_bytes")) or 0,
                     run_url=str(run.get("html_url") or ""))
    return None


def download(client: ApiClient, repo: str, found: Found, dest: Path, where: str) -> None:
    from mlgate.io.artifacts.download import follow

    first = client.request("GET", f"/repos/{repo}/actions/artifacts/{found.artifact_id}/zip")
    if first.status_code == 410:
        raise InputError(f"{where}: artifact {found.artifact_id} has expired",
                         hint="run the baseline workflow on the base branch again")
    if first.status_code not in (200, 302):
        client.expect(first, "GET", (302,))
    follow(first, urlsplit(client.base_url).scheme, dest, where)


def base_of_event(environ: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(base branch, base commit) of the pull request this job runs for, from the event payload."""
    import json

    branch = environ.get("GITHUB_BASE_REF") or None
    sha = None
    path = environ.get("GITHUB_EVENT_PATH")
    if path:
        try:
            event = json.loads(Path(path).read_text(encoding="utf-8"))
            base = event.get("pull_request", {}).get("base", {})
            sha = base.get("sha") if isinstance(base.get("sha"), str) else None
            branch = branch or (base.get("ref") if isinstance(base.get("ref"), str) else None)
        except (OSError, ValueError, AttributeError):
            pass
    return branch, sha


def default_branch(client: ApiClient, repo: str) -> str:
    data = client.json("GET", f"/repos/{repo}")
    branch = data.get("default_branch") if isinstance(data, dict) else None
    if not isinstance(branch, str) or not branch:
        raise InputError(f"GET /repos/{repo}: no default_branch in the answer")
    return branch


def repo_path(repo: str) -> str:
    owner, _, name = repo.partition("/")
    return f"{quote(owner, safe='')}/{quote(name, safe='')}"


__all__ = ["ApiError", "Found", "base_of_event", "default_branch", "download", "find", "repo_path"]
