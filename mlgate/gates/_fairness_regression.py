"""The fairness gate's regression against the baseline: per-group tests, one family, three zones.

Each (attribute, metric) check is decided from its group-against-reference tests
(:mod:`mlgate.stats.fair_gaps`). Across the gate, every such test is one member of the family the
multiplicity correction covers (attributes x metrics x groups; Holm 1979 by default):

- ``margin``: **fail** when some group's worsening is shown to exceed the allowance (its corrected
  p-value for "worse by more than the allowance" < alpha), **pass** when every group's worsening is shown
  to stay below it (an intersection-union test, no correction needed, Berger 1982), **inconclusive**
  otherwise;
- ``evidence``: fail when some group is worse by more than the allowance and significantly worse
  than the baseline (corrected p against zero < alpha); inconclusive when worse by more without
  significance; pass otherwise;
- ``strict``: **pass** when every group's whole interval lies within the allowance (the pass side of
  ``margin``), **fail** when some group's interval does not and its worsening is positive, **unproven**
  (a warning) otherwise. Nothing is corrected: passing is an intersection-union test, and the p-value
  shown is the driver's against no worsening, unadjusted (as the performance gate shows it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mlgate.stats.decision import Outcome, judge
from mlgate.stats.fair_gaps import GroupGap


@dataclass(frozen=True)
class Decided:
    """The verdict of one (attribute, metric) check and the group test that drives it."""

    outcome: Outcome
    driver: GroupGap
    p: float  # corrected p-value of the driver's test (strict: its p-value against zero)
    p_raw: float
    family: str | None  # None: no correction (strict)
    tests: int


def _p(gap: GroupGap, allowed: float, rule: str) -> float:
    """The p-value the rule compares with alpha; for strict, which has none, the one against zero."""
    return gap.test.p_above(allowed if rule == "margin" else 0.0)


def decide_all(
    plans: dict[tuple[int, str], tuple[list[GroupGap], float]],
    rule: str,
    correction: str,
    alpha: float,
    n_attributes: int,
    n_metrics: int,
) -> dict[tuple[int, str], Decided]:
    """``plans``: (attribute index, metric) -> (its group tests, allowance). One correction for all."""
    from mlgate.stats.multiple import adjust

    keys = [(key, i) for key, (gaps, _) in plans.items() for i in range(len(gaps))]
    strict = rule == "strict"
    raw = np.array([_p(plans[key][0][i], plans[key][1], rule) for key, i in keys])
    adjusted = raw if strict else adjust(raw, correction)  # type: ignore[arg-type]
    label = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no correction"}[correction]
    family = None if strict else (
        f"{label} across {len(keys)} group-vs-reference tests "
        f"({n_attributes} attribute(s) x {n_metrics} metric(s)) of the fairness gate"
    )
    by_key: dict[tuple[int, str], list[tuple[GroupGap, float, float]]] = {}
    for (key, i), p_adj, p_raw in zip(keys, adjusted, raw, strict=True):
        by_key.setdefault(key, []).append((plans[key][0][i], float(p_adj), float(p_raw)))
    out = {}
    for key, rows in by_key.items():
        allowed = plans[key][1]
        # One rule per group test (stats.decision.judge, on the corrected p-value); the check fails
        # when some group fails, passes when every group passes, and is inconclusive (strict:
        # unproven) otherwise.
        outcomes = [judge(g.test, allowed, rule, alpha, p) for g, p, _ in rows]  # type: ignore[arg-type]
        failed = [r for r, o in zip(rows, outcomes, strict=True) if o is Outcome.FAIL]
        # The driver: the group most clearly worse (smallest corrected p), ties by the larger worsening;
        # strict: the one whose interval reaches furthest (the failing, open or least clear group).
        if strict:
            gap, p_adj, p_raw = max(failed or rows, key=lambda r: _nan_last(r[0].test.bounds(alpha)[1]))
        else:
            gap, p_adj, p_raw = min(failed or rows, key=lambda r: (_nan_last(r[1]), -r[0].test.estimate))
        if failed:
            outcome = Outcome.FAIL
        elif all(o is Outcome.PASS for o in outcomes):
            outcome = Outcome.PASS
        elif strict:
            outcome = Outcome.UNPROVEN
        else:
            outcome = Outcome.INCONCLUSIVE
            open_ = [r for r, o in zip(rows, outcomes, strict=True) if o is not Outcome.PASS]
            # Name the group that keeps the check open: the least clearly within the allowance
            # (margin), or the one worse by the most (evidence).
            if rule == "margin":
                gap, p_adj, p_raw = max(open_, key=lambda r: _nan_last(r[0].test.p_below(allowed)))
            else:
                gap, p_adj, p_raw = max(open_, key=lambda r: r[0].test.estimate)
        out[key] = Decided(outcome, gap, p_adj, p_raw, family, len(keys))
    return out


def _nan_last(p: float) -> float:
    return p if math.isfinite(p) else math.inf
