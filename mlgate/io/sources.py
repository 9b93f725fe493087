"""Turn a path from the config into a readable local file."""

from __future__ import annotations

from pathlib import Path

from mlgate.config import LoadedConfig
from mlgate.errors import InputError


def local_path(loaded: LoadedConfig, value: str, key: str) -> Path:
    """The file behind config ``key`` (e.g. ``data.eval``); relative paths start at the config's folder."""
    if value.startswith("git:"):
        from mlgate.io.gitref import materialize

        return materialize(loaded, value, key)
    p = Path(loaded.resolve(value))
    if not p.exists():
        raise InputError(f"{key}: {value}: file not found", hint="paths are relative to mlgate.yaml")
    return p
