"""The issue comments of one GitHub pull request as a :class:`~mlgate.publish.sticky.NoteStore`.

REST "Issue comments" (API version 2022-11-28): list ``GET /repos/{owner}/{repo}/issues/{n}/comments``,
create ``POST`` there, update ``PATCH /repos/{owner}/{repo}/issues/comments/{id}``, delete ``DELETE``
there (a 404 on delete: another run deleted it first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlgate.publish.http import ApiClient
from mlgate.publish.sticky import Note


class Comments:
    """Issue comments of one PR as a sticky.NoteStore."""

    def __init__(self, api: ApiClient, repo: str, number: int) -> None:
        self.api, self.repo, self.number = api, repo, number

    @staticmethod
    def _note(d: dict[str, Any]) -> Note:
        user = d.get("user") or {}
        return Note(
            id=int(d["id"]),
            body=str(d.get("body") or ""),
            author=str(user.get("login") or ""),
            url=d.get("html_url"),
        )

    def list(self) -> list[Note]:
        items = self.api.paginate(f"/repos/{self.repo}/issues/{self.number}/comments", {"per_page": 100})
        return [self._note(d) for d in items if isinstance(d, dict)]

    def create(self, body: str, resend_ok: Callable[[], bool] | None = None) -> Note:
        return self._note(
            self.api.json(
                "POST",
                f"/repos/{self.repo}/issues/{self.number}/comments",
                json={"body": body},
                ok=(201,),
                resend_ok=resend_ok,
            )
        )

    def update(self, note_id: int, body: str) -> Note:
        return self._note(
            self.api.json(
                "PATCH", f"/repos/{self.repo}/issues/comments/{note_id}", json={"body": body}, ok=(200,)
            )
        )

    def delete(self, note_id: int) -> None:
        self.api.json("DELETE", f"/repos/{self.repo}/issues/comments/{note_id}", ok=(204, 404))
