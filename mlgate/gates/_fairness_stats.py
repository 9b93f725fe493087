"""The fairness gate's group statistics: one attribute's rates for both models and their paired
resamples (:mod:`mlgate.stats.fairness`), and which groups drive a metric's value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mlgate.gates._fairness_groups import Attribute
from mlgate.gates._fairness_table import RATE_NAMES
from mlgate.metrics_registry import TaskKind
from mlgate.stats import fairness as fs
from mlgate.text import number

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config.gates import FairnessSection
    from mlgate.engines.interface import GroupRows


fmt = number  # one formatter for every number the gates write (mlgate.text.number)


@dataclass(frozen=True)
class GroupStats:
    """One attribute's group rates for both models, and their paired bootstrap resamples."""

    attr: Attribute
    include: np.ndarray  # groups large enough to judge
    cand: dict[str, np.ndarray]  # rate -> (G, C)
    base: dict[str, np.ndarray] | None
    boot_cand: dict[str, np.ndarray] | None  # rate -> (B, G, C)
    boot_base: dict[str, np.ndarray] | None


def group_stats(
    attr: Attribute,
    rows: GroupRows,
    inputs: GateInputs,
    gate: FairnessSection,
    task: TaskKind,
    rng: np.random.Generator | None,
) -> GroupStats:
    """Sufficient statistics -> rates (``rng`` None: no bootstrap)."""
    g = len(attr.labels)
    has_base = inputs.baseline is not None
    if task is TaskKind.REGRESSION:
        assert rows.sums is not None
        sums = fs.group_sums(attr.codes, g, rows.sums)
        rc, rb = fs.regression_rates(sums, 0), fs.regression_rates(sums, 1) if has_base else None
        bc = bb = None
        if has_base and rng is not None:
            s = fs.mae_resample(sums, gate.n_boot, rng)
            bc, bb = {"mae": s[..., 0:1]}, {"mae": s[..., 1:2]}
        sizes = sums[:, 0]
    else:
        assert rows.y is not None and rows.cand is not None
        k = len(inputs.eval.classes)
        bc = bb = rb = None
        if rows.base is None:
            cm = fs.group_confusion(attr.codes, g, rows.y, rows.cand, k, rows.count)
        else:
            joint = fs.joint_confusion(attr.codes, g, rows.y, rows.cand, rows.base, k, rows.count)
            cm = joint.sum(axis=-1)
            rb = fs.classification_rates(joint.sum(axis=-2))
            if rng is not None:
                samples = fs.stratified_resample(joint, gate.n_boot, rng)
                bc = fs.classification_rates(samples.sum(axis=-1))
                bb = fs.classification_rates(samples.sum(axis=-2))
        rc = fs.classification_rates(cm)
        sizes = cm.sum(axis=(-2, -1))
    return GroupStats(attr, sizes >= gate.min_group_size, rc, rb, bc, bb)


def metric_value(name: str, rates: dict[str, np.ndarray], st: GroupStats) -> float:
    return float(fs.metric_values(name, rates, st.include, st.attr.ref))


def explain(name: str, st: GroupStats, classes: tuple[object, ...], task: TaskKind) -> tuple[str, str | None]:
    """Which groups drive the candidate's value: a phrase for the message and the Check.group text."""
    d = fs.drivers(name, st.cand, st.include, st.attr.ref)
    if d is None:
        return "", None
    labels, rate = st.attr.labels, st.cand[d.part][:, d.cls]
    cls = f" (class '{classes[d.cls]}' vs rest)" if task is TaskKind.MULTICLASS else ""
    ref = " (reference)" if st.attr.ref is not None else ""
    text = (
        f"{RATE_NAMES[d.part]}{cls} {fmt(float(rate[d.low]))} for {labels[d.low]} vs "
        f"{fmt(float(rate[d.high]))} for {labels[d.high]}{ref}"
    )
    return text, f"{labels[d.low]} vs {labels[d.high]}"
