"""The result model: frozen checks, gate results and the report, which computes the exit code.

The JSON form of :class:`Report` is the documented ``scorecard.json`` contract (schema_version 1).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


class Status(str, enum.Enum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"
    ERROR = "error"


class ErrorKind(str, enum.Enum):
    """Why a gate ended in ``error``: bad inputs (exit 2) or a bug (exit 3)."""

    INPUT = "input"
    INTERNAL = "internal"


# Worst first: the order used to aggregate statuses and to sort what the reader sees first.
_SEVERITY = {Status.ERROR: 4, Status.FAIL: 3, Status.WARN: 2, Status.PASS: 1, Status.SKIP: 0}


def worst(statuses: list[Status] | tuple[Status, ...]) -> Status:
    """The most severe status; ``skip`` only when everything was skipped (or nothing ran)."""
    if not statuses:
        return Status.SKIP
    return max(statuses, key=_SEVERITY.__getitem__)


def severity(status: Status) -> int:
    return _SEVERITY[status]


@dataclass(frozen=True)
class Check:
    """One decision of a gate, e.g. ``accuracy >= 0.70`` or ``column age has no nulls``."""

    name: str
    status: Status
    message: str = ""
    metric: str | None = None
    attribute: str | None = None
    group: str | None = None
    value: float | None = None
    baseline: float | None = None
    delta: float | None = None
    threshold: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    # Power of a comparison: the true drop it blocks with 80% probability, and (inconclusive only) about
    # how many eval rows would decide; which family a multiplicity correction of p_value covered.
    mde: float | None = None
    rows_needed: int | None = None
    family: str | None = None
    # Gate-specific, JSON-serialisable extras (example rows, bins, group sizes); optional in the contract.
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.status in (Status.FAIL, Status.ERROR)


@dataclass(frozen=True)
class Table:
    """A detail table a gate wants shown under its section (rendered by every renderer alike)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class GateResult:
    name: str
    checks: tuple[Check, ...] = ()
    summary: str = ""
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    # Set when the gate could not run at all; the status is then ERROR.
    error: str | None = None
    error_kind: ErrorKind | None = None
    skipped_reason: str | None = None
    duration_s: float = 0.0

    @property
    def status(self) -> Status:
        if self.error is not None:
            return Status.ERROR
        if self.skipped_reason is not None:
            return Status.SKIP
        return worst([c.status for c in self.checks]) if self.checks else Status.PASS

    def blocking_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.blocking)

    @property
    def headline(self) -> str:
        """The one-line summary shown in tables: the gate's summary, else why it did not run."""
        return self.summary or self.skipped_reason or self.error or ""


@dataclass(frozen=True)
class Provenance:
    config_sha256: str
    inputs: Mapping[str, str]
    git_sha: str | None = None
    config_path: str | None = None
    # Registry models (MLflow): URI -> registered model, version, alias, run id, flavor, sha256.
    models: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # baseline.artifact: artifact, artifact_id, run_id, run_url, commit, branch, source, how.
    baseline: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    gates: tuple[GateResult, ...]
    provenance: Provenance
    mlgate_version: str
    advisory: bool = False
    config_id: str = "default"
    title: str = "mlgate scorecard"
    # Run-wide remarks, one line each, shown under the verdict by every renderer (e.g. predictions
    # joined to the eval rows by position); they never change the status.
    notes: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        """``error`` if any gate could not be evaluated, else ``fail`` if any gate failed, else ``pass``."""
        overall = worst([g.status for g in self.gates])
        if overall in (Status.ERROR, Status.FAIL):
            return overall
        return Status.PASS

    @property
    def exit_code(self) -> int:
        """0 pass, 1 a gate failed, 2 inputs could not be evaluated, 3 internal error (DESIGN.md)."""
        kinds = [g.error_kind for g in self.gates if g.status is Status.ERROR]
        if ErrorKind.INTERNAL in kinds or (kinds and None in kinds):
            return 3
        if kinds:
            return 2
        if self.status is Status.FAIL:
            return 0 if self.advisory else 1
        return 0

    def blocking_checks(self) -> list[tuple[GateResult, Check]]:
        return [(g, c) for g in self.gates for c in g.blocking_checks()]


def _clean(value: Any) -> Any:
    """JSON has no NaN/inf: undefined numbers are ``null``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _clean(value.item())
    return value


# The optional, nullable fields of a check in scorecard.json (written and read back by `mlgate publish`).
CHECK_VALUE_FIELDS = (
    "metric",
    "attribute",
    "group",
    "value",
    "baseline",
    "delta",
    "threshold",
    "ci_low",
    "ci_high",
    "p_value",
    "mde",
    "rows_needed",
    "family",
)


def check_to_dict(check: Check) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": check.name,
        "status": check.status.value,
        **{key: getattr(check, key) for key in CHECK_VALUE_FIELDS},
        "message": check.message,
    }
    if check.details:
        out["details"] = dict(check.details)
    return _clean(out)  # type: ignore[no-any-return]


def report_to_dict(report: Report) -> dict[str, Any]:
    gates = []
    for g in report.gates:
        gd: dict[str, Any] = {
            "name": g.name,
            "status": g.status.value,
            "summary": g.summary,
            "checks": [check_to_dict(c) for c in g.checks],
        }
        if g.error is not None:
            gd["error"] = g.error
            gd["error_kind"] = (g.error_kind or ErrorKind.INTERNAL).value
        if g.skipped_reason is not None:
            gd["skipped_reason"] = g.skipped_reason
        if g.notes:
            gd["notes"] = list(g.notes)
        if g.tables:
            gd["tables"] = [
                {"title": t.title, "headers": list(t.headers), "rows": [list(r) for r in t.rows]}
                for t in g.tables
            ]
        gates.append(_clean(gd))
    return {
        "schema_version": SCHEMA_VERSION,
        "mlgate_version": report.mlgate_version,
        "status": report.status.value,
        "exit_code": report.exit_code,
        "advisory": report.advisory,
        "config_id": report.config_id,
        **({"notes": list(report.notes)} if report.notes else {}),
        "gates": gates,
        "provenance": _clean(
            {
                "config_sha256": report.provenance.config_sha256,
                "config_path": report.provenance.config_path,
                "inputs": dict(report.provenance.inputs),
                "git_sha": report.provenance.git_sha,
                **({"models": dict(report.provenance.models)} if report.provenance.models else {}),
                **({"baseline": dict(report.provenance.baseline)} if report.provenance.baseline else {}),
            }
        ),
    }
