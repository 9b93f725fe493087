"""``mlgate publish DIR`` and the publishing options of ``mlgate check``.

Publishing never changes the gate verdict: a failure is a warning (exit code unchanged) unless
``--require-publish``, which makes it exit 3. Every line printed here passes through ``mask()`` with
the token, including ``--debug`` tracebacks.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mlgate import forges
from mlgate._cli._common import fail, handle_errors, mask, register_secret
from mlgate.text import printable

if TYPE_CHECKING:
    from mlgate.result import Report

F = TypeVar("F", bound=Callable[..., Any])


# The registry's names (mlgate.forges), read at each use; a leaf module, cheap at start-up.
TARGETS = forges.TARGETS


class TargetChoice(click.Choice):  # type: ignore[type-arg]
    """``click.Choice`` over the registry as it is when the option is parsed (click copies the
    choices it is given, which would freeze the forges registered at import time)."""

    def __init__(self) -> None:
        super().__init__(tuple(TARGETS))

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(TARGETS)

    @choices.setter
    def choices(self, value: object) -> None:
        pass


@dataclass(frozen=True)
class Publishing:
    """What :func:`publish_options` parsed: where to publish, with which token, on which pull request."""

    to: str
    token: str | None
    pr: int | None
    require: bool
    debug: bool = False

    @property
    def enabled(self) -> bool:
        return self.to != "none"


def publish_options(func: F) -> F:
    """--publish, --require-publish, --token, --pr (shared by ``check`` and ``publish``), handed to the
    command as one :class:`Publishing` argument, ``publishing``."""
    options = [
        click.option(
            "--publish",
            "publish_to",
            type=TargetChoice(),
            default="auto",
            show_default=True,
            help="Where to post the scorecard: auto detects the CI (GitHub Actions, GitLab CI...; none "
            "locally).",
        ),
        click.option(
            "--require-publish",
            is_flag=True,
            help="Exit 3 when publishing fails (default: a warning, exit code unchanged).",
        ),
        click.option(
            "--token",
            default=None,
            metavar="TOKEN",
            help="API token (prefer the env vars MLGATE_GITHUB_TOKEN / GITHUB_TOKEN or "
            "MLGATE_GITLAB_TOKEN / GITLAB_TOKEN: arguments show up in process lists).",
        ),
        click.option(
            "--pr",
            type=click.IntRange(min=1),
            default=None,
            metavar="NUMBER",
            help="Pull/merge request number (default: from the CI event).",
        ),
    ]

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        # Up front, before any gate runs: a token with a newline or a space is a configuration
        # error (exit 2), named by its variable, never shown, never sent.
        from mlgate.errors import ConfigError
        from mlgate.publish.tokens import check_publish_token

        publishing = Publishing(
            to=kwargs.pop("publish_to"), token=kwargs.pop("token"), pr=kwargs.pop("pr"),
            require=kwargs.pop("require_publish"), debug=bool(kwargs.get("debug")),
        )
        register_secret(publishing.token)
        if publishing.enabled:
            try:
                check_publish_token(publishing.to, publishing.token, os.environ)
            except ConfigError as exc:
                fail(str(exc), exc.exit_code)
        return func(*args, publishing=publishing, **kwargs)

    wrapped: Any = checked
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped  # type: ignore[no-any-return]


def _say(text: str, token: str | None, *, err: bool = True) -> None:
    # stdout carries only mlgate's own workflow commands (annotations); see mlgate.text.printable.
    click.echo(printable(mask(text, extra=[token] if token else None), commands=not err), err=err)


def publish_report(
    report: Report,
    report_dir: Path | None,
    markdown: str,
    publishing: Publishing,
    *,
    artifact_url: str | None = None,
    config_artifact_url: str | None = None,
    environ: dict[str, str] | None = None,
    computed_here: bool = True,
    status_context: str | None = None,
    step_summary: bool = True,
) -> int | None:
    """Publish; returns 3 when publishing failed and was required, else None (keep the gate's code).
    ``computed_here``: this process ran the gates (``mlgate check``); ``mlgate publish`` passes
    False. A report that does not belong to the event's pull request raises PublishRefused (exit 2).
    ``artifact_url`` (``--artifact-url``, the workflow's) wins over the CI run's page, which wins over
    ``config_artifact_url`` (``report.artifact_url`` in mlgate.yaml, which a pull request edits)."""
    from mlgate.ci import CIContext
    from mlgate.forges import NONE
    from mlgate.publish import PublishRefused, PublishRequest, publish, resolve_target

    publish_to, token, pr, require = publishing.to, publishing.token, publishing.pr, publishing.require
    env = dict(os.environ if environ is None else environ)
    try:
        detected = CIContext.detect(env)
        target = resolve_target(publish_to, detected)
        if target == NONE:
            if publish_to != "none" and require:
                _say(
                    "mlgate: error: --require-publish, but no CI detected (pass --publish github|gitlab)",
                    token,
                )
                return 3
            return None
        # The target's own CI context: read from the environment even outside that CI.
        ctx = (detected if detected.kind == target else CIContext.for_kind(target, env)).with_pr(pr)
        request = PublishRequest(
            report=report,
            markdown=markdown,
            report_dir=report_dir,
            # report.artifact_url only where no CI names a run: a PR cannot put its link in the comment.
            artifact_url=artifact_url or ctx.source_run_url or ctx.run_url or config_artifact_url,
            computed_here=computed_here,
            status_context=status_context,
            step_summary=step_summary,
        )
        result = publish(request, target=target, ctx=ctx, token=token, environ=env)
    except PublishRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - publishing must never change the verdict
        from mlgate.errors import MlgateError

        if publishing.debug:
            _say(traceback.format_exc(), token)
        kind_txt = "" if isinstance(exc, MlgateError) else f"internal error: {type(exc).__name__}: "
        _say(f"mlgate: warning: publishing failed: {kind_txt}{exc}", token)
        return 3 if require else None
    for outcome in result.outcomes:
        for line in outcome.stdout_lines:
            _say(line, token, err=False)
        for action in outcome.actions:
            _say(f"mlgate: {action}", token)
        for warning in outcome.warnings:
            _say(f"mlgate: note: {warning}", token)
    for failure in result.failures:
        # One line per failure, its hint on the same line: several failures stay readable.
        hint = f" (hint: {failure.hint})" if failure.hint else ""
        _say(f"mlgate: warning: publishing failed: {failure.message}{hint}", token)
    if result.failures and require:
        _say("mlgate: error: --require-publish: exiting 3", token)
        return 3
    return None


def artifact_url_from_config(config_path: Path) -> str | None:
    from mlgate.config import load_config

    try:
        return load_config(config_path).config.report.artifact_url
    except Exception:  # noqa: BLE001 - the report is already written; a link is optional
        return None


# Events that run the base branch's workflow with a write token on what a pull request produced.
PRIVILEGED_EVENTS = ("workflow_run", "pull_request_target")


def _context_option(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from mlgate.publish.body import CONTEXT_LIMIT, plain

    if value is None:
        return None
    if not value.strip() or plain(value, CONTEXT_LIMIT) != value:
        raise click.BadParameter(
            f"a name of 1 to {CONTEXT_LIMIT} visible characters, without control characters or "
            "leading/trailing spaces (e.g. mlgate/fork-report)"
        )
    return value


@click.command("publish")
@click.argument("report_dir", type=click.Path(path_type=Path))
@publish_options
@click.option("--artifact-url", default=None, help="Link to the full report, used when the comment is cut.")
@click.option(
    "--from-json",
    is_flag=True,
    help="Re-render the comment from scorecard.json instead of posting scorecard.md as written "
    "(use for reports from untrusted runs, e.g. fork pull requests).",
)
@click.option(
    "--status-context",
    default=None,
    metavar="NAME",
    callback=_context_option,
    help="Commit status context (default: mlgate/reported). The report cannot choose it, and a "
    "report read from a directory never sets a passing status.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks (tokens are still masked).")
@handle_errors
def publish_cmd(
    report_dir: Path,
    publishing: Publishing,
    artifact_url: str | None,
    from_json: bool,
    status_context: str | None,
    debug: bool,
) -> None:
    """Publish an existing report directory (written by 'mlgate check -o DIR') without rerunning gates.

    \b
    For the fork-safe two-workflow pattern: an unprivileged job runs 'mlgate check' and uploads the
    directory; a second job with a write token downloads it and runs 'mlgate publish DIR'.
    """
    from mlgate.publish.load import load_report_dir
    from mlgate.render.markdown import render_markdown

    report, markdown = load_report_dir(report_dir)
    event = os.environ.get("GITHUB_EVENT_NAME")
    if not from_json and event in PRIVILEGED_EVENTS:
        # A write token and a report another run wrote: its markdown is never posted as written.
        click.echo(f"mlgate: note: --from-json implied on {event} events", err=True)
        from_json = True
    if from_json:
        from mlgate.ci import CIContext

        ctx = CIContext.detect(os.environ)
        markdown = render_markdown(report, artifact_url=artifact_url or ctx.source_run_url or ctx.run_url)
    code = publish_report(report, report_dir, markdown, publishing, artifact_url=artifact_url,
                          computed_here=False, status_context=status_context)
    sys.exit(code or 0)
