"""``deepchecks`` gate: run a deepchecks tabular suite and fold every condition result into checks.

deepchecks 0.19.1 (the latest release) imports only on numpy < 2, pandas < 2.3 and scikit-learn < 1.6.
The stack is checked from package metadata *before* importing it, so a newer stack gives one clear
gate error with the working pins, and the other gates run as usual. See docs/gates/deepchecks.md.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping
from contextlib import redirect_stderr, redirect_stdout
from typing import TYPE_CHECKING, Any

from mlgate.config.gates_data import DeepchecksSection
from mlgate.errors import InputError
from mlgate.gates.interface import Gate
from mlgate.metrics_registry import TaskKind
from mlgate.result import Check, ErrorKind, GateResult, Status

if TYPE_CHECKING:
    from mlgate.bundle import EvalData, GateInputs
    from mlgate.datatable import DataTable

# The pinned stack that deepchecks 0.19.1 works on (its setup requires and its import-time failures
# on numpy 2, pandas 2.3 and scikit-learn 1.6).
PINS = ("deepchecks==0.19.1", "numpy<2", "pandas<2.3", "scikit-learn<1.6")
# package -> exclusive upper bound (major, minor)
UPPER = {"numpy": (2, 0), "pandas": (2, 3), "scikit-learn": (1, 6)}
INSTALL = "pip install " + " ".join(f'"{p}"' for p in PINS)


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3])


def installed_versions() -> dict[str, str | None]:
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str | None] = {}
    for name in ("deepchecks", *UPPER):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def stack_problem(versions: Mapping[str, str | None]) -> str | None:
    """Why deepchecks cannot run on these package versions, or None when it can."""
    if versions.get("deepchecks") is None:
        return f"deepchecks is not installed; install it in its own environment: {INSTALL}"
    bad = []
    for name, upper in UPPER.items():
        found = versions.get(name)
        if found is not None and _version_tuple(found)[:2] >= upper:
            bad.append(f"{name} {found} (needs <{upper[0]}.{upper[1]})")
    if bad:
        return (
            f"deepchecks {versions['deepchecks']} does not work with {', '.join(bad)}; run this gate in "
            f"a separate environment: {INSTALL}"
        )
    return None


def _import_deepchecks() -> Any:
    problem = stack_problem(installed_versions())
    if problem is not None:
        raise InputError(f"deepchecks: {problem}", hint="see docs/gates/deepchecks.md")
    try:
        import deepchecks.tabular as tabular
    except Exception as exc:  # noqa: BLE001 - any import failure means "wrong stack", said once
        raise InputError(
            f"deepchecks: import failed ({type(exc).__name__}: {exc}); working pins: {INSTALL}",
            hint="see docs/gates/deepchecks.md",
        ) from None
    return tabular


def _dataset(tabular: Any, frame: DataTable, ev: EvalData, task: TaskKind) -> Any:
    import pandas as pd

    label, id_col = ev.label, ev.id_column
    skip = {label, id_col}
    features = [c for c in (ev.features or [str(c) for c in frame.columns]) if c not in skip]
    cat = [c for c in features if not pd.api.types.is_numeric_dtype(frame[c])]
    label_type = {
        TaskKind.BINARY: "binary", TaskKind.MULTICLASS: "multiclass", TaskKind.REGRESSION: "regression"
    }
    # The id is the index, so Identifier Label Correlation can look for a leaking id.
    index = [id_col] if id_col is not None and id_col in frame.columns else []
    return tabular.Dataset(
        frame[[*index, *features, label]], label=label, features=features, cat_features=cat,
        label_type=label_type[task], index_name=id_col if index else None,
    )


def _suite(tabular: Any, gate: DeepchecksSection) -> Any:
    from deepchecks.tabular import suites

    kwargs: dict[str, Any] = {"random_state": gate.random_state}
    if gate.n_samples is not None:
        kwargs["n_samples"] = gate.n_samples
    if isinstance(gate.suite, str):
        return getattr(suites, gate.suite)(**kwargs)
    from deepchecks.tabular import checks as available

    # Conditions of a check listed without its own: the ones the built-in suites attach to it.
    defaults = {
        type(c).__name__: c
        for name in ("data_integrity", "train_test_validation", "model_evaluation")
        for c in getattr(suites, name)(**kwargs).checks.values()
    }
    chosen = []
    for name in gate.suite:
        cls = getattr(available, name, None)
        if not isinstance(cls, type):
            raise InputError(
                f"gates.deepchecks.suite: unknown deepchecks check '{name}'",
                hint="use class names from deepchecks.tabular.checks, e.g. FeatureDrift, MixedNulls",
            )
        spec = gate.checks.get(name)
        if spec is not None and spec.conditions:
            check = cls(**{**kwargs, **spec.params}) if "n_samples" in _params(cls) else cls(**spec.params)
            for method, cond_kwargs in spec.conditions.items():
                add = getattr(check, method, None)
                if add is None:
                    known = [m for m in dir(check) if m.startswith("add_condition_")]
                    raise InputError(
                        f"gates.deepchecks.checks.{name}.conditions: '{method}' is not a condition of {name}",
                        hint=f"known: {', '.join(known)}",
                    )
                add(**cond_kwargs)
        elif name in defaults and not (spec and spec.params):
            check = defaults[name]
        else:
            raise InputError(
                f"gates.deepchecks.checks.{name}: no conditions, so it could neither pass nor fail",
                hint=f"add conditions, e.g. {name}: {{conditions: {{add_condition_...: {{}}}}}}",
            )
        chosen.append(check)
    return tabular.Suite("mlgate checks", *chosen)


def _params(cls: type) -> set[str]:
    import inspect

    return set(inspect.signature(cls).parameters)


def _run_args(inputs: GateInputs, gate: DeepchecksSection, tabular: Any) -> dict[str, Any]:
    """Datasets per suite: the eval data alone, or reference (train) vs eval (test), plus predictions."""
    eval_ds = _dataset(tabular, inputs.eval.frame, inputs.eval, inputs.task)
    suite = gate.suite
    needs_reference = suite == "train_test_validation" or (
        isinstance(suite, tuple) and inputs.reference is not None
    )
    args: dict[str, Any] = {}
    if needs_reference:
        if inputs.reference is None:
            raise InputError("deepchecks: train_test_validation needs data.reference (the train data)")
        train = _dataset(tabular, inputs.reference, inputs.eval, inputs.task)
        args.update(train_dataset=train, test_dataset=eval_ds)
    else:
        args.update(train_dataset=eval_ds)
    if suite == "model_evaluation":
        cand = inputs.candidate
        if cand is None:
            raise InputError("deepchecks: model_evaluation needs candidate predictions")
        classes = list(inputs.eval.classes)
        if inputs.task is TaskKind.REGRESSION:
            args.update(y_pred_train=cand.y_pred)
        else:
            import numpy as np

            args.update(y_pred_train=np.asarray(classes, dtype=object)[cand.y_pred], model_classes=classes)
            if cand.scores is not None:
                s = cand.scores
                proba = s if s.ndim == 2 else np.column_stack([1 - s, s])
                args.update(y_proba_train=proba)
    return args


def fold(suite_result: Any, gate: DeepchecksSection) -> tuple[list[Check], list[str]]:
    """Every condition result as a check; a check that could not run is an error, never a pass.

    One exception: in a named suite, a built-in check that does not apply to the inputs given (no
    second dataset, no index, no model) is shown as skipped with deepchecks' reason. A check the
    config lists by name must run.
    """
    from deepchecks.core.check_result import CheckFailure
    from deepchecks.core.errors import (
        DatasetValidationError,
        DeepchecksNotSupportedError,
        ModelValidationError,
    )

    not_applicable = (DatasetValidationError, DeepchecksNotSupportedError, ModelValidationError)

    status_of = {
        "FAIL": Status.FAIL if gate.fail_as == "error" else Status.WARN,
        "WARN": Status.WARN,
        "PASS": Status.PASS,
        "ERROR": Status.ERROR,
    }
    checks: list[Check] = []
    notes: list[str] = []
    for result in suite_result.results:
        header = str(result.get_header())
        if isinstance(result, CheckFailure):
            exc = result.exception
            if isinstance(gate.suite, str) and isinstance(exc, not_applicable):
                checks.append(Check(
                    name=header, status=Status.SKIP, group=header, message=f"not applicable here: {exc}"
                ))
            else:
                checks.append(Check(
                    name=header, status=Status.ERROR, group=header,
                    message=f"could not be evaluated: {type(exc).__name__}: {exc}",
                ))
            continue
        if not result.conditions_results:
            notes.append(f"{header}: ran without conditions (shown by deepchecks only)")
            continue
        for cond in result.conditions_results:
            status = status_of[cond.category.value]
            message = str(cond.details)
            if status is Status.ERROR:
                message = f"condition could not be evaluated: {message}"
            checks.append(Check(name=f"{header}: {cond.name}", status=status, group=header, message=message))
    return checks, notes


class DeepchecksGate(Gate[DeepchecksSection]):
    name = "deepchecks"

    def run(self, inputs: GateInputs, section: DeepchecksSection) -> GateResult:
        gate = section
        tabular = _import_deepchecks()
        suite = _suite(tabular, gate)
        args = _run_args(inputs, gate, tabular)
        # deepchecks draws progress bars and warns on stdout/stderr; only the CLI may print.
        with warnings.catch_warnings(), redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            result = suite.run(**args, with_display=False)
        checks, notes = fold(result, gate)
        counts = {s: sum(c.status is s for c in checks) for s in Status}
        name = gate.suite if isinstance(gate.suite, str) else "checks"
        summary = (
            f"{name}: {len(checks)} conditions, {counts[Status.FAIL]} failed, {counts[Status.WARN]} warned, "
            f"{counts[Status.ERROR]} could not be evaluated"
        )
        # A condition that could not be evaluated makes the gate "could not evaluate" (exit 2), not a bug.
        kind = ErrorKind.INPUT if counts[Status.ERROR] else None
        return GateResult(
            name=self.name, checks=tuple(checks), summary=summary, notes=tuple(notes), error_kind=kind
        )
