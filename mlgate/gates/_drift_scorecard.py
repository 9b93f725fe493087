"""How the ``drift`` gate shows its verdicts: checks (drifted first), a summary table, bin tables.

Everything here is plain text: the renderers escape it (sparklines are Unicode block characters).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.config.gates_data import DRIFT_EFFECT_SIZES, DriftSection
from mlgate.result import Check, Limit, LimitKind, Status, Table
from mlgate.text import number

if TYPE_CHECKING:
    from mlgate.stats.drift import DriftStats

NAMES = {"psi": "PSI", "ks": "KS p", "wasserstein": "Wasserstein/std", "js": "JS distance", "chi2": "chi2 p"}
MAX_BIN_TABLES = 3
MAX_BIN_ROWS = 12


@dataclass(frozen=True)
class Verdict:
    """One compared column (a feature, the predictions or the label) and its decision."""

    column: str
    role: str  # feature | prediction | label
    stats: DriftStats | None
    method: str
    threshold: float
    statistic: float | None = None
    p_value: float | None = None
    drifted: bool = False
    status: Status = Status.PASS
    note: str = ""

    @property
    def ratio(self) -> float:
        """How far past its threshold (>1 = drifted), to show the worst columns first."""
        if self.statistic is None or not math.isfinite(self.statistic):
            return -1.0
        if self.method in DRIFT_EFFECT_SIZES:
            return self.statistic / self.threshold
        return self.threshold / max(self.p_value if self.p_value is not None else 1.0, 1e-300)

def _fmt(x: float | None) -> str:
    return number(x, 3)

def _sparks(stats: DriftStats) -> tuple[str, str]:
    from mlgate.stats.drift import proportions, sparkline

    r = proportions(stats.bins.ref, 0.0)
    c = proportions(stats.bins.cur, 0.0)
    top = float(max(r.max(), c.max()))
    return sparkline(r, top), sparkline(c, top)


def _bins(stats: DriftStats) -> list[dict[str, Any]]:
    """Per-bin shares, largest PSI contributions first when the bins are categories."""
    import numpy as np

    from mlgate.stats.drift import proportions

    r, c = proportions(stats.bins.ref), proportions(stats.bins.cur)
    terms = (c - r) * np.log(c / r)
    order = np.arange(len(r)) if stats.kind == "numeric" else np.argsort(-terms, kind="stable")
    return [
        {"bin": stats.bins.labels[i], "ref": float(stats.bins.ref[i] / stats.n_ref),
         "cur": float(stats.bins.cur[i] / stats.n_cur), "psi_term": float(terms[i])}
        for i in order[:MAX_BIN_ROWS]
    ]


def to_check(v: Verdict) -> Check:
    label = {"feature": v.column, "prediction": "predictions", "label": f"label {v.column}"}[v.role]
    name = f"{label} ({v.method})"
    if v.stats is None or v.status is Status.SKIP:
        return Check(name=name, status=Status.SKIP, attribute=v.column, metric=v.method, message=v.note)
    s = v.stats
    ref_spark, cur_spark = _sparks(s)
    stat_name = NAMES[v.method]
    shown = v.p_value if v.method in ("ks", "chi2") else v.statistic
    op = (">" if v.drifted else "<=") if v.method in DRIFT_EFFECT_SIZES else ("<" if v.drifted else ">=")
    verdict = "drifted" if v.drifted else "stable"
    message = f"{stat_name} {_fmt(shown)} {op} {v.threshold:g}: {verdict}; "
    message += f"reference {ref_spark} eval {cur_spark}"
    if v.note:
        message += f" ({v.note})"
    details: dict[str, Any] = {
        "role": v.role, "kind": s.kind, "method": v.method, "n_ref": s.n_ref, "n_cur": s.n_cur,
        "psi": s.psi, "js": s.js, "chi2": s.chi2, "chi2_p": s.chi2_p, "ks": s.ks, "ks_p": s.ks_p,
        "wasserstein_norm": s.wasserstein_norm, "missing_ref": s.missing_ref, "missing_cur": s.missing_cur,
        "sparkline_ref": ref_spark, "sparkline_cur": cur_spark, "bins": _bins(s),
    }
    return Check(
        name=name, status=v.status, message=message, metric=v.method, attribute=v.column,
        value=v.statistic, threshold=v.threshold, p_value=v.p_value, details=details,
        # An effect size must stay at most its threshold; a test's p-value at least its own.
        limit=Limit(LimitKind.MAX if v.method in DRIFT_EFFECT_SIZES else LimitKind.MIN_P_VALUE, v.threshold),
    )


def integrity_checks(v: Verdict, gate: DriftSection) -> list[Check]:
    """Missing-share changes and unseen categories: reported apart from the distribution statistic."""
    s = v.stats
    if s is None:
        return []
    status = Status.FAIL if gate.integrity_severity == "error" else Status.WARN
    out = []
    change = s.missing_cur - s.missing_ref
    if abs(change) > gate.missing_max:
        out.append(Check(
            name=f"{v.column} missing share", status=status, attribute=v.column, metric="missing_share",
            value=s.missing_cur, baseline=s.missing_ref, delta=change, threshold=gate.missing_max,
            limit=Limit(LimitKind.MAX_CHANGE, gate.missing_max, s.missing_ref,
                        f"the reference's missing share {s.missing_ref:.1%} ± {gate.missing_max:.1%}"),
            message=f"missing share {s.missing_ref:.1%} in the reference, {s.missing_cur:.1%} in eval "
            f"(change {change:+.1%} > {gate.missing_max:.1%})",
        ))
    if s.unseen and s.unseen_share > gate.unseen_max:
        shown = ", ".join(f"'{k}' ({n})" for k, n in s.unseen[:5])
        more = f" and {len(s.unseen) - 5} more" if len(s.unseen) > 5 else ""
        out.append(Check(
            name=f"{v.column} unseen categories", status=status, attribute=v.column, metric="unseen_share",
            value=s.unseen_share, threshold=gate.unseen_max, limit=Limit(LimitKind.MAX, gate.unseen_max),
            message=f"{s.unseen_share:.1%} of eval rows have categories absent from the reference: "
            f"{shown}{more}",
            details={"unseen": [{"category": k, "count": n} for k, n in s.unseen[:50]]},
        ))
    return out


def summary_table(verdicts: list[Verdict]) -> Table:
    rows = []
    for v in verdicts:
        s = v.stats
        if s is None:
            continue
        ref_spark, cur_spark = _sparks(s)
        rows.append((
            v.column if v.role == "feature" else f"{v.column} ({v.role})", s.kind, v.method,
            _fmt(v.p_value if v.method in ("ks", "chi2") else v.statistic), f"{v.threshold:g}",
            "yes" if v.drifted else ("skipped" if v.status is Status.SKIP else "no"),
            _fmt(s.psi), _fmt(s.ks), _fmt(s.wasserstein_norm), _fmt(s.js),
            f"{s.missing_ref:.1%} -> {s.missing_cur:.1%}", ref_spark, cur_spark,
        ))
    return Table(
        title="Drift by column (drifted first)",
        headers=("Column", "Kind", "Method", "Statistic", "Threshold", "Drifted", "PSI", "KS D",
                 "Wasserstein/std", "JS", "Missing", "Reference", "Eval"),
        rows=tuple(rows),
    )


def bin_tables(verdicts: list[Verdict]) -> list[Table]:
    tables = []
    for v in [v for v in verdicts if v.drifted][:MAX_BIN_TABLES]:
        assert v.stats is not None
        rows = tuple(
            (b["bin"], f"{b['ref']:.1%}", f"{b['cur']:.1%}", f"{b['psi_term']:.3f}") for b in _bins(v.stats)
        )
        headers = ("Bin", "Reference", "Eval", "PSI term")
        tables.append(Table(title=f"Bins of {v.column}", headers=headers, rows=rows))
    return tables
