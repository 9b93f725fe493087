"""``drift`` gate: feature, prediction and label drift of ``data.eval`` against ``data.reference``.

Effect sizes (PSI, normed Wasserstein, Jensen-Shannon distance) decide by default and p-value tests
(KS, chi-square) are opt-in: on large samples every p-value is tiny, so a test flags shifts too small
to matter (Evidently switches from tests to distances above 1,000 rows for the same reason).
Statistics live in :mod:`mlgate.stats.drift`; this module picks columns, methods and thresholds.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from mlgate.config.gates_data import DRIFT_DEFAULT_MAX, DRIFT_EFFECT_SIZES, DriftColumn, DriftSection
from mlgate.engines.interface import Column, engine_of
from mlgate.engines.local import LocalColumn
from mlgate.errors import InputError
from mlgate.gates._drift_columns import column_stats
from mlgate.gates._drift_scorecard import Verdict, bin_tables, integrity_checks, summary_table, to_check
from mlgate.gates.interface import Gate
from mlgate.metrics_registry import TaskKind
from mlgate.result import Check, GateResult, Limit, LimitKind, Status
from mlgate.text import one_line, quote
from mlgate.views import ChartKind

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.bundle import GateInputs, PredictionSet
    from mlgate.config.data import DataConfig
    from mlgate.datatable import DataTable
    from mlgate.stats.drift import DriftStats

# Column names of mlgate's prediction files: model outputs, never features.
PREDICTION_COLUMNS = ("prediction", "score")


def read_column(table: DataTable, name: str, where: str) -> Column:
    """One column for a worker, from the table's engine: the local engine reads it without entering
    the table's column cache (the gate reads each column once, so it holds only the columns its
    workers are comparing, not every feature of both tables); another engine may answer with value
    counts computed where the table is."""
    return engine_of(table).column(name, where)


def decide(
    column: str, role: str, stats: DriftStats | None, spec: DriftColumn, gate: DriftSection, note: str = ""
) -> Verdict:
    method = spec.method or gate.method
    if stats is not None and stats.kind == "categorical" and method in ("ks", "wasserstein"):
        method = gate.categorical_method or "psi"
    if method in DRIFT_EFFECT_SIZES:
        same = method == gate.method
        threshold = spec.max or (gate.max if same and gate.max is not None else DRIFT_DEFAULT_MAX[method])
    else:
        threshold = spec.alpha or gate.alpha
    if stats is None:
        return Verdict(column, role, None, method, threshold, status=Status.SKIP, note=note)
    if min(stats.n_ref, stats.n_cur) < gate.min_rows:
        why = f"too few values to judge ({stats.n_ref} reference, {stats.n_cur} eval; "
        why += f"min_rows {gate.min_rows})"
        return Verdict(column, role, stats, method, threshold, status=Status.SKIP, note=why)
    value, p = stats.statistic(method)
    if method in DRIFT_EFFECT_SIZES:
        drifted = value is not None and value > threshold
    else:
        drifted = p is not None and p < threshold
    severities = {"feature": gate.column_severity, "prediction": gate.prediction_severity}
    default = severities.get(role, gate.label_severity)
    blocking = Status.FAIL if (spec.severity or default) == "error" else Status.WARN
    return Verdict(
        column, role, stats, method, threshold, value, p, drifted, blocking if drifted else Status.PASS, note
    )


class DriftGate(Gate[DriftSection]):
    name = "drift"
    chart = ChartKind.COLUMNS

    def columns(self, section: DriftSection, data: DataConfig) -> set[str] | None:
        if section.columns == "all":
            return None
        logged = [section.reference_predictions] if section.reference_predictions else []
        return {*section.columns, *section.per_column, *logged}

    def run(self, inputs: GateInputs, section: DriftSection) -> GateResult:
        gate = section
        ref = inputs.reference
        if ref is None:
            raise InputError("drift: no reference data", hint="set data.reference (e.g. the training table)")
        names = (ref.source, inputs.eval.source)
        columns, notes = self._columns(inputs, gate, ref, names)
        frame = inputs.eval.frame

        def one(col: str) -> Verdict:
            spec = gate.per_column.get(col, DriftColumn())
            ks_p = (spec.method or gate.method) == "ks"
            pair = read_column(ref, col, names[0]), read_column(frame, col, names[1])
            stats = column_stats(*pair, spec.kind, gate.bins, col, ks_p)
            return decide(col, "feature", stats, spec, gate)

        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # via scikit-learn

        # numpy's sorts, ufuncs and pyarrow's hashing release the GIL: columns, the predictions and the
        # label run side by side on threads. OpenBLAS would split each large np.dot (Wasserstein) over
        # its own threads, which then spin and take the cores from the columns: one BLAS thread here
        # (it also makes that sum's rounding independent of the core count).
        with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(
            max_workers=min(4, os.cpu_count() or 1)
        ) as pool:
            futures = [pool.submit(one, col) for col in columns]
            pred = pool.submit(prediction_verdict, inputs, gate, names[0]) if gate.predictions else None
            label = pool.submit(label_verdict, inputs, gate, names) if gate.label else None
            # Results in submission order: the first bad column raises first, as in a serial loop.
            verdicts = [f.result() for f in futures]
            extra = []
            for job in (pred, label):
                if job is not None:
                    v, note = job.result()
                    extra += [v] if v else []
                    notes += [note] if note else []

        judged = [v for v in verdicts if v.status is not Status.SKIP]
        drifted = [v for v in judged if v.drifted]
        share = len(drifted) / len(judged) if judged else 0.0
        ordered = sorted([*verdicts, *extra], key=lambda v: (not v.drifted, -v.ratio))
        checks = [to_check(v) for v in ordered]
        for v in ordered:
            checks += integrity_checks(v, gate)
        share_status = Status.FAIL if share > gate.share_max else Status.PASS
        checks.insert(0, Check(
            name=f"drifted share <= {gate.share_max:g}", status=share_status, metric="drift_share",
            value=share, threshold=gate.share_max, limit=Limit(LimitKind.MAX, gate.share_max),
            message=f"{len(drifted)} of {len(judged)} feature columns drifted ({share:.0%}; "
            f"{'more than' if share_status is Status.FAIL else 'at most'} {gate.share_max:.0%} allowed)",
        ))
        summary = f"{len(drifted)} of {len(judged)} columns drifted"
        moved = [v for v in extra if v.drifted]
        if moved:
            summary += "; " + " and ".join(v.role for v in moved) + " drifted"
        return GateResult(
            name=self.name, checks=tuple(checks), summary=summary,
            tables=(summary_table(ordered), *bin_tables(ordered)), notes=tuple(notes),
        )

    @staticmethod
    def _columns(
        inputs: GateInputs, gate: DriftSection, ref: DataTable, names: tuple[str, str]
    ) -> tuple[list[str], list[str]]:
        ev = inputs.eval
        frame = ev.frame
        if gate.columns != "all":
            for col in gate.columns:
                for table, where in ((ref, names[0]), (frame, names[1])):
                    if col not in table.columns:
                        raise InputError(
                            f"{where}: no column {quote(col)} (gates.drift.columns)",
                            hint=f"columns found: {', '.join(one_line(c, 60) for c in table.columns[:30])}",
                        )
            return [c for c in gate.columns if c not in gate.exclude], []
        skip = {ev.label, ev.id_column, gate.reference_predictions, *gate.exclude, *PREDICTION_COLUMNS}
        pool = list(ev.features) if ev.features is not None else [str(c) for c in frame.columns]
        skip |= {c for c in pool if c.startswith("proba_")}
        wanted = [c for c in pool if c not in skip]
        only_eval = [c for c in wanted if c not in ref.columns]
        notes = []
        if only_eval:
            notes.append(f"not in {names[0]}, so not compared: {', '.join(only_eval[:20])}")
        if ev.features is not None:
            missing = [c for c in wanted if c not in frame.columns]
            if missing:
                raise InputError(f"{names[1]}: no column {quote(missing[0])} (data.features)")
        # Time always moves forward between a reference and an eval period: timestamps would drift by
        # construction, so they are left out unless listed explicitly.
        dates = frame.datetime_columns([c for c in wanted if c in frame.columns])
        if dates:
            shown = ", ".join(dates)
            notes.append(f"date/time columns not compared (list them in columns to do so): {shown}")
        return [c for c in wanted if c in ref.columns and c not in dates], notes


def _outputs(p: PredictionSet, task: TaskKind, classes: tuple[object, ...], scores: bool) -> pd.Series:
    """A model's outputs as a column: scores or regression values (numeric), else class labels."""
    import numpy as np
    import pandas as pd

    if task is TaskKind.REGRESSION:
        return pd.Series(p.y_pred, dtype="float64")
    if scores and p.scores is not None and p.scores.ndim == 1:
        return pd.Series(p.scores, dtype="float64")
    return pd.Series(np.asarray([str(c) for c in classes], dtype=object)[p.y_pred], dtype="string")


def prediction_verdict(
    inputs: GateInputs, gate: DriftSection, ref_name: str
) -> tuple[Verdict | None, str]:
    """Candidate outputs on the eval rows vs the reference's logged predictions, else vs the baseline's.

    Binary tasks compare P(positive) when both sides have scores, regression compares the predicted
    values, and otherwise (multiclass, no scores) the distribution of predicted classes is compared.
    """
    task = inputs.task
    cand, classes = inputs.candidate, inputs.eval.classes
    if cand is None:
        return None, "prediction drift not compared: no candidate predictions"
    ref = inputs.reference
    assert ref is not None
    if gate.reference_predictions is not None:
        col = gate.reference_predictions
        if col not in ref.columns:
            raise InputError(
                f"{ref_name}: no column {quote(col)} (gates.drift.reference_predictions)",
                hint=f"columns found: {', '.join(one_line(c, 60) for c in ref.columns[:30])}",
            )
        against = f"{ref_name} column '{col}'"
        logged = read_column(ref, col, against)
        scores = logged.numeric and cand.scores is not None
        other = logged if scores or task is TaskKind.REGRESSION else logged.as_text()
    elif inputs.baseline is not None:
        base = inputs.baseline
        scores = cand.scores is not None and base.scores is not None
        against = "the baseline's predictions on the same eval rows"
        other = LocalColumn(_outputs(base, task, classes, scores), against)
    else:
        return None, (
            "prediction drift not compared: no baseline predictions and no gates.drift.reference_predictions"
        )
    current = _outputs(cand, task, classes, scores)
    what = "score" if scores else ("prediction" if task is TaskKind.REGRESSION else "predicted class")
    kind = "numeric" if current.dtype == "float64" else "categorical"
    stats = column_stats(other, LocalColumn(current, cand.source), kind, gate.bins, what, gate.method == "ks")
    return decide(what, "prediction", stats, DriftColumn(), gate, note=f"candidate vs {against}"), ""


def label_verdict(
    inputs: GateInputs, gate: DriftSection, names: tuple[str, str]
) -> tuple[Verdict | None, str]:
    """The label's distribution in the reference vs the eval data (a prior shift)."""
    label = inputs.eval.label
    ref = inputs.reference
    assert ref is not None
    if label not in ref.columns:
        return None, f"label drift not compared: {names[0]} has no column '{label}'"
    spec = gate.per_column.get(label, DriftColumn())
    kind = "numeric" if inputs.task is TaskKind.REGRESSION else "categorical"
    ks_p = (spec.method or gate.method) == "ks"
    pair = read_column(ref, label, names[0]), read_column(inputs.eval.frame, label, names[1])
    stats = column_stats(*pair, kind, gate.bins, label, ks_p)
    return decide(label, "label", stats, spec, gate), ""
