"""The result model: frozen checks, gate results and the report, which computes the exit code.

The JSON form of :class:`Report` is the documented ``scorecard.json`` contract (schema_version 1).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mlgate import jsonread as jr

# Re-exported: the typed limit and the provenance are part of the result model.
from mlgate.limit import Limit as Limit
from mlgate.limit import LimitKind as LimitKind
from mlgate.limit import limit_from_dict, limit_to_dict
from mlgate.provenance import Provenance as Provenance
from mlgate.provenance import provenance_from_dict as provenance_from_dict
from mlgate.provenance import provenance_to_dict
from mlgate.views import ChartKind, chart_from_dict

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
    # The limit applied, typed; ``threshold`` keeps its number (the allowed drop for vs-baseline checks).
    limit: Limit | None = None
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
    # The chart its results are drawn as (the gate's ``chart``); None: no chart.
    chart: ChartKind | None = None

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
CHECK_VALUE_FIELDS = ("metric", "attribute", "group", "value", "baseline", "delta", "threshold", "ci_low",
                      "ci_high", "p_value", "mde", "rows_needed", "family")
_COUNTS = frozenset({"rows_needed"})
_TEXTS = frozenset({"metric", "attribute", "group", "family"})

# The reverse of each *_to_dict: `mlgate publish` rebuilds the report from a scorecard.json that
# another run (the pull request's own code) wrote, so every field is type-checked and a wrong one
# raises jsonread.FieldError naming its key; keys a file from an older mlgate lacks get defaults.


def check_to_dict(check: Check) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": check.name, "status": check.status.value,
        **{k: getattr(check, k) for k in CHECK_VALUE_FIELDS},
        "limit": limit_to_dict(check.limit) if check.limit is not None else None, "message": check.message,
    }
    if check.details:
        out["details"] = dict(check.details)
    return _clean(out)  # type: ignore[no-any-return]


def check_from_dict(d: dict[str, Any], key: str) -> Check:
    values: dict[str, Any] = {
        f: jr.opt_count(d, f, key) if f in _COUNTS else jr.opt_str(d, f, key) if f in _TEXTS
        else jr.opt_num(d, f, key)
        for f in CHECK_VALUE_FIELDS
    }
    limit = d.get("limit")
    return Check(
        name=jr.string(d, "name", key), status=jr.choice(d, "status", key, Status),
        message=jr.string(d, "message", key, default=""), details=jr.opt_obj(d, "details", key),
        limit=None if limit is None else limit_from_dict(jr.obj(limit, f"{key}.limit"), f"{key}.limit"),
        **values,
    )


def table_to_dict(t: Table) -> dict[str, Any]:
    return {"title": t.title, "headers": list(t.headers), "rows": [list(r) for r in t.rows]}


def _cell(value: Any, key: str) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise jr.FieldError(key, "a string, number, boolean or null", value)


def table_from_dict(d: dict[str, Any], key: str) -> Table:
    rows = jr.lst(d.get("rows"), f"{key}.rows")
    return Table(
        title=jr.string(d, "title", key),
        headers=jr.str_list(d.get("headers"), f"{key}.headers"),
        rows=tuple(
            tuple(_cell(c, f"{key}.rows[{i}][{j}]") for j, c in enumerate(jr.lst(r, f"{key}.rows[{i}]")))
            for i, r in enumerate(rows)
        ),
    )


def gate_to_dict(g: GateResult) -> dict[str, Any]:
    gd: dict[str, Any] = {"name": g.name, "status": g.status.value, "summary": g.summary,
                          "checks": [check_to_dict(c) for c in g.checks]}
    if g.error is not None:
        gd["error"] = g.error
        gd["error_kind"] = (g.error_kind or ErrorKind.INTERNAL).value
    if g.skipped_reason is not None:
        gd["skipped_reason"] = g.skipped_reason
    if g.notes:
        gd["notes"] = list(g.notes)
    if g.tables:
        gd["tables"] = [table_to_dict(t) for t in g.tables]
    # Always written (null: no chart), so that only a file older than the key falls back to names.
    gd["chart"] = g.chart
    return _clean(gd)  # type: ignore[no-any-return]


def gate_from_dict(d: dict[str, Any], key: str) -> GateResult:
    kind = jr.opt_str(d, "error_kind", key)
    checks = jr.lst(d.get("checks", []), f"{key}.checks")
    tables = jr.lst(d.get("tables", []), f"{key}.tables")
    name = jr.string(d, "name", key)
    return GateResult(
        name=name,
        checks=tuple(check_from_dict(jr.obj(c, f"{key}.checks[{i}]"), f"{key}.checks[{i}]")
                     for i, c in enumerate(checks)),
        summary=jr.string(d, "summary", key, default=""),
        tables=tuple(table_from_dict(jr.obj(t, f"{key}.tables[{i}]"), f"{key}.tables[{i}]")
                     for i, t in enumerate(tables)),
        notes=jr.str_list(d.get("notes", []), f"{key}.notes"),
        error=jr.opt_str(d, "error", key),
        error_kind=jr.choice(d, "error_kind", key, ErrorKind) if kind else None,
        skipped_reason=jr.opt_str(d, "skipped_reason", key),
        chart=chart_from_dict(d, key, name),
    )


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "mlgate_version": report.mlgate_version,
        "title": report.title,
        "status": report.status.value,
        "exit_code": report.exit_code,
        "advisory": report.advisory,
        "config_id": report.config_id,
        **({"notes": list(report.notes)} if report.notes else {}),
        "gates": [gate_to_dict(g) for g in report.gates],
        "provenance": _clean(provenance_to_dict(report.provenance)),
    }


def report_from_dict(data: dict[str, Any], *, title: str = "mlgate scorecard") -> Report:
    """The report ``data`` describes (``title``: when the file has none, as older ones do)."""
    gates = jr.lst(data.get("gates", []), "gates")
    report = Report(
        gates=tuple(gate_from_dict(jr.obj(g, f"gates[{i}]"), f"gates[{i}]") for i, g in enumerate(gates)),
        provenance=provenance_from_dict(jr.opt_obj(data, "provenance", "")),
        mlgate_version=jr.string(data, "mlgate_version", "", default=""),
        advisory=jr.boolean(data, "advisory", "", default=False),
        config_id=jr.string(data, "config_id", "", default="default"),
        notes=tuple(n[:500] for n in jr.str_list(data.get("notes", []), "notes")[:10]),
    )
    return replace(report, title=jr.string(data, "title", "", default=title))
