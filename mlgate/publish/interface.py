"""The publisher extension point: what a publisher gets, what it returns, and how it fails."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from mlgate.errors import InputError, PublishError
from mlgate.result import Report

__all__ = ["PublishError", "PublishOutcome", "PublishRefused", "PublishRequest", "Publisher", "Target"]


class PublishRefused(InputError):
    """The report does not belong where the event says to publish it (another commit, no such open
    pull request): exit 2, never a warning, since publishing it would mislead the reviewers."""


class Target(str, enum.Enum):
    """``--publish``: where the scorecard goes."""

    AUTO = "auto"
    GITHUB = "github"
    GITLAB = "gitlab"
    NONE = "none"


@dataclass(frozen=True)
class PublishRequest:
    """A finished report: the object, its markdown as written, and the directory holding both."""

    report: Report
    markdown: str
    # None: no report directory could be written (the error report of a run whose --out mlgate
    # refused): nothing is written next to it, the verdict is still published.
    report_dir: Path | None
    # Where the full report can be found when the comment had to be cut (CI run / job artifacts).
    artifact_url: str | None = None
    # True only when this process ran the gates. A report read from a directory (often another
    # run's artifact, written by the pull request's own code) never sets a passing status or check
    # run, and its comment says who reported it. False by default: trust is opted into.
    computed_here: bool = False
    # Commit status context / check-run name; None: ``mlgate/<config id>`` for a report computed
    # here, a fixed name for others (a report cannot choose which required check it reports as).
    status_context: str | None = None
    # False: the step summary and annotations are left to the caller (``mlgate check`` that could not
    # evaluate writes its own "could not evaluate" section and annotation); step outputs still are.
    step_summary: bool = True


@dataclass(frozen=True)
class PublishOutcome:
    """What a publisher did, in words for the log (``comment updated: <url>``)."""

    publisher: str
    actions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Workflow-command lines (annotations) that the CLI prints to stdout; publishers never print.
    stdout_lines: tuple[str, ...] = ()
    # Steps that failed while others succeeded (the comment, but not the commit status): each is
    # reported on its own line, and counts as a publishing failure.
    failures: tuple[PublishError, ...] = ()


class Publisher(ABC):
    """Sends a report somewhere. Raises :class:`PublishError` (never anything else on purpose)."""

    name: str

    def check(self, request: PublishRequest) -> None:
        """Before any publisher writes anything: raise :class:`PublishRefused` when ``request`` does
        not belong where this publisher would put it (or :class:`PublishError` when that cannot be
        found out). Default: nothing to check."""
        return None

    @abstractmethod
    def publish(self, request: PublishRequest) -> PublishOutcome:
        """Publish ``request``; idempotent (running it twice leaves one comment, one status)."""
