"""Typed errors raised by the core; only the CLI maps them to exit codes (DESIGN.md, convention 4)."""

from __future__ import annotations

from mlgate.text import one_line


class MlgateError(Exception):
    """Base of every error mlgate raises on purpose.

    ``str(err)`` is the one line shown to the user: it names the file, key, column or row and says what
    to do.

    Messages quote file names, column names and values that a pull request controls, so both the
    message and the hint are made one inert line here (:func:`mlgate.text.one_line`): a newline or
    an escape sequence in a value is shown as ``\\n``/``\\x1b``, never printed raw, and a long value is
    cut with a visible marker. Call sites should still quote values with :func:`mlgate.text.quote`,
    which cuts each value shorter.
    """

    exit_code = 3
    # Whether "\n" in the message separates lines of mlgate's own (ConfigError: one per problem).
    multiline = False

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message = self._lines(str(message)) if self.multiline else one_line(message)
        self.message = message
        self.hint = None if hint is None else one_line(hint)
        super().__init__(message if self.hint is None else f"{message}\n  hint: {self.hint}")

    @staticmethod
    def _lines(message: str) -> str:
        """Several problems, one line each, every one starting with the name of the file (as the
        config loader writes them); any other line break is the data's and stays inside its line."""
        first, *rest = message.split("\n")
        source = first.split(":", 1)[0]
        lines = [first]
        for line in rest:
            if source and (line.startswith(source + ":") or line.startswith("(and ")):
                lines.append(line)
            else:
                lines[-1] += "\n" + line
        return "\n".join(one_line(line) for line in lines)


class ConfigError(MlgateError):
    """The configuration is missing, unreadable or invalid (exit 2); one line per problem."""

    exit_code = 2
    multiline = True


class InputError(MlgateError):
    """An input file or value cannot be evaluated: unreadable, inconsistent, out of range (exit 2)."""

    exit_code = 2


class PublishError(MlgateError):
    """Publishing the scorecard failed (a warning unless --require-publish, then exit 3)."""

    exit_code = 3
