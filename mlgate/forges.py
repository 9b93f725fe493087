"""The one registry of forges mlgate publishes to: one row per forge (DESIGN.md, "Publishers").

A row says everything the rest of mlgate derives: the ``--publish`` name (also the CI kind of
:class:`mlgate.ci.CIContext`), the variables that hold its token (which token a publisher uses,
and what every output masks: :func:`mlgate.net.tokens.secret_vars`), how to tell that its CI runs
us, how to read that CI's context, and the factory of its publishers. ``mlgate publish --publish``
offers exactly the registered names; ``auto`` picks the first row whose ``detect`` matches.

The row lives here, in a leaf module below ``net`` and ``ci`` (the import layers of pyproject.toml),
because the token masking and the CI detection read it and must not import the publishers; the
context reader and the factory are named as ``"module:function"`` and imported only when used, so
that ``mlgate --version`` stays fast. Adding a forge: its module under ``mlgate/publish/`` (context
reader and factory) and one row below, or a :func:`register` call of its own (docs/architecture.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload


@dataclass(frozen=True)
class Forge:
    #: ``--publish`` value and ``CIContext.kind``.
    target: str
    #: How messages name it.
    title: str
    #: Variables holding the token to publish with, in order of preference (``--token`` first).
    token_vars: tuple[str, ...]
    #: True when this forge's CI runs the process (from the environment only).
    detect: Callable[[Mapping[str, str]], bool]
    #: ``"module:function"``: ``function(environ) -> CIContext``.
    context: str
    #: ``"module:function"``: ``function(ctx, token, environ, client_kw) -> list[Publisher | PublishError]``.
    publishers: str
    #: Other secrets of this CI that are never used to publish but are masked all the same.
    other_secret_vars: tuple[str, ...] = ()


FORGES: dict[str, Forge] = {}
#: ``--publish`` values that are no forge.
AUTO, NONE = "auto", "none"


def register(forge: Forge) -> Forge:
    if forge.target in (AUTO, NONE) or not forge.target.isidentifier():
        raise ValueError(f"invalid forge name {forge.target!r}")
    FORGES[forge.target] = forge
    return forge


def name_of(value: object) -> str:
    """A target or CI kind as its registry name (``Target.GITHUB``, a ``str`` enum, is ``"github"``)."""
    return str(getattr(value, "value", value))


def detect(environ: Mapping[str, str]) -> Forge | None:
    """The forge whose CI runs this process, in registration order; None locally."""
    return next((f for f in FORGES.values() if f.detect(environ)), None)


class _Targets(Sequence[str]):
    """``auto``, every registered forge, ``none``: read at each use, so that a forge registered after
    the CLI was imported is a valid ``--publish`` choice too."""

    def _all(self) -> list[str]:
        return [AUTO, *FORGES, NONE]

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


#: The ``--publish`` choices.
TARGETS: Sequence[str] = _Targets()


def load(ref: str) -> Any:
    """The object ``"module:attribute"`` names."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def ci_flag(variable: str) -> Callable[[Mapping[str, str]], bool]:
    """``detect`` for a CI that sets ``variable`` to ``"true"`` in every job."""
    return lambda environ: environ.get(variable) == "true"


# The built-in rows: target, title, token variables (in order of preference), the variable their CI
# sets to "true", and other secrets of that CI (GitLab's job token cannot write notes, but it is a
# secret all the same). Each forge's context reader is ``mlgate.ci:<target>_context``, its factory
# ``mlgate.publish.<target>:publishers``.
for _target, _title, _tokens, _flag, _others in (
    ("github", "GitHub", ("MLGATE_GITHUB_TOKEN", "GITHUB_TOKEN"), "GITHUB_ACTIONS", ()),
    ("gitlab", "GitLab", ("MLGATE_GITLAB_TOKEN", "GITLAB_TOKEN"), "GITLAB_CI", ("CI_JOB_TOKEN",)),
):
    register(Forge(target=_target, title=_title, token_vars=_tokens, detect=ci_flag(_flag),
                   context=f"mlgate.ci:{_target}_context", publishers=f"mlgate.publish.{_target}:publishers",
                   other_secret_vars=_others))
del _target, _title, _tokens, _flag, _others
