"""GitHub: the sticky PR comment and a check run (or commit status) with the verdict.

REST endpoints (API version 2022-11-28): issue comments (list/create/update/delete), ``GET /user``,
``POST /repos/{owner}/{repo}/check-runs`` and ``POST /repos/{owner}/{repo}/statuses/{sha}``.
The base URL comes from ``GITHUB_API_URL`` so GitHub Enterprise Server (``/api/v3``) works too.

A report this process did not compute (``mlgate publish DIR``: often a fork's artifact) never turns
green: branch protection accepts a required check that is "successful, skipped, or neutral"
(GitHub docs, "About protected branches"), so such a report sets only a commit status that is
``failure``/``error`` or, when it reports a pass, ``pending`` -- never a check run, whose
conclusions include ``neutral`` and ``skipped`` -- under a context the workflow chooses.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from mlgate.ci import CIContext
from mlgate.publish.body import (
    CHECK_TITLE_LIMIT,
    CONTEXT_LIMIT,
    GITHUB_CHECK_SUMMARY_LIMIT,
    GITHUB_COMMENT_LIMIT,
    STATUS_DESCRIPTION_LIMIT,
    fit,
    plain,
    reported_banner,
    utf8_bytes,
)
from mlgate.publish.github_comments import Comments
from mlgate.publish.http import AlreadyStored, ApiClient, ApiError, RetryPolicy, error_message
from mlgate.publish.interface import Publisher, PublishError, PublishOutcome, PublishRequest
from mlgate.publish.sticky import upsert
from mlgate.publish.verdict import github_reported_verdict, github_verdict
from mlgate.render.markdown import marker, render_markdown
from mlgate.result import Report

# The identity behind the Actions GITHUB_TOKEN: installation tokens cannot call GET /user.
ACTIONS_BOT = "github-actions[bot]"
FORK_HINT = (
    "pull requests from forks get a read-only GITHUB_TOKEN, so the scorecard is in the step summary "
    "only. To comment anyway, use two workflows: this one uploads the report directory as an artifact; "
    "a second one, triggered by 'workflow_run' with 'permissions: pull-requests: write, statuses: "
    "write', downloads it and runs 'mlgate publish DIR --from-json' (docs/publishing.md)"
)


# The context of a report read from a directory when the workflow names none (--status-context):
# fixed, so an artifact cannot pose as the check a branch protection rule requires.
REPORTED_CONTEXT = "mlgate/reported"


def status_context(report: Report) -> str:
    return plain(f"mlgate/{report.config_id}", CONTEXT_LIMIT)


def context_for(request: PublishRequest) -> str:
    if request.status_context:
        return plain(request.status_context, CONTEXT_LIMIT)
    return status_context(request.report) if request.computed_here else REPORTED_CONTEXT


class GitHubPublisher(Publisher):
    name = "github"

    def __init__(
        self,
        ctx: CIContext,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        bot_login: str = ACTIONS_BOT,
        **client_kw: Any,
    ) -> None:
        if not ctx.repository or "/" not in ctx.repository:
            raise PublishError(
                "GITHUB_REPOSITORY is not set (expected 'owner/repo')",
                hint="run inside GitHub Actions, or set GITHUB_REPOSITORY and pass --pr",
            )
        self.ctx, self.token, self.policy, self.bot_login = ctx, token, policy, bot_login
        self.client_kw = client_kw
        self._checked: str | None = None

    def _client(self) -> ApiClient:
        return ApiClient(
            self.ctx.api_url or "https://api.github.com",
            {"Authorization": f"Bearer {self.token}"},
            secret=self.token,
            policy=self.policy,
            extra_headers={"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"},
            **self.client_kw,
        )

    def _identity(self, api: ApiClient) -> str:
        resp = api.request("GET", "/user")
        if resp.status_code == 200:
            data = api.decode(resp, "GET")
            login = data.get("login") if isinstance(data, dict) else None
            if not isinstance(login, str) or not login:
                raise ApiError("GET /user: the answer names no login", status=200)
            return login
        if resp.status_code == 401:
            raise ApiError(
                f"GET /user: HTTP 401: {api.clean(error_message(resp))}",
                status=401,
                hint="the token is invalid or expired; check --token / MLGATE_GITHUB_TOKEN / GITHUB_TOKEN",
            )
        # 403 "Resource not accessible by integration": an installation token (GITHUB_TOKEN, apps).
        return self.bot_login

    def check(self, request: PublishRequest) -> None:
        """A report from another run in a ``workflow_run``: the payload lists no pull request for
        forks, and a ``--pr`` may come from the artifact, so the pull request is found (or checked)
        through the API before anything is written (mlgate.publish.pull_request)."""
        if request.computed_here or self.ctx.event_name != "workflow_run":
            return
        from dataclasses import replace

        from mlgate.publish.pull_request import verified_pull_request

        with self._client() as api:
            try:
                number = verified_pull_request(api, self.ctx, request.report.provenance.git_sha)
            except ApiError as exc:
                raise self._explain(exc, "find the pull request of the workflow run") from None
        self.ctx = replace(self.ctx, pr_number=number)
        self._checked = f"pull request #{number}: head {str(self.ctx.head_sha)[:12]} checked"

    def publish(self, request: PublishRequest) -> PublishOutcome:
        report, repo = request.report, self.ctx.repository
        assert repo is not None
        actions: list[str] = [self._checked] if self._checked else []
        warnings: list[str] = []
        errors: list[PublishError] = []
        banner = "" if request.computed_here else reported_banner(self.ctx.source_run_url)
        with self._client() as api:
            if self.ctx.pr_number is None:
                warnings.append(
                    f"no pull request in this {self.ctx.event_name or 'run'}: comment skipped "
                    "(pass --pr NUMBER to choose one)"
                )
            else:
                # Each step fails on its own: a comment that cannot be written (an odd answer from
                # GET /user) still leaves the commit status to say the verdict.
                try:
                    actions.append(self._comment(api, request, banner))
                except ApiError as exc:
                    errors.append(self._explain(exc, "comment on the pull request"))
            if self.ctx.head_sha:
                try:
                    actions.append(self._status(api, report, request))
                except ApiError as exc:
                    errors.append(self._explain(exc, "set the commit status"))
            else:
                warnings.append("no head commit SHA: status skipped")
        return PublishOutcome(self.name, tuple(actions), tuple(warnings), failures=tuple(errors))

    def _comment(self, api: ApiClient, request: PublishRequest, banner: str) -> str:
        report, repo, number = request.report, self.ctx.repository, self.ctx.pr_number
        assert repo is not None and number is not None
        identity = self._identity(api)
        body = fit(report, request.markdown, GITHUB_COMMENT_LIMIT, artifact_url=request.artifact_url,
                   banner=banner)
        # Data that happens to hold the token (an echoed header...) is never posted.
        body = api.clean(body)
        store = Comments(api, repo, number)
        what, note = upsert(store, marker(report.config_id), body, lambda n: n.author == identity)
        return f"comment {what}: {note.url or note.id}"

    def _explain(self, exc: ApiError, what: str) -> PublishError:
        if exc.status in (403, 404) and exc.hint is None:
            hint = (
                FORK_HINT
                if self.ctx.is_fork or exc.status == 403
                else (
                    "the token cannot see this repository or pull request; check GITHUB_REPOSITORY and --pr"
                )
            )
            return PublishError(f"cannot {what}: {exc.message}", hint=hint)
        return PublishError(f"cannot {what}: {exc.message}", hint=exc.hint)

    def _status(self, api: ApiClient, report: Report, request: PublishRequest) -> str:
        """A check run when the token may create one (GitHub App / Actions token with checks: write),
        else a commit status (any token with statuses: write). A report computed elsewhere: a commit
        status that is never green (module docstring)."""
        repo, sha = self.ctx.repository, self.ctx.head_sha
        context = context_for(request)
        if not request.computed_here:
            state, description = github_reported_verdict(report)
            return self._commit_status(api, state, context, description, self.ctx.source_run_url)
        state, conclusion, description = github_verdict(report)
        summary = fit(
            report,
            render_markdown(report, details=False, artifact_url=request.artifact_url),
            GITHUB_CHECK_SUMMARY_LIMIT,
            artifact_url=request.artifact_url,
            measure=utf8_bytes,
        )
        summary = api.clean(summary)
        payload: dict[str, Any] = {
            "name": context,
            "head_sha": sha,
            "status": "completed",
            "conclusion": conclusion,
            "output": {
                "title": plain(f"{report.title}: {report.status.value}", CHECK_TITLE_LIMIT),
                "summary": summary,
            },
        }
        if self.ctx.run_url:
            payload["details_url"] = self.ctx.run_url
        # A fresh id per publish: after an ambiguous failure the run is looked up by it before the
        # POST is sent again, so a stored check run is never created twice.
        payload["external_id"] = secrets.token_hex(8)

        def nothing_stored() -> bool:
            found = api.json("GET", f"/repos/{repo}/commits/{sha}/check-runs",
                             params={"check_name": context, "filter": "latest", "per_page": 100})
            runs = found.get("check_runs") if isinstance(found, dict) else None
            return not any(isinstance(r, dict) and r.get("external_id") == payload["external_id"]
                           for r in runs or [])

        try:
            resp = api.request("POST", f"/repos/{repo}/check-runs", json=payload, resend_ok=nothing_stored)
        except AlreadyStored:
            return f"check run {conclusion} (stored, though the first answer was an error)"
        if resp.status_code == 201:
            data = api.decode(resp, "POST")
            shown = (data.get("html_url") or data.get("id")) if isinstance(data, dict) else None
            return f"check run {conclusion}: {shown}"
        if resp.status_code not in (403, 404, 422):
            api.expect(resp, "POST", (201,))
        return self._commit_status(api, state, context, description, self.ctx.run_url)

    def _commit_status(
        self, api: ApiClient, state: str, context: str, description: str, target_url: str | None
    ) -> str:
        payload: dict[str, Any] = {
            "state": state,
            "context": context,
            # Masked before it is cut: a cut token is no longer found.
            "description": plain(api.clean(description), STATUS_DESCRIPTION_LIMIT),
        }
        if target_url:
            payload["target_url"] = target_url
        # Sending the same state for the same context again changes nothing (the latest status of a
        # context is the one shown), so an ambiguous failure is simply retried.
        api.json("POST", f"/repos/{self.ctx.repository}/statuses/{self.ctx.head_sha}", json=payload,
                 ok=(201,), idempotent=True)
        return f"commit status {state} ({context})"


def publishers(
    ctx: CIContext, token: str | None, environ: Mapping[str, str], client_kw: Mapping[str, Any]
) -> list[Publisher | PublishError]:
    """The registry's factory (mlgate.forges): the step summary first (it needs no API), then the
    comment and status, or why they cannot be written."""
    from mlgate.forges import FORGES
    from mlgate.publish.local import GitHubLocalPublisher
    from mlgate.publish.registry import token_for

    remote: Publisher | PublishError
    tok = token_for(FORGES["github"], token, environ)
    if tok is None:
        remote = PublishError(
            "no GitHub token: the scorecard was not posted on the pull request",
            hint="pass 'env: GITHUB_TOKEN: ${{ github.token }}' (or MLGATE_GITHUB_TOKEN) to the step",
        )
    else:
        try:
            remote = GitHubPublisher(ctx, tok, **client_kw)
        except PublishError as exc:
            remote = exc
    return [GitHubLocalPublisher(ctx), remote]
