"""GitLab: the sticky merge-request note (Notes API v4, base URL from ``CI_API_V4_URL``).

Endpoints (docs.gitlab.com/api/notes): ``GET/POST /projects/:id/merge_requests/:iid/notes``,
``PUT/DELETE .../notes/:note_id``, and ``GET /user`` for the token's identity. The CI job token
cannot write notes, so a project or personal access token (``api`` scope) is needed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mlgate.ci import CIContext
from mlgate.publish.body import GITLAB_NOTE_LIMIT, fit, reported_banner
from mlgate.publish.http import ApiClient, ApiError, RetryPolicy
from mlgate.publish.interface import Publisher, PublishError, PublishOutcome, PublishRequest
from mlgate.publish.sticky import Note, upsert
from mlgate.render.markdown import marker

TOKEN_HINT = (
    "create a project access token (role Reporter or higher, scope 'api') and store it as a masked "
    "CI/CD variable MLGATE_GITLAB_TOKEN; the CI job token cannot write merge request notes"
)


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

    def create(self, body: str) -> Note:
        return self._note(self.api.json("POST", self.base, json={"body": body}, ok=(201,)))

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
        if self.ctx.pr_number is None:
            return PublishOutcome(
                self.name,
                warnings=(
                    "not a merge request pipeline (CI_MERGE_REQUEST_IID is unset): note skipped; "
                    "add 'rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"' to the job",
                ),
            )
        assert self.ctx.api_url is not None and self.ctx.repository is not None
        report = request.report
        with ApiClient(
            self.ctx.api_url,
            {"PRIVATE-TOKEN": self.token},
            secret=self.token,
            policy=self.policy,
            **self.client_kw,
        ) as api:
            try:
                me = api.json("GET", "/user", ok=(200,))
                identity = str(me.get("id", "")) if isinstance(me, dict) else ""
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
            except ApiError as exc:
                hint = TOKEN_HINT if exc.status in (401, 403) else exc.hint
                raise PublishError(f"cannot write the merge request note: {exc.message}", hint=hint) from None
        return PublishOutcome(self.name, (f"merge request note {what}: {note.id}",))
