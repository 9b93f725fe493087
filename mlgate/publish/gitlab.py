"""GitLab: the sticky merge-request note and a commit status (API v4, base URL from ``CI_API_V4_URL``).

Endpoints (docs.gitlab.com/api/notes): ``GET/POST /projects/:id/merge_requests/:iid/notes``,
``PUT/DELETE .../notes/:note_id``, and ``GET /user`` for the token's identity; commit statuses
(docs.gitlab.com/api/commits): ``POST /projects/:id/statuses/:sha`` and
``GET /projects/:id/repository/commits/:sha/statuses``. The CI job token cannot write notes, so a
project or personal access token (``api`` scope) is needed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from mlgate.ci import CIContext
from mlgate.publish.body import CONTEXT_LIMIT, GITLAB_NOTE_LIMIT, fit, plain, reported_banner
from mlgate.publish.http import AlreadyStored, ApiClient, ApiError, RetryPolicy
from mlgate.publish.interface import Publisher, PublishError, PublishOutcome, PublishRequest
from mlgate.publish.sticky import Note, upsert
from mlgate.publish.verdict import gitlab_verdict
from mlgate.render.markdown import marker

TOKEN_HINT = (
    "create a project access token (role Reporter or higher, scope 'api') and store it as a masked "
    "CI/CD variable MLGATE_GITLAB_TOKEN; the CI job token cannot write merge request notes"
)
# GitLab documents no limit for a commit status description; kept to one readable line.
STATUS_DESCRIPTION_LIMIT = 255


class _Notes:
    def __init__(self, api: ApiClient, project: str, iid: int) -> None:
        self.api = api
        self.base = f"/projects/{quote(project, safe='')}/merge_requests/{iid}/notes"

    @staticmethod
    def _note(d: dict[str, Any]) -> Note:
        author = d.get("author") or {}
        return Note(id=int(d["id"]), body=str(d.get("body") or ""), author=str(author.get("id", "")))

    def list(self) -> list[Note]:
        items = self.api.paginate(self.base, {"per_page": 100, "sort": "asc", "order_by": "created_at"})
        # System notes ("added 1 commit") are GitLab's own, never ours.
        return [self._note(d) for d in items if isinstance(d, dict) and not d.get("system")]

    def create(self, body: str, resend_ok: Callable[[], bool] | None = None) -> Note:
        return self._note(
            self.api.json("POST", self.base, json={"body": body}, ok=(201,), resend_ok=resend_ok)
        )

    def update(self, note_id: int, body: str) -> Note:
        return self._note(self.api.json("PUT", f"{self.base}/{note_id}", json={"body": body}, ok=(200,)))

    def delete(self, note_id: int) -> None:
        self.api.json("DELETE", f"{self.base}/{note_id}", ok=(204, 404))


class GitLabPublisher(Publisher):
    name = "gitlab"

    def __init__(
        self, ctx: CIContext, token: str, *, policy: RetryPolicy | None = None, **client_kw: Any
    ) -> None:
        if not ctx.api_url:
            raise PublishError("CI_API_V4_URL is not set", hint="run inside GitLab CI or set CI_API_V4_URL")
        if not ctx.repository:
            raise PublishError("CI_PROJECT_ID is not set", hint="run inside GitLab CI or set CI_PROJECT_ID")
        self.ctx, self.token, self.policy, self.client_kw = ctx, token, policy, client_kw

    def publish(self, request: PublishRequest) -> PublishOutcome:
        assert self.ctx.api_url is not None and self.ctx.repository is not None
        actions: list[str] = []
        warnings: list[str] = []
        failures: list[PublishError] = []
        with ApiClient(
            self.ctx.api_url,
            {"PRIVATE-TOKEN": self.token},
            secret=self.token,
            policy=self.policy,
            **self.client_kw,
        ) as api:
            # Each step fails on its own: a note that cannot be written leaves the status to say it.
            if self.ctx.pr_number is None:
                warnings.append(
                    "not a merge request pipeline (CI_MERGE_REQUEST_IID is unset): note skipped; "
                    "add 'rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"' to the job"
                )
            else:
                try:
                    actions.append(self._note(api, request))
                except ApiError as exc:
                    hint = TOKEN_HINT if exc.status in (401, 403) else exc.hint
                    failures.append(
                        PublishError(f"cannot write the merge request note: {exc.message}", hint=hint)
                    )
            if self.ctx.head_sha:
                try:
                    actions.append(self._status(api, request))
                except ApiError as exc:
                    hint = TOKEN_HINT if exc.status in (401, 403) else exc.hint
                    failures.append(PublishError(f"cannot set the commit status: {exc.message}", hint=hint))
        return PublishOutcome(self.name, tuple(actions), tuple(warnings), failures=tuple(failures))

    def _note(self, api: ApiClient, request: PublishRequest) -> str:
        assert self.ctx.repository is not None and self.ctx.pr_number is not None
        report = request.report
        me = api.json("GET", "/user", ok=(200,))
        identity = str(me.get("id", "")) if isinstance(me, dict) else ""
        if not identity:
            raise ApiError("GET /user: the answer names no user id", status=200)
        body = fit(
            report,
            request.markdown,
            GITLAB_NOTE_LIMIT,
            artifact_url=request.artifact_url,
            banner="" if request.computed_here else reported_banner(None),
        )
        body = api.clean(body)  # data that happens to hold the token is never posted
        store = _Notes(api, self.ctx.repository, self.ctx.pr_number)
        what, note = upsert(store, marker(report.config_id), body, lambda n: n.author == identity)
        return f"merge request note {what}: {note.id}"

    def _status(self, api: ApiClient, request: PublishRequest) -> str:
        """The verdict as an external commit status named like GitHub's context. Re-sending a
        status GitLab already holds may be refused ("Cannot transition status"), so an ambiguous
        failure is re-sent only after the commit's statuses show it is not there."""
        report = request.report
        state, description = gitlab_verdict(report, computed_here=request.computed_here)
        name = plain(
            request.status_context or (f"mlgate/{report.config_id}" if request.computed_here
                                       else "mlgate/reported"),
            CONTEXT_LIMIT,
        )
        payload: dict[str, Any] = {
            "state": state,
            "name": name,
            # Masked before it is cut: a cut token is no longer found.
            "description": plain(api.clean(description), STATUS_DESCRIPTION_LIMIT),
        }
        if self.ctx.run_url and self.ctx.run_url.startswith(("https://", "http://")):
            payload["target_url"] = self.ctx.run_url
        project = quote(str(self.ctx.repository), safe="")
        sha = quote(str(self.ctx.head_sha), safe="")

        def nothing_stored() -> bool:
            items = api.paginate(f"/projects/{project}/repository/commits/{sha}/statuses",
                                 {"name": name, "order_by": "id", "sort": "desc", "per_page": 100})
            for item in items:
                if isinstance(item, dict) and item.get("name") == name:
                    # The newest first: stored if it is ours, with our state and text.
                    return not (item.get("status") == state
                                and item.get("description") == payload["description"])
            return True

        with contextlib.suppress(AlreadyStored):  # stored despite the error answer: done
            api.json("POST", f"/projects/{project}/statuses/{sha}", json=payload, ok=(201,),
                     resend_ok=nothing_stored)
        return f"commit status {state} ({name})"


def publishers(
    ctx: CIContext, token: str | None, environ: Mapping[str, str], client_kw: Mapping[str, Any]
) -> list[Publisher | PublishError]:
    """The registry's factory (mlgate.forges): the Code Quality report first (no API), then the note
    and status, or why they cannot be written."""
    from mlgate.forges import FORGES
    from mlgate.publish.local import GitLabLocalPublisher
    from mlgate.publish.registry import token_for

    remote: Publisher | PublishError
    tok = token_for(FORGES["gitlab"], token, environ)
    if tok is None:
        only_job = bool(environ.get("CI_JOB_TOKEN"))
        remote = PublishError(
            "no GitLab token"
            + (" (only CI_JOB_TOKEN, which cannot write notes)" if only_job else "")
            + ": the scorecard was not posted on the merge request",
            hint=TOKEN_HINT,
        )
    else:
        try:
            remote = GitLabPublisher(ctx, tok, **client_kw)
        except PublishError as exc:
            remote = exc
    return [GitLabLocalPublisher(), remote]
