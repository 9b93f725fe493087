"""``schema`` gate: validate the evaluation (and reference) data before any model is judged on it.

Every failing schema check becomes one check of this gate with the failing row count, the share of
rows and a few example values with their row numbers (row 1 = first data row). Severity and tolerance
are per check, looked up by ``column:check``, then ``check``, then ``column``.

The table is never loaded whole when it need not be: its engine counts the failing rows and picks
the examples (locally, a Parquet table is validated in row batches by :mod:`mlgate.schema.batched`,
with the result of one whole-table validation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mlgate.config.gates_data import SchemaSection
from mlgate.datatable import DataTable
from mlgate.engines.interface import DatasetQuery, engine_of
from mlgate.errors import InputError
from mlgate.gates.interface import Gate
from mlgate.io.lazy import BATCH_ROWS, FrameTable
from mlgate.metrics_registry import TaskKind
from mlgate.result import Check, GateResult, Limit, LimitKind, Status

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.bundle import GateInputs, LoadedSchema
    from mlgate.config import Config
    from mlgate.schema.builtin import DatasetChecks
    from mlgate.schema.findings import Finding, Validation


def lookup(table: Mapping[str, object], finding: Finding) -> object | None:
    keys = ([f"{finding.column}:{finding.check}"] if finding.column else []) + [finding.check]
    keys += [finding.column] if finding.column else []
    for key in keys:
        if key in table:
            return table[key]
    return None


def _value(v: object) -> str:
    return repr(v) if isinstance(v, str) else str(v)


def describe(f: Finding, n_rows: int) -> str:
    """A plain-text message (the renderers escape it)."""
    seen = f.examples[0][1] if f.examples else None
    if f.check == "column_in_dataframe":
        return f"column '{f.column}' is missing"
    if f.check == "column_in_schema":
        return f"unexpected column '{f.column}' (the schema is strict)"
    if f.check == "dtype" and f.failing is None:
        # The column's dtype is wrong as a whole; a per-row type check (text in a mixed object
        # column) names its rows below, like any check of values.
        return f"column '{f.column}' has dtype {seen}, expected {f.description.removeprefix('dtype')}"
    if f.check == "single_class":
        return f"label '{f.column}' has a single class{f': {_value(seen)}' if seen is not None else ''}"
    if f.check == "empty_columns":
        return f"column '{f.column}' is empty (every value is missing)"
    if f.failing is None:
        subject = f"column '{f.column}': " if f.column else ""
        return f"{subject}{f.description} failed" + (f" ({_value(seen)})" if seen is not None else "")
    share = f.failing / n_rows if n_rows else 0.0
    rows = "row" if f.failing == 1 else "rows"
    where = f" in '{f.column}'" if f.column else ""
    text = f"{f.failing} of {n_rows} {rows} ({share:.2%}){where} fail {f.description}"
    shown = [f"row {r}: {_value(v)}" for r, v in f.examples if r is not None]
    return text + (f"; e.g. {', '.join(shown)}" if shown else "")


def to_check(frame_name: str, f: Finding, n_rows: int, cfg: SchemaSection) -> Check:
    severity = lookup(cfg.severity, f) or f.severity or "error"
    tolerance = lookup(cfg.max_failure_share, f)
    share = f.failing / n_rows if f.failing is not None and n_rows else None
    message = describe(f, n_rows)
    if share is not None and isinstance(tolerance, float | int) and share <= tolerance:
        status = Status.PASS
        message += f" (within the tolerated share {tolerance:g})"
    else:
        status = Status.FAIL if severity == "error" else Status.WARN
    name = f"{frame_name}: {f.column}: {f.check}" if f.column else f"{frame_name}: {f.check}"
    details = {
        "check": f.description,
        "rows": f.failing,
        "share": share,
        "severity": severity,
        "examples": [{"row": r, "value": v} for r, v in f.examples],
    }
    bound = float(tolerance) if isinstance(tolerance, float | int) else None
    return Check(
        name=name, status=status, message=message, attribute=f.column, value=share,
        threshold=bound, limit=Limit(LimitKind.MAX, bound) if bound is not None else None, details=details,
    )


def validate(
    schema: LoadedSchema, table: DataTable | pd.DataFrame, max_examples: int, rows: int = BATCH_ROWS
) -> Validation:
    """The schema's findings on ``table``, from its engine (locally: read in batches of ``rows`` rows)."""
    if not isinstance(table, DataTable):
        table = FrameTable(table, schema.source)
    return engine_of(table).validate(schema, max_examples, rows)


def dataset_checks(
    table: DataTable, levels: DatasetChecks, *, label: str | None, id_col: str | None,
    known_labels: tuple[str, ...] | None, classification: bool, max_examples: int, rows: int = BATCH_ROWS,
) -> Validation:
    """The built-in dataset checks, from the table's engine."""
    query = DatasetQuery(levels, label, id_col, known_labels, classification, max_examples)
    return engine_of(table).dataset_checks(query, rows)


class SchemaGate(Gate[SchemaSection]):
    name = "schema"

    def reads_models(self, section: SchemaSection) -> bool:
        return False

    def section(self, config: Config) -> SchemaSection | None:
        return config.schema_gate

    def run(self, inputs: GateInputs, section: SchemaSection) -> GateResult:
        from mlgate.schema.builtin import DatasetChecks

        gate = section
        if "schema" in inputs.problems:
            raise inputs.problems["schema"]
        frames = [("eval", inputs.eval.frame)]
        if "reference" in gate.apply_to:
            if inputs.reference is None:
                raise InputError(
                    "gates.schema.apply_to lists 'reference' but data.reference is not set",
                    hint="set data.reference, or remove 'reference' from gates.schema.apply_to",
                )
            frames.append(("reference", inputs.reference))
        schema = inputs.schema
        ev = inputs.eval
        classification = inputs.task is not TaskKind.REGRESSION
        known = gate.labels if gate.labels is not None else (
            tuple(str(c) for c in ev.classes) if inputs.task is TaskKind.BINARY or
            "reference" in gate.apply_to else None
        )
        levels = DatasetChecks(gate.duplicate_ids, gate.unknown_labels, gate.single_class, gate.empty_columns)
        checks: list[Check] = []
        notes: list[str] = []
        if schema is None:
            notes.append("no schema configured (schema: in mlgate.yaml): built-in dataset checks only")
        for frame_name, table in frames:
            outcomes = []
            if schema is not None:
                outcomes.append(validate(schema, table, gate.max_examples))
            outcomes.append(dataset_checks(
                table, levels, label=ev.label, id_col=ev.id_column, known_labels=known,
                classification=classification, max_examples=gate.max_examples,
            ))
            n_rows = len(table)
            n_checks = sum(o.n_checks for o in outcomes)
            failed = [to_check(frame_name, f, n_rows, gate) for o in outcomes for f in o.findings]
            notes += [f"{frame_name}: {n}" for o in outcomes for n in o.notes]
            passed = n_checks - len(failed)
            checks.append(Check(
                name=f"{frame_name}: schema", status=Status.PASS, value=float(n_rows),
                message=f"{passed} of {n_checks} checks pass on {n_rows} rows"
                + (f" ({schema.kind} schema {schema.source})" if schema is not None else ""),
            ))
            checks.extend(failed)
        blocking = sum(c.blocking for c in checks)
        warned = sum(c.status is Status.WARN for c in checks)
        summary = (
            f"{blocking} blocking, {warned} warning" if blocking or warned
            else f"data valid ({', '.join(n for n, _ in frames)})"
        )
        return GateResult(name=self.name, checks=tuple(checks), summary=summary, notes=tuple(notes))
