"""When the inputs cannot be evaluated, the schema's verdict on the eval data joins the report.

A run that stops with exit 2 runs no gate, so without this a file with a missing label and empty
non-nullable columns would tell only of the label; fixing it would reveal the columns in the next
run. Here the schema gate runs on what could be read, and its blocking checks become input problems
(after the eval file's own, before the prediction files'), each naming the file, column and rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError, MlgateError, listing, rows_of

if TYPE_CHECKING:
    from mlgate.bundle import LoadedSchema
    from mlgate.config import LoadedConfig
    from mlgate.datatable import DataTable
    from mlgate.result import Check


def _problem(check: Check, where: str) -> InputError:
    details: dict[str, Any] = dict(check.details)
    failing = details.get("rows")
    rows = [e["row"] for e in details.get("examples", []) if isinstance(e, dict) and e.get("row") is not None]
    column = f"column '{check.attribute}': " if check.attribute else ""
    if isinstance(failing, int) and rows:
        return InputError(f"{where}: {column}{rows_of(failing)} fail{'s' if failing == 1 else ''} "
                          f"{details.get('check')} "
                          f"(row{'s' if failing > 1 else ''} {listing(rows, failing)})")
    return InputError(f"{where}: {check.message}")


def schema_problems(
    loaded: LoadedConfig,
    frame: DataTable,
    reference: DataTable | None,
    classes: tuple[object, ...] | None,
    skip: set[tuple[str | None, str]],
) -> list[InputError]:
    """The schema gate's blocking checks on the eval (and reference) data as input problems; ``skip``:
    (column, check) pairs already reported by the input checks (a missing label, duplicated ids)."""
    import numpy as np

    from mlgate.bundle import EvalData, GateInputs
    from mlgate.gates.schema import SchemaGate

    cfg = loaded.config
    section = cfg.schema_gate
    if section is None:
        return []
    if classes is None:  # the label could not be encoded: no known classes to check against
        skip |= {(cfg.data.label, "unknown_labels"), (cfg.data.label, "single_class")}
    problems: dict[str, MlgateError] = {}
    schema: LoadedSchema | None = None
    try:
        from mlgate.inputs.read import load_data_schema

        schema = load_data_schema(loaded)
    except MlgateError as exc:
        problems["schema"] = exc
    ev = EvalData(frame=frame, y_true=np.zeros(0, dtype="int64"), classes=classes or (), source=cfg.data.eval,
                  label=cfg.data.label, id_column=cfg.data.id, features=cfg.data.features)
    inputs = GateInputs(task=cfg.task, eval=ev, candidate=None, reference=reference, schema=schema,
                        problems=problems)
    if reference is None and "reference" in section.apply_to:
        section = section.model_copy(update={"apply_to": ("eval",)})
    try:
        result = SchemaGate().run(inputs, section)
    except InputError as exc:
        return [exc]
    except Exception:  # noqa: BLE001 - a failure here must not hide the problems already found
        return []
    where = {"eval": cfg.data.eval, "reference": cfg.data.reference or "data.reference"}
    found = []
    for check in result.checks:
        table, _, rest = check.name.partition(": ")
        name = rest.rpartition(": ")[2] if rest else ""
        if check.blocking and (check.attribute, name) not in skip:
            found.append(_problem(check, where.get(table, cfg.data.eval)))
    return found
