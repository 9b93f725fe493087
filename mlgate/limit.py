"""The typed limit of a check (``Check.limit``) and its JSON form.

Renderers draw and label a limit from these fields alone (issue 16: never from a check's name). A
limit derived from another value (the baseline, the best group's rate) carries that value as
``base`` and a short sentence saying how it was derived, which the HTML report shows as a caption.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any, Literal

from mlgate import jsonread as jr


class LimitKind(str, enum.Enum):
    """What a check's limit says about its value; renderers dispatch on it, never on check names."""

    MIN = "min"  # value >= limit.value
    MAX = "max"  # value <= limit.value
    MAX_DROP = "max_drop"  # value >= base - limit.value (a higher-is-better metric vs its baseline)
    MAX_INCREASE = "max_increase"  # value <= base + limit.value (a lower-is-better one)
    MAX_CHANGE = "max_change"  # |value - base| <= limit.value, either way
    MIN_P_VALUE = "min_p_value"  # the check's p_value >= limit.value; the value itself has no limit
    RATIO_OF_BEST = "ratio_of_best"  # value >= limit.value * base (base: the best group's rate)
    GAP_TO_BEST = "gap_to_best"  # value >= base - limit.value


@dataclass(frozen=True)
class Limit:
    """The limit a check applied: its kind, the configured number and, for a limit derived from
    another value (the baseline, the best group's rate), that value and a short human derivation,
    e.g. ``0.8 × the highest group's rate (0.814)``."""

    kind: LimitKind
    value: float
    base: float | None = None
    derivation: str = ""

    @property
    def bound(self) -> float | None:
        """Where the limit lies in the units of the checked value (None: two-sided or on the p-value)."""
        k, v, b = self.kind, self.value, self.base
        if k in (LimitKind.MIN, LimitKind.MAX):
            return v
        if b is None or k in (LimitKind.MAX_CHANGE, LimitKind.MIN_P_VALUE):
            return None
        if k is LimitKind.MAX_INCREASE:
            return b + v
        if k is LimitKind.RATIO_OF_BEST:
            return v * b
        return b - v  # MAX_DROP, GAP_TO_BEST

    @property
    def side(self) -> Literal["min", "max"] | None:
        """Whether :attr:`bound` is a floor or a ceiling."""
        if self.bound is None:
            return None
        return "max" if self.kind in (LimitKind.MAX, LimitKind.MAX_INCREASE) else "min"

    @property
    def derived(self) -> bool:
        return self.kind not in (LimitKind.MIN, LimitKind.MAX, LimitKind.MIN_P_VALUE)


def limit_to_dict(limit: Limit) -> dict[str, Any]:
    out = {"kind": limit.kind.value, "value": limit.value, "base": limit.base, "bound": limit.bound,
           "side": limit.side, "derivation": limit.derivation}
    return {k: v if not isinstance(v, float) or math.isfinite(v) else None for k, v in out.items()}


def limit_from_dict(d: dict[str, Any], key: str) -> Limit:
    """``bound`` and ``side`` are derived, so they are recomputed rather than read."""
    return Limit(kind=jr.choice(d, "kind", key, LimitKind), value=jr.num(d, "value", key),
                 base=jr.opt_num(d, "base", key), derivation=jr.string(d, "derivation", key, default=""))
