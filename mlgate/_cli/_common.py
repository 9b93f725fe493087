"""Error handling shared by the commands: only the CLI turns errors into exit codes."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def secret_values() -> list[str]:
    """Token values to mask in anything printed (also in --debug tracebacks)."""
    import os

    names = ("MLGATE_GITHUB_TOKEN", "GITHUB_TOKEN", "MLGATE_GITLAB_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN")
    return [v for v in (os.environ.get(n) for n in names) if v and len(v) >= 4]


def mask(text: str, extra: list[str] | None = None) -> str:
    for secret in [*secret_values(), *(extra or [])]:
        if secret:
            text = text.replace(secret, "***")
    return text


def fail(message: str, code: int) -> None:
    click.echo(mask(f"mlgate: error: {message}"), err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Map typed errors to exit codes 2/3 with one message; tracebacks only with --debug."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mlgate.errors import MlgateError

        debug = bool(kwargs.get("debug"))
        try:
            return func(*args, **kwargs)
        except MlgateError as exc:
            if debug:
                click.echo(mask(traceback.format_exc()), err=True)
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - last line of defence: a bug is exit 3, never a raw traceback
            if debug:
                click.echo(mask(traceback.format_exc()), err=True)
            fail(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "  this is a bug in mlgate; rerun with --debug and report it",
                3,
            )
        return None

    return wrapper  # type: ignore[return-value]
