"""Error handling shared by the commands: only the CLI turns errors into exit codes."""

from __future__ import annotations

import functools
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mlgate.text import one_line, printable

F = TypeVar("F", bound=Callable[..., Any])

if TYPE_CHECKING:
    from mlgate.trust import Trust


def trust_options(func: F) -> F:
    """``--allow-pickle`` and ``--allow-outside-repo``: guard switches only the workflow can set."""
    func = click.option(
        "--allow-outside-repo", is_flag=True,
        help="Read input paths (or symlinks) that lead outside the repository "
        "(also MLGATE_ALLOW_OUTSIDE_REPO=1).",
    )(func)
    return click.option(
        "--allow-pickle", is_flag=True,
        help="Load pickle/joblib models, which runs their code; never in a privileged run such as "
        "pull_request_target (also MLGATE_ALLOW_PICKLE=1).",
    )(func)


def make_trust(allow_pickle: bool = False, allow_outside_repo: bool = False) -> Trust:
    """The flags, or the environment the workflow set, and whether this run is privileged."""
    from mlgate.trust import Trust

    return Trust.from_environ(allow_pickle=allow_pickle, allow_outside_repo=allow_outside_repo)


# Token values given on the command line (--token): masked like the environment's.
_REGISTERED: list[str] = []


def register_secret(value: str | None) -> None:
    if value and value not in _REGISTERED:
        _REGISTERED.append(value)


def secret_values() -> list[str]:
    """Token values to mask in anything printed (also in --debug tracebacks): every variable of
    the one list in ``mlgate.publish.tokens`` (MLflow's token and password included), and the
    ``--token`` values of this process."""
    import os

    from mlgate.net.tokens import env_secrets

    return [*env_secrets(os.environ), *_REGISTERED]


def mask(text: str, extra: list[str] | None = None) -> str:
    """Every form of every token (raw, escaped, URL-encoded, base64...) replaced by ``***``."""
    from mlgate.net.tokens import redact

    return redact(text, [*secret_values(), *(extra or [])])


def echo(text: str, *, err: bool = False, styles: bool = False, commands: bool = False) -> None:
    """Print through the last line of defence (:func:`mlgate.text.printable`): whatever a value
    carried, no printed line is a workflow command or holds an escape sequence of the data's."""
    click.echo(printable(mask(text), styles=styles, commands=commands), err=err)


def fail(message: str, code: int) -> None:
    message = mask(message)
    echo(f"mlgate: error: {message}", err=True)
    _github_error(message)
    sys.exit(code)


def _github_error(message: str) -> None:
    """In GitHub Actions, a run that could not evaluate still shows where reviewers look: an error
    annotation and the step summary (there is no scorecard to publish)."""
    import os

    if os.environ.get("GITHUB_ACTIONS") != "true":
        return
    from mlgate.escape import annotation, md

    # Masked before escaping (an escaped token is no longer found): like comments, the summary is read
    # by everyone who sees the run.
    message = mask(message)
    first, *rest = message.splitlines() or [""]
    click.echo(f"::error title=mlgate could not evaluate::{annotation(message)}")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return
    lines = [f"### 💥 mlgate could not evaluate\n\n{md(first, max_len=2_000)}\n"]
    lines += [f"- {md(line.strip(), max_len=2_000)}" for line in rest]
    try:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n\n")
    except OSError:
        pass  # the message is already on stderr; the summary is a convenience


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """Library warnings quote data too (an unknown category, a column name): one inert line each."""
    echo(f"{filename}:{lineno}: {category.__name__}: {one_line(message)}", err=True)


def failure_message(exc: BaseException) -> tuple[str, int]:
    """(message, exit code) of an error that ends a command: a typed error's own, a path the operating
    system refused (exit 2), else a bug (exit 3). The CLI prints this and ``check``'s error report says it."""
    from mlgate.errors import MlgateError, input_error_from_os

    if isinstance(exc, MlgateError):
        return str(exc), exc.exit_code
    if (path_error := input_error_from_os(exc)) is not None:
        return str(path_error), path_error.exit_code
    return (
        f"internal error: {type(exc).__name__}: {one_line(exc)}\n"
        "  this is a bug in mlgate; rerun with --debug and report it",
        3,
    )


def handle_errors(func: F) -> F:
    """Map typed errors to exit codes 2/3 with one message; tracebacks only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mlgate.errors import MlgateError

        debug = bool(kwargs.get("debug"))
        try:
            with warnings.catch_warnings():
                warnings.showwarning = _show_warning
                return func(*args, **kwargs)
        except MlgateError as exc:
            if debug:
                echo(traceback.format_exc(), err=True)
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # last line of defence: a bug is exit 3, never a raw traceback
            from mlgate._cli._pipe import output_closed

            if isinstance(exc, BrokenPipeError) and output_closed():
                raise  # stdout was closed (`| head`): not a bug; the command group ends quietly
            if debug:
                echo(traceback.format_exc(), err=True)
            fail(*failure_message(exc))
        return None

    return wrapper  # type: ignore[return-value]
