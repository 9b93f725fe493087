"""Publishing the scorecard: choose the publishers for the CI at hand and run them all.

A publisher failing never stops the others, and never changes the gate verdict: the CLI turns the
collected failures into warnings (or exit 3 with ``--require-publish``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.ci import CIContext
from mlgate.publish.interface import (
    Publisher,
    PublishError,
    PublishOutcome,
    PublishRefused,
    PublishRequest,
    Target,
)
from mlgate.publish.registry import publishers as _publishers
from mlgate.publish.registry import resolve_target

__all__ = [
    "PublishError",
    "PublishOutcome",
    "PublishRefused",
    "PublishRequest",
    "PublishResult",
    "Publisher",
    "Target",
    "publish",
    "resolve_target",
]


@dataclass(frozen=True)
class PublishResult:
    outcomes: tuple[PublishOutcome, ...]
    failures: tuple[PublishError, ...]

    @property
    def ok(self) -> bool:
        return not self.failures


def publish(
    request: PublishRequest,
    *,
    target: str,
    ctx: CIContext,
    token: str | None,
    environ: Mapping[str, str],
    client_kw: Mapping[str, Any] | None = None,
) -> PublishResult:
    """Run every publisher for ``target`` (already resolved, not ``auto``); collect what failed.
    :class:`PublishRefused` (the report does not belong to this pull request) is raised before
    anything is written."""
    outcomes: list[PublishOutcome] = []
    failures: list[PublishError] = []
    publishers: list[Publisher] = []
    for pub in _publishers(target, ctx, token, environ, client_kw or {}):
        if isinstance(pub, PublishError):
            failures.append(pub)
            continue
        try:
            pub.check(request)
        except PublishRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - one publisher's failure never stops the others
            failures.append(_failure(pub, exc))
            continue
        publishers.append(pub)
    for pub in publishers:
        try:
            outcome = pub.publish(request)
        except Exception as exc:  # noqa: BLE001 - one publisher's failure never stops the others
            failures.append(_failure(pub, exc))
            continue
        outcomes.append(outcome)
        failures.extend(outcome.failures)
    return PublishResult(tuple(outcomes), tuple(failures))


def _failure(pub: Publisher, exc: Exception) -> PublishError:
    """A publisher's exception as one failure; one that is not a PublishError is a bug, said so."""
    if isinstance(exc, PublishError):
        return exc
    return PublishError(
        f"{pub.name}: internal error: {type(exc).__name__}: {exc}",
        hint="this is a bug in mlgate; rerun with --debug and report it",
    )
