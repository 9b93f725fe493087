"""The performance gate's family of comparisons: the metrics compared with the baseline under an
allowed drop, and each one's p-value after the gate's multiplicity correction (``stats.multiple``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlgate.config.gates import PerformanceSection
    from mlgate.stats.paired import Comparison


def corrected(family: str | None, multiplicity: str) -> bool:
    """Whether p_value was adjusted: Holm or BH over a family of two or more metrics."""
    return family is not None and " across 1 " not in family and multiplicity in ("holm", "bh")


def family_of(
    gate: PerformanceSection, comps: dict[str, Comparison]
) -> tuple[dict[str, tuple[float, str]], str]:
    """Each judged metric's p-value after the gate's multiplicity correction, the family's name, and a
    note. The family is the metrics compared with the baseline under an allowed drop (Holm 1979 keeps
    the chance that any of them falsely blocks at most alpha; Benjamini-Hochberg 1995 the expected
    share of false blocks among the blocks)."""
    import numpy as np

    from mlgate.stats.decision import allowed_drop, rule_p
    from mlgate.stats.multiple import adjust

    if gate.decision == "strict":
        return {}, ""
    judged = {}
    for m, cmp in comps.items():
        th = gate.metrics[m]
        p = rule_p(cmp, allowed_drop(th.max_drop, th.max_drop_relative, cmp.baseline), gate.decision)
        if math.isfinite(p):
            judged[m] = p
    if not judged:
        return {}, ""
    names = list(judged)
    if gate.multiplicity == "primary":
        family = f"primary metric {gate.primary}; the other {len(names) - 1} are advisory"
        return {m: (judged[m], family) for m in names}, (
            f"Multiplicity: only the primary metric ({gate.primary}) can block; the others are tested "
            "at the full level and shown as advisory."
        )
    method = gate.multiplicity
    adjusted = adjust(np.array([judged[m] for m in names]), method)
    label = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no correction"}[method]
    family = f"{label} across {len(names)} metric{'s' if len(names) > 1 else ''} of the performance gate"
    note = (
        f"Multiplicity: {label} across the {len(names)} metrics compared with the baseline "
        f"({', '.join(names)}); the p-values shown are adjusted. Passing needs every metric within its "
        "allowed drop, which needs no correction (an intersection-union test)."
        if method != "none" and len(names) > 1
        else f"Multiplicity: no correction across the {len(names)} metric(s) compared with the baseline."
    )
    return {m: (float(p), family) for m, p in zip(names, adjusted, strict=True)}, note
