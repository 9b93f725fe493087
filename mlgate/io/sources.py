"""Turn a path from the config into a readable local file, confined to the repository."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from mlgate.config import LoadedConfig
from mlgate.errors import InputError


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


def confine(loaded: LoadedConfig, path: Path, key: str, shown: str) -> Path:
    """Reject paths (or symlinks) that lead outside the repository unless the config allows it.

    mlgate runs on untrusted pull requests: a symlink committed in a PR must not make it read (and
    echo into a public scorecard) files elsewhere on the runner.
    """
    if loaded.config.allow_outside_repo:
        return path
    root = repo_root(loaded.base_dir)
    real = path.resolve()
    if real != root and root not in real.parents:
        raise InputError(
            f"{key}: {shown}: resolves to a file outside the repository ({root.name}/)",
            hint="keep inputs inside the repository, or set allow_outside_repo: true in mlgate.yaml",
        )
    return real


def local_path(loaded: LoadedConfig, value: str, key: str) -> Path:
    """The file behind config ``key`` (e.g. ``data.eval``); relative paths start at the config's folder."""
    if value.startswith("git:"):
        from mlgate.io.gitref import materialize

        return materialize(loaded, value, key)
    p = Path(loaded.resolve(value))
    if not p.exists():
        broken = " (a broken symlink)" if p.is_symlink() else ""
        raise InputError(f"{key}: {value}: file not found{broken}", hint="paths are relative to mlgate.yaml")
    if p.is_dir():
        raise InputError(f"{key}: {value}: is a directory, expected a file")
    return confine(loaded, p, key, value)
