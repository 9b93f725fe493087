"""Paths confined to the repository: the one rule every reader of a file from the pull request obeys.

A leaf module (it imports only :mod:`mlgate.errors`), so the config loader, the schema loader and the
input readers share it without the configuration depending on :mod:`mlgate.io`.
"""

from __future__ import annotations

import functools
import os
import stat
import subprocess
from pathlib import Path

from mlgate.errors import InputError

OUTSIDE_HINT = (
    "keep inputs inside the repository; if the workflow must read files elsewhere, pass "
    "--allow-outside-repo to mlgate (or set MLGATE_ALLOW_OUTSIDE_REPO=1) in the workflow"
)


@functools.lru_cache(maxsize=16)
def repo_root(start: Path) -> Path:
    """The git work tree holding ``start``, else ``start`` itself (the config's folder)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return start.resolve()
    top = out.stdout.strip()
    return Path(top).resolve() if out.returncode == 0 and top else start.resolve()


def confine_to(root: Path, path: Path, key: str, shown: str, *, allow_outside: bool) -> Path:
    """``path`` with every symlink resolved, refused unless it stays inside ``root``.

    mlgate runs on untrusted pull requests: a symlink or a ``../`` committed in a pull request must not
    make it read (and echo into a public scorecard) files elsewhere on the runner. The resolved path is
    what the caller reads, so a link cannot be swapped between the check and the read's open.
    """
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        broken = " (a broken symlink)" if path.is_symlink() else ""
        raise InputError(
            f"{key}: {shown}: file not found{broken}", hint="paths are relative to mlgate.yaml"
        ) from None
    except (OSError, RuntimeError) as exc:  # a symlink loop is a RuntimeError before Python 3.13
        raise InputError(f"{key}: {shown}: cannot resolve the path: {exc}") from None
    if not allow_outside:
        root = root.resolve()
        if real != root and root not in real.parents:
            raise InputError(
                f"{key}: {shown}: resolves to a file outside the repository ({root.name}/)",
                hint=OUTSIDE_HINT,
            )
    refuse_special(real, key, shown)
    return real


def refuse_special(real: Path, key: str, shown: str) -> None:
    """Refuse anything but a regular file or a folder (before any reader opens it).

    A FIFO blocks the first ``open`` forever, ``/dev/zero`` or ``/dev/urandom`` (directly or through
    a committed symlink, with ``--allow-outside-repo``) never end, a socket cannot be read: a pull
    request could stall or exhaust the runner with one. ``os.stat`` follows links, so the kind is the
    kind of the file the reader would open (POSIX ``stat``: ``S_ISREG``/``S_ISDIR``). ``key`` (the
    config key, e.g. ``data.eval``) may be empty when ``shown`` names the file on its own.
    """
    name = f"{key}: {shown}" if key else shown
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise InputError(f"{name}: cannot read it: {exc.strerror}") from None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise InputError(
        f"{name}: is {kind}, not a regular file (links are followed); mlgate reads only "
        "regular files",
        hint="use a regular file committed to the repository (not a pipe, a device or a link to one)",
    )
