"""A closed stdout (``mlgate baseline show | head -1``) ends the command quietly; it is not a bug.

Python ignores SIGPIPE, so writing to a pipe whose reader has gone raises ``BrokenPipeError``, and the
buffered rest fails again when the interpreter flushes stdout at exit. The documented recipe (Python
docs, ``signal`` module, "Note on SIGPIPE") is to flush inside the ``try``, and on ``BrokenPipeError``
point stdout at ``os.devnull`` so that the final flush has nowhere to fail. This is done once, for every
command, by the command group (:class:`PipeSafeGroup`); :func:`mlgate._cli._common.handle_errors`
lets the error through instead of calling it an internal error.

The exit status is 141, 128 + SIGPIPE (13): what a shell reports for a program that the closed pipe
ended (POSIX ``sh``, "Exit Status"), and a code none of mlgate's verdicts (0-3) uses, so a pipeline
run with ``set -o pipefail`` never reads it as "the gates passed" or "a gate failed".
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

EXIT_BROKEN_PIPE = 128 + 13  # 128 + SIGPIPE, as a shell reports it


def output_closed() -> bool:
    """Whether stdout or stderr is a pipe whose reader has gone: ``poll`` reports ``POLLERR`` on the
    write end of such a pipe (Linux ``fs/pipe.c``: no readers sets ``EPOLLERR``), ``POLLHUP`` where
    the other end hung up (a socket, BSD pipes). Where ``poll`` is missing (Windows), assume so."""
    import select

    if not hasattr(select, "poll"):
        return True
    poller = select.poll()
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            fd = stream.fileno() if stream is not None else -1
        except (OSError, ValueError):
            continue
        if fd >= 0:
            poller.register(fd, select.POLLOUT)
    return any(event & (select.POLLERR | select.POLLHUP) for _fd, event in poller.poll(0))


def _quiet_exit() -> NoReturn:
    """Point stdout (and stderr, which may be the same pipe: ``2>&1 | head``) at the null device so
    nothing else fails on the way out, then exit with :data:`EXIT_BROKEN_PIPE`."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            if stream is not None:
                os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass  # not a real file (an in-memory test stream): nothing will flush to a pipe
    os.close(devnull)
    raise click.exceptions.Exit(EXIT_BROKEN_PIPE)


def _flush() -> None:
    # Force any buffered output out now, inside the try, rather than in the interpreter's final flush.
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()


class PipeSafeGroup(click.Group):
    """The ``mlgate`` group: a ``BrokenPipeError`` while parsing (``--help``, ``--version``) or running
    any command ends the process with :data:`EXIT_BROKEN_PIPE`, before click turns it into exit 1."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            try:
                return super().make_context(*args, **kwargs)
            finally:
                _flush()
        except BrokenPipeError:
            _quiet_exit()

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:  # also when the command ends with sys.exit(code)
                _flush()
        except BrokenPipeError:
            _quiet_exit()
