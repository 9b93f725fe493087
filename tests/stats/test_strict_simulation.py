"""The guarantee of ``decision: strict`` in the slices and fairness gates, by simulation (fixed seeds).

Strict passes a gate only when every slice (every group) passes, and each one passes only when its whole
interval lies within the allowed drop. With one slice (one group) whose true drop equals the allowed
drop and the others clearly fine, the gate must pass at most alpha of the time, with no multiplicity
correction (an intersection-union test, Berger 1982). The evidence rule on the same data passes about
half the time: the simulation can tell a rule without the guarantee.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from mlgate.config import parse_config
from mlgate.config.gates import SlicesSection
from mlgate.gates._fairness_regression import decide_all
from mlgate.gates._slice_groups import Slice, judge_slices
from mlgate.metrics_registry import TaskKind
from mlgate.result import GateResult, Status
from mlgate.stats import fairness as fs
from mlgate.stats.decision import Outcome
from mlgate.stats.fair_gaps import group_gaps
from mlgate.stats.paired import Comparison, compare
from mlgate.views import ChartKind

ALPHA = 0.025
REPS = 1000
# Passes allowed for a true pass rate of alpha: the binomial 99.9% quantile (Monte-Carlo slack).
MOST = int(stats.binom.ppf(0.999, REPS, ALPHA))
ALLOWED = 0.05


def _section(rule: str) -> SlicesSection:
    text = (
        "version: 1\ntask: binary\ndata:\n  eval: e.csv\n  label: y\n  positive: 1\n"
        "candidate:\n  predictions: c.csv\nbaseline:\n  predictions: b.csv\n"
        f"gates:\n  slices:\n    columns: [s]\n    metric: balanced_accuracy\n    max_drop: {ALLOWED}\n"
        f"    decision: {rule}\n"
    )
    section = parse_config(text, "mlgate.yaml").gates.slices
    assert section is not None
    return section


# Per class of the label: P(both models right), P(only the candidate), P(only the baseline), P(neither).
AT_THE_MARGIN = (0.70, 0.05, 0.10, 0.15)  # candidate 0.75 vs baseline 0.80 in each class: drop 0.05
SAME = (0.70, 0.05, 0.05, 0.20)  # both 0.75: no drop
# Flat (label, candidate, baseline) cells (index 4 y + 2 c + b) of those four outcomes, per label.
_CELLS = {1: (7, 6, 5, 4), 0: (0, 1, 2, 3)}


def _cells(rng: np.random.Generator, n: int, probs: tuple[float, ...]) -> np.ndarray:
    out = np.zeros(8, dtype=np.int64)
    per_class = rng.multinomial(n, [0.5, 0.5])
    for y, m in zip((0, 1), per_class, strict=True):
        out[list(_CELLS[y])] += rng.multinomial(m, probs)
    return out


def _gate_status(judged: list[tuple[Slice, Comparison]], section: SlicesSection) -> Status:
    checks = judge_slices(judged, section)
    return GateResult(chart=ChartKind.SLICES, name="slices", checks=tuple(c for c, _ in checks)).status


def test_slices_one_slice_at_the_allowed_drop_passes_at_most_alpha() -> None:
    rng = np.random.default_rng(2026)
    rules = {"strict": _section("strict"), "evidence": _section("evidence")}
    passed = dict.fromkeys(rules, 0)
    plan = [("at margin", 400, AT_THE_MARGIN), ("big a", 3000, SAME), ("big b", 3000, SAME)]
    for _ in range(REPS):
        judged = []
        for label, n, probs in plan:
            cells = _cells(rng, n, probs)
            cmp = compare(
                ["balanced_accuracy"], TaskKind.BINARY, None, 2, cand_pred=None, cand_scores=None,
                confidence=0.95, cells=cells, paired=True,
            )["balanced_accuracy"]
            judged.append((Slice("s", label, n, cells=cells), cmp))
        for rule, section in rules.items():
            passed[rule] += _gate_status(judged, section) is Status.PASS
    assert passed["strict"] <= MOST, passed
    assert passed["evidence"] > 0.3 * REPS, passed  # no guarantee at the margin: about half pass


# Per group of the fairness gate: rows and P(candidate, baseline select) = (11, 10, 01, 00).
GROUPS = [
    (3000, (0.40, 0.10, 0.10, 0.40)),  # the reference: both select half
    (1500, (0.35, 0.05, 0.10, 0.50)),  # candidate 0.40 vs baseline 0.45: the gap to 0.5 grows by 0.05
    (3000, (0.48, 0.02, 0.02, 0.48)),  # both select half: no worsening
]


def _joint(rng: np.random.Generator) -> np.ndarray:
    """(group, label, candidate, baseline) counts; the label is irrelevant to selection rates."""
    joint = np.zeros((len(GROUPS), 2, 2, 2), dtype=np.int64)
    for g, (n, probs) in enumerate(GROUPS):
        counts = rng.multinomial(n, np.outer([0.5, 0.5], probs).ravel()).reshape(2, 4)
        for y in range(2):
            joint[g, y, 1, 1], joint[g, y, 1, 0], joint[g, y, 0, 1], joint[g, y, 0, 0] = counts[y]
    return joint


def test_fairness_one_group_at_the_allowance_passes_at_most_alpha() -> None:
    rng = np.random.default_rng(2027)
    passed = {"strict": 0, "evidence": 0}
    include = np.ones(len(GROUPS), dtype=bool)
    for _ in range(REPS):
        joint = _joint(rng)
        samples = fs.stratified_resample(joint, 200, rng)
        gaps = group_gaps(
            "demographic_parity_difference",
            fs.classification_rates(joint.sum(axis=-1)),
            fs.classification_rates(joint.sum(axis=-2)),
            fs.classification_rates(samples.sum(axis=-1)),
            fs.classification_rates(samples.sum(axis=-2)),
            include,
            0,
        )
        for rule in passed:
            decided = decide_all({(0, "dpd"): (gaps, ALLOWED)}, rule, "holm", ALPHA, 1, 1)
            passed[rule] += decided[(0, "dpd")].outcome is Outcome.PASS
    assert passed["strict"] <= MOST, passed
    assert passed["evidence"] > 0.3 * REPS, passed
