"""The publishers of each registered forge, and which forge ``--publish`` means.

The rows themselves are :data:`mlgate.forges.FORGES` (re-exported here): the token masking and CI
detection below this package read them too. A forge's module (``mlgate/publish/github.py``...)
exposes ``publishers(ctx, token, environ, client_kw)``, which returns its publishers, the ones that
need no API first, or a :class:`PublishError` in place of one that cannot be built (no token).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlgate.ci import CIContext
from mlgate.forges import AUTO, FORGES, NONE, TARGETS, Forge, load, name_of, register
from mlgate.net.tokens import check_token, pick_token
from mlgate.publish.interface import Publisher, PublishError

__all__ = ["AUTO", "FORGES", "NONE", "TARGETS", "Forge", "publishers", "register", "resolve_target",
           "token_for"]


def resolve_target(target: object, ctx: CIContext) -> str:
    """``auto`` is the forge of the detected CI (``none`` locally); any other name as given."""
    name = name_of(target)
    if name != AUTO:
        return name
    kind = name_of(ctx.kind)
    return kind if kind in FORGES else NONE


def token_for(forge: Forge, explicit: str | None, environ: Mapping[str, str]) -> str | None:
    """The token to use; one with whitespace or control characters is a ConfigError (never shown)."""
    found = pick_token(explicit, environ, forge.token_vars)
    return None if found is None else check_token(*found)


def publishers(
    target: str, ctx: CIContext, token: str | None, environ: Mapping[str, str], client_kw: Mapping[str, Any]
) -> list[Publisher | PublishError]:
    forge = FORGES.get(name_of(target))
    if forge is None:
        return []
    made: list[Publisher | PublishError] = load(forge.publishers)(ctx, token, environ, client_kw)
    return made
