"""Publishing the scorecard: choose the publishers for the CI at hand and run them all.

A publisher failing never stops the others, and never changes the gate verdict: the CLI turns the
collected failures into warnings (or exit 3 with ``--require-publish``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.ci import CIContext, CIKind
from mlgate.publish.interface import (
    Publisher,
    PublishError,
    PublishOutcome,
    PublishRefused,
    PublishRequest,
    Target,
)
from mlgate.publish.tokens import GITHUB_TOKEN_VARS, GITLAB_TOKEN_VARS, check_token, pick_token

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


def resolve_target(target: Target, ctx: CIContext) -> Target:
    if target is not Target.AUTO:
        return target
    if ctx.kind is CIKind.GITHUB:
        return Target.GITHUB
    if ctx.kind is CIKind.GITLAB:
        return Target.GITLAB
    return Target.NONE


def _token(explicit: str | None, environ: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    """The token to use; one with whitespace or control characters is a ConfigError (never shown)."""
    found = pick_token(explicit, environ, names)
    return None if found is None else check_token(*found)


def _publishers(
    target: Target,
    ctx: CIContext,
    token: str | None,
    environ: Mapping[str, str],
    client_kw: Mapping[str, Any],
) -> list[Publisher | PublishError]:
    from mlgate.publish.local import GitHubLocalPublisher, GitLabLocalPublisher

    if target is Target.GITHUB:
        from mlgate.publish.github import GitHubPublisher

        remote: Publisher | PublishError
        tok = _token(token, environ, GITHUB_TOKEN_VARS)
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
    if target is Target.GITLAB:
        from mlgate.publish.gitlab import TOKEN_HINT, GitLabPublisher

        tok = _token(token, environ, GITLAB_TOKEN_VARS)
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
    return []


def publish(
    request: PublishRequest,
    *,
    target: Target,
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
