"""Typed errors raised by the core; only the CLI maps them to exit codes (DESIGN.md, convention 4)."""

from __future__ import annotations

from collections.abc import Sequence

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


# What the operating system says about a path the user gave (too long, not a folder, no permission,
# a loop of links): a problem of that input, not a bug in mlgate (exit 2). Any other OSError (a pipe
# that broke, a full disk while mlgate writes) keeps its own handling.
_PATH_ERRNOS = frozenset({"ENAMETOOLONG", "ENOENT", "ENOTDIR", "EISDIR", "EACCES", "EPERM", "ELOOP",
                          "ENXIO", "EROFS"})


def input_error_from_os(exc: BaseException) -> InputError | None:
    """The :class:`InputError` for an ``OSError`` about a named path, or ``None`` for anything else."""
    import errno

    if not isinstance(exc, OSError) or exc.filename is None or exc.errno is None:
        return None
    if errno.errorcode.get(exc.errno) not in _PATH_ERRNOS:
        return None
    from mlgate.text import quote

    return InputError(f"{quote(str(exc.filename))}: {exc.strerror or 'cannot be used'}",
                      hint="check the path in mlgate.yaml or on the command line")


class PublishError(MlgateError):
    """Publishing the scorecard failed (a warning unless --require-publish, then exit 3)."""

    exit_code = 3


MAX_PROBLEMS = 20  # problems listed in one message; the rest are counted
MAX_LISTED = 5  # rows, ids or values listed in one problem


def rows_of(n: int, noun: str = "row") -> str:
    """``1 row``, ``3 rows``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def listing(items: Sequence[object], total: int | None = None, limit: int = MAX_LISTED) -> str:
    """``a, b, c, d, e and 7 more``: at most ``limit`` items of ``total`` (default: all of them)."""
    total = len(items) if total is None else total
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" and {total - min(limit, len(items))} more" if total > min(limit, len(items)) else "")


class InputErrors(InputError):
    """Every problem found in the inputs of one run, one per line (eval side first), so that one run
    tells the user everything there is to fix; raised by :class:`Problems` when there are several."""

    multiline = True

    def __init__(self, problems: Sequence[InputError]) -> None:
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} problems in the inputs:"]
        for p in self.problems[:MAX_PROBLEMS]:
            lines.append(f"  - {p.message}")
            if p.hint is not None:
                lines.append(f"    hint: {p.hint}")
        if len(self.problems) > MAX_PROBLEMS:
            lines.append(f"  (and {len(self.problems) - MAX_PROBLEMS} more problems)")
        super().__init__("\n".join(lines))

    @staticmethod
    def _lines(message: str) -> str:
        # Each line was made one inert line by the InputError it comes from.
        return "\n".join(one_line(line) for line in message.split("\n"))


class Problems:
    """Collects the input errors of one run instead of stopping at the first (``with problems:``
    around each independent step); :meth:`raise_any` raises them together: one stays itself."""

    def __init__(self) -> None:
        self.found: list[InputError] = []

    def __enter__(self) -> Problems:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> bool:
        if isinstance(exc, InputErrors):
            self.found.extend(exc.problems)
            return True
        if isinstance(exc, InputError):
            self.found.append(exc)
            return True
        return False

    def add(self, error: InputError) -> None:
        with self:
            raise error

    def __bool__(self) -> bool:
        return bool(self.found)

    @staticmethod
    def joined(*groups: Problems) -> Problems:
        """One collection of ``groups`` in their order (eval side first)."""
        out = Problems()
        out.found = [p for g in groups for p in g.found]
        return out

    def raise_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise InputErrors(self.found)
