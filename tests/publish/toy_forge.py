"""A toy forge, added the documented way (docs/architecture.md): this module and one registry row.

Its "API" is a file: the publisher appends the report's status and comment body to ``TOY_OUT``, and
fails on purpose (quoting its token) when ``TOY_FAIL`` is set, to show the token is masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlgate.ci import CIContext
from mlgate.forges import Forge, ci_flag
from mlgate.publish.interface import Publisher, PublishError, PublishOutcome, PublishRequest
from mlgate.publish.registry import token_for

ROW = Forge(
    target="toy",
    title="Toy forge",
    token_vars=("MLGATE_TOY_TOKEN", "TOY_TOKEN"),
    detect=ci_flag("TOY_CI"),
    context="tests.publish.toy_forge:context",
    publishers="tests.publish.toy_forge:publishers",
)


def context(environ: Mapping[str, str]) -> CIContext:
    out = environ.get("TOY_OUT")
    return CIContext(kind="toy", repository="toy/repo", output_file=Path(out) if out else None)


class ToyPublisher(Publisher):
    name = "toy"

    def __init__(self, ctx: CIContext, token: str, fail: bool) -> None:
        self.ctx, self.token, self.fail = ctx, token, fail

    def publish(self, request: PublishRequest) -> PublishOutcome:
        if self.fail:
            raise PublishError(f"toy API refused token {self.token}")
        assert self.ctx.output_file is not None
        with self.ctx.output_file.open("a", encoding="utf-8") as fh:
            fh.write(f"{request.report.status.value}\n{request.markdown.splitlines()[0]}\n")
        return PublishOutcome(self.name, (f"toy note written for {self.ctx.repository}",))


def publishers(
    ctx: CIContext, token: str | None, environ: Mapping[str, str], client_kw: Mapping[str, Any]
) -> list[Publisher | PublishError]:
    from mlgate.forges import FORGES

    tok = token_for(FORGES["toy"], token, environ)
    if tok is None:
        return [PublishError("no toy token", hint="set TOY_TOKEN")]
    return [ToyPublisher(ctx, tok, bool(environ.get("TOY_FAIL")))]
