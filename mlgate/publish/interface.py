"""The publisher extension point: what a publisher gets, what it returns, and how it fails."""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from mlgate.errors import PublishError
from mlgate.result import Report

__all__ = ["PublishError", "PublishOutcome", "PublishRequest", "Publisher", "Target"]


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
    report_dir: Path
    # Where the full report can be found when the comment had to be cut (CI run / job artifacts).
    artifact_url: str | None = None


@dataclass(frozen=True)
class PublishOutcome:
    """What a publisher did, in words for the log (``comment updated: <url>``)."""

    publisher: str
    actions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    # Workflow-command lines (annotations) that the CLI prints to stdout; publishers never print.
    stdout_lines: tuple[str, ...] = ()


class Publisher(ABC):
    """Sends a report somewhere. Raises :class:`PublishError` (never anything else on purpose)."""

    name: str

    @abstractmethod
    def publish(self, request: PublishRequest) -> PublishOutcome:
        """Publish ``request``; idempotent (running it twice leaves one comment, one status)."""
