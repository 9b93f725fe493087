"""Every gate types the limit it applied (``Check.limit``), so renderers never read it from a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.metrics_registry import FAIRNESS_METRICS, METRICS, Direction
from mlgate.result import Check, LimitKind, Report


@pytest.fixture(scope="module")
def demo_report(demo_template: Path) -> Report:
    import mlgate

    return mlgate.check(demo_template / "mlgate.yaml")


def _checks(report: Report, gate: str) -> list[Check]:
    (found,) = [g for g in report.gates if g.name == gate]
    return list(found.checks)


def _lower(metric: str | None) -> bool:
    spec = METRICS.get(metric or "")
    return (spec.direction if spec else FAIRNESS_METRICS.get(metric or "")) is Direction.LOWER


def test_every_check_with_a_threshold_has_a_typed_limit(demo_report: Report) -> None:
    untyped = [(g.name, c.name) for g in demo_report.gates for c in g.checks
               if c.threshold is not None and c.limit is None]
    assert untyped == []


@pytest.mark.parametrize("gate", ["performance", "fairness"])
def test_limits_against_the_baseline_are_derived_from_it(demo_report: Report, gate: str) -> None:
    judged = [c for c in _checks(demo_report, gate) if c.baseline is not None and c.limit is not None
              and c.limit.kind not in (LimitKind.MIN, LimitKind.MAX)]
    assert judged, "the demo compares with the baseline"
    for c in judged:
        assert c.limit is not None
        want = LimitKind.MAX_INCREASE if _lower(c.metric) else LimitKind.MAX_DROP
        assert (c.limit.kind, c.limit.value, c.limit.base) == (want, c.threshold, c.baseline), c.name
        assert c.limit.derivation.startswith(f"the baseline {c.baseline:.4g} "), c.limit.derivation
    # Lower-is-better metrics (log_loss, equalized_odds_difference) may worsen by an increase: their
    # line lies above the baseline.
    lower = next(c for c in judged if _lower(c.metric))
    assert lower.limit is not None and lower.limit.side == "max"
    assert lower.limit.bound == pytest.approx((lower.baseline or 0) + (lower.threshold or 0))


def test_absolute_limits_are_min_or_max_by_the_configured_side(demo_report: Report) -> None:
    perf = {c.metric: c for c in _checks(demo_report, "performance")
            if c.limit is not None and c.limit.kind in (LimitKind.MIN, LimitKind.MAX)}
    assert {m: (c.limit.kind, c.limit.value) for m, c in perf.items() if c.limit} == {
        "accuracy": (LimitKind.MIN, 0.70), "roc_auc": (LimitKind.MIN, 0.70), "f1": (LimitKind.MIN, 0.75),
        "log_loss": (LimitKind.MAX, 0.65)}
    fair = {(c.metric, c.limit.kind) for c in _checks(demo_report, "fairness")
            if c.limit is not None and not c.limit.derived}
    assert fair == {("demographic_parity_ratio", LimitKind.MIN), ("equalized_odds_difference", LimitKind.MAX)}


def test_slices_and_drift_limits(demo_report: Report) -> None:
    slices = [c for c in _checks(demo_report, "slices") if c.value is not None]
    assert slices and all(c.limit is not None and c.limit.kind is LimitKind.MAX_DROP
                          and c.limit.value == 0.10 and c.limit.base == c.baseline for c in slices)
    drift = _checks(demo_report, "drift")
    share = next(c for c in drift if c.metric == "drift_share")
    assert share.limit is not None and (share.limit.kind, share.limit.value) == (LimitKind.MAX, 0.3)
    psi = [c for c in drift if c.metric == "psi" and c.value is not None]
    assert psi and all(c.limit is not None and c.limit.kind is LimitKind.MAX for c in psi)
