"""Typed errors raised by the core; only the CLI maps them to exit codes (DESIGN.md, convention 4)."""

from __future__ import annotations


class MlgateError(Exception):
    """Base of every error mlgate raises on purpose.

    ``str(err)`` is the one line shown to the user: it names the file, key, column or row and says what
    to do.
    """

    exit_code = 3

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n  hint: {hint}")


class ConfigError(MlgateError):
    """The configuration is missing, unreadable or invalid (exit 2)."""

    exit_code = 2


class InputError(MlgateError):
    """An input file or value cannot be evaluated: unreadable, inconsistent, out of range (exit 2)."""

    exit_code = 2


class PublishError(MlgateError):
    """Publishing the scorecard failed (a warning unless --require-publish, then exit 3)."""

    exit_code = 3
