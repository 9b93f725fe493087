"""Engine-neutral validation results: what failed, on how many rows, with a few example rows."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warn"]
MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Finding:
    """One failing check. ``failing`` is None for a table-level failure (missing column, wrong dtype)."""

    column: str | None
    check: str  # bare name used for severity/tolerance keys, e.g. "isin", "not_nullable"
    description: str  # full text, e.g. "isin(['good', 'bad'])"
    failing: int | None
    # (1-based data row, value); row None when the failure has no row (e.g. the dtype seen).
    examples: tuple[tuple[int | None, object], ...] = ()
    severity: Severity | None = None  # set by the schema itself (GE 'severity'); config overrides


@dataclass(frozen=True)
class Validation:
    """The result of validating one frame against one schema."""

    n_rows: int
    n_checks: int
    findings: tuple[Finding, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def plain(value: object) -> object:
    """A JSON-friendly, bounded example value (numpy scalars unwrapped, long text cut)."""
    if hasattr(value, "item") and callable(value.item):
        try:
            value = value.item()
        except (ValueError, TypeError):
            value = str(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    text = str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def examples_from(
    rows: Iterable[object], values: Iterable[object], limit: int
) -> tuple[tuple[int | None, object], ...]:
    """Pair 0-based positions with values -> 1-based rows, at most ``limit``."""
    out: list[tuple[int | None, object]] = []
    for pos, value in zip(rows, values, strict=False):
        if len(out) >= limit:
            break
        row = None if pos is None or (isinstance(pos, float) and math.isnan(pos)) else int(pos) + 1  # type: ignore[call-overload]
        out.append((row, plain(value)))
    return tuple(out)
