"""Turn a path from the config into a readable local file, confined to the repository
(:mod:`mlgate.paths` holds the confinement rule itself)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import InputError

# Re-exported: the readers and the schema loader confine their paths through this module.
from mlgate.paths import OUTSIDE_HINT as OUTSIDE_HINT
from mlgate.paths import confine_to as confine_to
from mlgate.paths import refuse_special as refuse_special
from mlgate.paths import repo_root as repo_root

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig


def confine(loaded: LoadedConfig, path: Path, key: str, shown: str) -> Path:
    """:func:`confine_to` the repository of the config, unless the workflow allows outside paths."""
    return confine_to(
        repo_root(loaded.base_dir), path, key, shown, allow_outside=loaded.trust.allow_outside_repo
    )


def local_path(loaded: LoadedConfig, value: str, key: str) -> Path:
    """The file behind config ``key`` (e.g. ``data.eval``); relative paths start at the config's folder."""
    if value.startswith("git:"):
        from mlgate.io.gitref import materialize

        return materialize(loaded, value, key)
    real = confine(loaded, Path(loaded.resolve(value)), key, value)
    if real.is_dir():
        raise InputError(f"{key}: {value}: is a directory, expected a file")
    return real
