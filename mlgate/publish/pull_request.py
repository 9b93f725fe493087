"""Which pull request a report from a ``workflow_run`` belongs to, checked through the API.

A ``workflow_run`` event lists no pull requests when the head is in a fork ("pull_requests: [] for
runs from forks", webhook payload docs), so the pull request is looked up by the head owner and
branch the payload names: ``GET /repos/{owner}/{repo}/pulls?head=OWNER:BRANCH&state=open`` (REST
"List pull requests": "Filter pulls by head user or head organization and branch name in the format
of user:ref-name"). A number from the payload or ``--pr`` is fetched with ``GET .../pulls/{n}``.
Either way the pull request is used only if it is open, its head repository is the run's, and its
head SHA is the run's ``head_sha``; and the report's own commit must be that head or the test merge
commit of it (``pull_request`` runs check out ``refs/pull/N/merge``, so ``GITHUB_SHA`` there is a
merge commit whose parents are the base and the head). Everything else is refused (exit 2).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mlgate.ci import CIContext
from mlgate.publish.http import ApiClient, ApiError
from mlgate.publish.interface import PublishRefused

_HINT = (
    "the report does not belong to that pull request's current head: publish the report of the run "
    "for that commit (its own workflow_run does), or rerun the pull request's workflow"
)


def _sha(obj: Any, *keys: str) -> str | None:
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj if isinstance(obj, str) else None


def _describe(pr: dict[str, Any]) -> str:
    return f"#{pr.get('number')}"


def _matches(pr: dict[str, Any], ctx: CIContext) -> str | None:
    """Why ``pr`` is not the pull request of this run (None: it is)."""
    if pr.get("state") != "open":
        return f"pull request {_describe(pr)} is {pr.get('state')}"
    head = _sha(pr, "head", "sha")
    if head != ctx.head_sha:
        return (
            f"pull request {_describe(pr)} has head {str(head)[:12]}, not {str(ctx.head_sha)[:12]} "
            "(the commit the triggering run computed): a newer commit was pushed, or it is another "
            "pull request"
        )
    repo = _sha(pr, "head", "repo", "full_name")
    if ctx.head_repo and (repo or "").lower() != ctx.head_repo.lower():
        return (
            f"pull request {_describe(pr)} comes from {repo or 'a deleted repository'}, not {ctx.head_repo}"
        )
    return None


def _candidates(api: ApiClient, ctx: CIContext) -> list[dict[str, Any]]:
    repo = ctx.repository
    if ctx.pr_number is not None:
        resp = api.request("GET", f"/repos/{repo}/pulls/{ctx.pr_number}")
        if resp.status_code == 404:
            raise PublishRefused(f"pull request #{ctx.pr_number} does not exist in {repo}", hint=_HINT)
        api.expect(resp, "GET", (200,))
        data = api.decode(resp, "GET")
        return [data] if isinstance(data, dict) else []
    if not ctx.head_owner or not ctx.head_branch:
        raise PublishRefused(
            "the workflow_run event names no pull request and no head owner/branch to find it by",
            hint="run 'mlgate publish' from a workflow_run of the pull request workflow, or pass --pr",
        )
    query = {"head": f"{ctx.head_owner}:{ctx.head_branch}", "state": "open", "per_page": 100}
    return [d for d in api.paginate(f"/repos/{repo}/pulls", query) if isinstance(d, dict)]


def _report_commit_ok(api: ApiClient, ctx: CIContext, pr: dict[str, Any], commit: str) -> bool:
    if commit == ctx.head_sha or commit == pr.get("merge_commit_sha"):
        return True
    # An older test merge commit (the base moved since the run): a merge whose parents include
    # the head. Needs 'contents: read'; without it the report is refused, never trusted.
    resp = api.request("GET", f"/repos/{ctx.repository}/commits/{quote(commit, safe='')}")
    if resp.status_code != 200:
        return False
    data = api.decode(resp, "GET")
    parents = data.get("parents") if isinstance(data, dict) else None
    shas = [p.get("sha") for p in parents if isinstance(p, dict)] if isinstance(parents, list) else []
    return len(shas) == 2 and ctx.head_sha in shas


def verified_pull_request(api: ApiClient, ctx: CIContext, report_commit: str | None) -> int:
    """The number of the open pull request this ``workflow_run`` report belongs to; raises
    :class:`PublishRefused` when there is none (or several), or the report's commit is not its head.
    API failures are :class:`ApiError` (publishing failed, not the report)."""
    if not ctx.head_sha:
        raise PublishRefused("the workflow_run event payload has no head_sha", hint=_HINT)
    if not report_commit:
        raise PublishRefused(
            "scorecard.json has no provenance.git_sha: the report cannot be tied to the pull request",
            hint=_HINT,
        )
    candidates = _candidates(api, ctx)
    reasons = [(pr, _matches(pr, ctx)) for pr in candidates]
    found = [pr for pr, why in reasons if why is None]
    if not found:
        why = next((w for _, w in reasons if w), None) or (
            f"no open pull request has head {ctx.head_owner}:{ctx.head_branch}"
        )
        raise PublishRefused(f"refusing to publish: {why}", hint=_HINT)
    if len(found) > 1:
        numbers = ", ".join(_describe(pr) for pr in found)
        raise PublishRefused(
            f"refusing to publish: several open pull requests ({numbers}) have head "
            f"{ctx.head_owner}:{ctx.head_branch}",
            hint="pass --pr NUMBER to choose one (it is checked the same way)",
        )
    pr = found[0]
    if not _report_commit_ok(api, ctx, pr, report_commit):
        raise PublishRefused(
            f"refusing to publish: the report was computed on {report_commit[:12]}, which is neither "
            f"the head {str(ctx.head_sha)[:12]} of pull request {_describe(pr)} nor its test merge commit",
            hint=_HINT + "; reading merge commits needs 'contents: read' in the publishing workflow",
        )
    number = pr.get("number")
    if not isinstance(number, int):
        raise ApiError("GET pulls: the pull request has no number")
    return number
