"""The columns a reader converts: the requested ones that the file has (the run's choice of columns
is :func:`mlgate.inputs.eval_columns`, from what each configured gate declares)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from mlgate.errors import InputError


def present_columns(
    names: Sequence[str],
    columns: Sequence[str] | None,
    missing: Literal["error", "ignore"],
    where: str,
) -> list[str] | None:
    """The requested columns a reader converts (None: all). Every one must exist in the file's
    ``names``, unless ``missing="ignore"``, which keeps only those that do."""
    if columns is None:
        return None
    if missing == "ignore":
        return [c for c in columns if c in names]
    absent = [c for c in columns if c not in names]
    if absent:
        raise InputError(
            f"{where}: no column {', '.join(repr(c) for c in absent)}",
            hint=f"columns found: {', '.join(names[:30])}",
        )
    return list(columns)
