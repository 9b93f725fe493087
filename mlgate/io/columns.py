"""Which columns of the eval and reference tables the configured gates read.

Loading only those columns (Parquet column pruning, pyarrow CSV ``include_columns``) saves time and
memory on wide tables. Whenever a configured feature may look at every column (a schema, drift over
``all`` columns, deepchecks, a model scored on the default feature set) nothing is pruned: ``None``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from mlgate.config import Config
from mlgate.errors import InputError


def eval_columns(cfg: Config) -> tuple[str, ...] | None:
    g = cfg.gates
    if cfg.schema_gate is not None or g.deepchecks is not None:
        return None
    if g.drift is not None and g.drift.columns == "all":
        return None
    models = [s for s in (cfg.candidate, cfg.baseline) if s is not None and getattr(s, "model", None)]
    if models and cfg.data.features is None:
        return None
    names = [cfg.data.label, *([cfg.data.id] if cfg.data.id else []), *(cfg.data.features or ())]
    if g.slices is not None:
        names += g.slices.columns
    if g.fairness is not None:
        names += g.fairness.sensitive
        names += [c for group in g.fairness.intersections for c in group]
        names += list(g.fairness.reference_group or {})
    if g.drift is not None and g.drift.columns != "all":
        names += g.drift.columns
        names += list(g.drift.per_column)
    return tuple(dict.fromkeys(names))


def reference_columns(cfg: Config) -> tuple[str, ...] | None:
    """Like :func:`eval_columns`; the reference table is read with absent columns skipped."""
    schema = cfg.schema_gate
    if schema is not None and "reference" in schema.apply_to:
        return None
    return eval_columns(cfg)


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
