"""Fairness regression as smooth per-group tests: each group against the reference group.

The fairness aggregates (fairlearn's max - min, min / max) are maxima over groups: near ties the group
that sets them flips from one resample to the next, and their bootstrap distribution is neither smooth
nor centred (the max of noisy values is biased upwards). The change of the *aggregate* is therefore a
poor thing to test. Instead each judged group g is compared with the reference group r (the configured
one, else the largest judged group, Aequitas's "majority" reference, Saleiro et al. 2018):

- a difference metric's gap is v_g - v_r; its worsening from baseline to candidate is how much further
  from parity it moved, s (gap_c - gap_b) with s = sign(gap_c + gap_b) (= |gap_c| - |gap_b| whenever
  the two gaps lie on the same side of parity);
- a ratio metric's gap is L = log(v_g / v_r) and its value exp(-|L|) <= 1; the worsening is the drop of
  that value, exp(-s L_b) - exp(-s L_c), with s = sign(L_c + L_b).

With s fixed each worsening is a smooth function of the group rates, so its standard error is the
standard deviation of the paired, group-stratified bootstrap of the cell counts (``stats.fairness``),
and the test is the normal one of ``stats.margin``: analytic p-values, no resampling floor. A metric of
several rates (equalized odds: TPR and FPR) and a multiclass task (one column per class) give one test
per rate and class. The gate corrects across every test of the gate (attributes x metrics x groups).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from mlgate.stats.fairness import METRIC_PARTS
from mlgate.stats.margin import NormalDrop


@dataclass(frozen=True)
class GroupGap:
    """One group against the reference for one rate and class column."""

    part: str
    cls: int
    group: int
    ref: int
    cand_value: float  # |gap| (difference metrics) or the folded ratio (ratio metrics), candidate
    base_value: float
    test: NormalDrop  # of the worsening, in the metric's units (positive = further from parity)


def reference_index(sizes: np.ndarray, include: np.ndarray, ref: int | None) -> int | None:
    """The configured reference group if judged, else the largest judged group (ties: the first)."""
    if ref is not None:
        return ref if include[ref] else None
    judged = np.flatnonzero(include)
    if judged.size == 0:
        return None
    return int(judged[np.argmax(sizes[judged])])


def _sign(x: np.ndarray) -> np.ndarray:
    return np.where(x < 0, -1.0, 1.0)


def group_gaps(
    name: str,
    cand: Mapping[str, np.ndarray],
    base: Mapping[str, np.ndarray],
    boot_cand: Mapping[str, np.ndarray],
    boot_base: Mapping[str, np.ndarray],
    include: np.ndarray,
    ref: int,
) -> list[GroupGap]:
    """Every defined (rate, class, group) test of ``name``; rates are (G, C), resamples (B, G, C)."""
    kind, parts = METRIC_PARTS[name]
    out: list[GroupGap] = []
    for part in parts:
        vc, vb, bc, bb = cand[part], base[part], boot_cand[part], boot_base[part]
        for cls in range(vc.shape[1]):
            for g in (int(i) for i in np.flatnonzero(include)):
                if g == ref:
                    continue
                point = np.array([vc[g, cls], vc[ref, cls], vb[g, cls], vb[ref, cls]])
                if not np.all(np.isfinite(point)):
                    continue
                with np.errstate(invalid="ignore", divide="ignore"):
                    if kind == "difference":
                        gc, gb = point[0] - point[1], point[2] - point[3]
                        s = float(_sign(np.array(gc + gb)))
                        w = s * (gc - gb)
                        reps = s * ((bc[:, g, cls] - bc[:, ref, cls]) - (bb[:, g, cls] - bb[:, ref, cls]))
                        values = abs(gc), abs(gb)
                    else:
                        if np.any(point <= 0):
                            continue  # a zero rate: the ratio is 0 or undefined, no smooth gap
                        lc, lb = np.log(point[0] / point[1]), np.log(point[2] / point[3])
                        s = float(_sign(np.array(lc + lb)))
                        w = float(np.exp(-s * lb) - np.exp(-s * lc))
                        blc = np.log(bc[:, g, cls] / bc[:, ref, cls])
                        blb = np.log(bb[:, g, cls] / bb[:, ref, cls])
                        reps = np.exp(-s * blb) - np.exp(-s * blc)
                        values = float(np.exp(-abs(lc))), float(np.exp(-abs(lb)))
                ok = reps[np.isfinite(reps)]
                se = float(np.std(ok, ddof=1)) if ok.size > 1 else float("nan")
                out.append(
                    GroupGap(
                        part,
                        cls,
                        g,
                        ref,
                        float(values[0]),
                        float(values[1]),
                        NormalDrop(float(w), se, None, "group-vs-reference"),
                    )
                )
    return out
