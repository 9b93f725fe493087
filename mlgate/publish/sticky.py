"""One sticky comment per pull request and config: find it, update it, or create it, without duplicates.

Neither GitHub nor GitLab offers a conditional create, so two runs racing on one PR (or a POST that
timed out after the server stored it, then was retried) can both create a comment. After creating,
we list again and converge on the oldest of our comments (lowest id), deleting the others: every
racer takes the same decision, so exactly one comment survives, whoever finishes last.
A create that fails ambiguously (a 502 or a timeout after the server stored it) is never re-sent
blindly: the client first lists the comments (``resend_ok``) and, when ours is there, reconciles
(updates it) instead of posting a duplicate.
Only comments written by the token's own identity count: anyone can paste the marker into a comment,
and updating theirs would let them choose where our scorecard lives (or hide it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from mlgate.net.http import AlreadyStored, MaybeStored


@dataclass(frozen=True)
class Note:
    id: int
    body: str
    author: str
    url: str | None = None


class NoteStore(Protocol):
    def list(self) -> list[Note]: ...

    def create(self, body: str, resend_ok: Callable[[], bool] | None = None) -> Note:
        """Create; after an ambiguous failure the request is re-sent only if ``resend_ok()``
        (:meth:`mlgate.net.http.ApiClient.request`)."""

    def update(self, note_id: int, body: str) -> Note: ...

    def delete(self, note_id: int) -> None:
        """Delete; a note already gone (another racer deleted it) is not an error."""


def has_marker(body: str, marker: str) -> bool:
    return body.split("\n", 1)[0].strip() == marker


def _mine(store: NoteStore, marker: str, is_mine: Callable[[Note], bool]) -> list[Note]:
    return sorted((n for n in store.list() if has_marker(n.body, marker) and is_mine(n)), key=lambda n: n.id)


def upsert(store: NoteStore, marker: str, body: str, is_mine: Callable[[Note], bool]) -> tuple[str, Note]:
    """Returns (``created`` | ``updated`` | ``unchanged``, the surviving note)."""
    mine = _mine(store, marker, is_mine)
    if mine:
        keep = mine[0]
        for extra in mine[1:]:
            store.delete(extra.id)
        if keep.body == body:
            return "unchanged", keep
        return "updated", store.update(keep.id, body)
    unsure: AlreadyStored | MaybeStored | None = None
    created: Note | None = None
    try:
        created = store.create(body, lambda: not _mine(store, marker, is_mine))
    except (AlreadyStored, MaybeStored) as exc:
        unsure = exc  # stored despite the error answer, or maybe: what the list shows decides
    mine = _mine(store, marker, is_mine)
    if not mine:
        if created is None:  # really not stored (or not listed yet): report the failure
            raise unsure or AssertionError("no note created")
        return "created", created  # the list lags behind the create: nothing to reconcile
    keep = mine[0]
    for extra in mine[1:]:
        store.delete(extra.id)
    if created is None:
        return ("created", keep) if keep.body == body else ("updated", store.update(keep.id, body))
    if keep.id != created.id:
        # Someone else's create won; carry our (newer) scorecard over to the survivor.
        return "updated", store.update(keep.id, body)
    return "created", keep
