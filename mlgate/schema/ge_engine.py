"""Validate a frame with a Great Expectations 1.x suite (the optional ``ge`` extra).

GX 1.x API (docs.greatexpectations.io, "Connect to data in a pandas DataFrame"): an ephemeral data
context, a pandas data source, a dataframe asset with a whole-dataframe batch definition, then
``batch.validate(suite, result_format=...)``. ``SUMMARY`` results give ``unexpected_count`` and the
first ``partial_unexpected_count`` values with their index (``partial_unexpected_index_list``), which
is all the gate shows, without materialising every failing value as ``COMPLETE`` would.
A suite of row-wise expectations is validated in row batches (:func:`validate_ge_table`).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError
from mlgate.schema.findings import Finding, Severity, Validation, examples_from, plain

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.datatable import DataTable

_state: dict[str, Any] = {}
_counter = itertools.count()


def import_gx() -> Any:
    import sys

    # GX imports pyspark's Spark Connect module when pyspark is installed, and that module calls
    # sys.exit(0) when ``__main__`` has no __spec__/__file__ and ``sys.ps1`` is unset, taking it for a
    # doctest run (pyspark/sql/connect/utils.py, check_dependencies). Embedded interpreters and test
    # workers look like that; a temporary ``sys.ps1`` keeps the import from exiting the process.
    shim = not hasattr(sys, "ps1")
    if shim:
        sys.ps1 = ""
    try:
        import great_expectations as gx
    except ImportError:
        raise InputError(
            "the schema is a Great Expectations suite but great_expectations is not installed",
            hint="pip install 'mlgate[ge]'",
        ) from None
    finally:
        if shim:
            del sys.ps1
    return gx


def _datasource() -> Any:
    """One ephemeral context per process: creating it costs far more than a validation."""
    if "ds" not in _state:
        gx = import_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context = gx.get_context(mode="ephemeral")
        # Progress bars would write to the terminal from inside a gate; only the CLI prints.
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        _state["ds"] = context.data_sources.add_pandas("mlgate")
    return _state["ds"]


def build_suite(suite: Mapping[str, Any], where: str) -> Any:
    gx = import_gx()
    logger = logging.getLogger("great_expectations")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # GX logs a traceback before raising on a bad expectation
    try:
        return gx.ExpectationSuite(
            name=str(suite.get("name") or "mlgate"),
            expectations=[dict(e) for e in suite["expectations"]],
            meta=suite.get("meta") or {},
        )
    except Exception as exc:  # noqa: BLE001 - GX raises several types for an invalid suite
        raise InputError(f"{where}: invalid Great Expectations suite: {exc}") from None
    finally:
        logger.setLevel(level)


def _severity(config: Any) -> Severity | None:
    value = getattr(getattr(config, "severity", None), "value", None)
    if value is None:
        return None
    return "error" if value == "critical" else "warn"


def _exception_message(info: Any) -> str | None:
    if not isinstance(info, Mapping):
        return None
    if info.get("raised_exception"):
        return str(info.get("exception_message"))
    for sub in info.values():
        if isinstance(sub, Mapping) and sub.get("raised_exception"):
            return str(sub.get("exception_message"))
    return None


def describe(config: Any) -> str:
    kwargs = {k: v for k, v in dict(config.kwargs).items() if k not in ("column", "batch_id")}
    args = ", ".join(f"{k}={v!r}" for k, v in sorted(kwargs.items()))
    return f"{config.type}({args})"


def _results(gx_suite: Any, frame: pd.DataFrame, max_examples: int) -> list[Any]:
    asset = _datasource().add_dataframe_asset(f"frame_{next(_counter)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        gx_suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": max(1, max_examples)}
    )
    return list(result.results)


Merged = tuple[int, list[Any], list[Any]]  # unexpected count, example rows, example values


def _finding(r: Any, max_examples: int, merged: Merged | None = None) -> Finding | None:
    """The finding of one failed expectation; ``merged``: its (unexpected count, example rows, example
    values) over all batches, which decide instead of the single result."""
    config = r.expectation_config
    column = config.kwargs.get("column")
    check = str(config.type)
    text = describe(config)
    sev = _severity(config)
    error = _exception_message(r.exception_info)
    res = dict(r.result or {})
    if error is not None:
        return Finding(column, check, text, None, ((None, plain(error)),), sev)
    if merged is not None:
        count, rows, values = merged
        shown = examples_from(rows, values, max_examples)
        return Finding(column, check, text, count, shown, sev) if count else None
    if r.success:
        return None
    if "unexpected_count" in res:
        return Finding(
            column,
            check,
            text,
            int(res["unexpected_count"]),
            examples_from(
                res.get("partial_unexpected_index_list") or [],
                res.get("partial_unexpected_list") or [],
                max_examples,
            ),
            sev,
        )
    return Finding(column, check, text, None, ((None, plain(res.get("observed_value"))),), sev)


def validate_ge(suite: Mapping[str, Any], frame: pd.DataFrame, max_examples: int, where: str) -> Validation:
    from mlgate.schema.strings import gx_logical

    # Type expectations naming text are decided by storage-free rules first (mlgate.schema.strings).
    suite, decided = gx_logical(suite, frame, where)
    results = _results(build_suite(suite, where), frame, max_examples) if suite["expectations"] else []
    findings = [f for r in results if (f := _finding(r, max_examples)) is not None]
    return Validation(len(frame), len(results) + decided, tuple(findings))


# Expectations that judge each row on its own (GX "column map" expectations): their unexpected rows
# in consecutive batches add up. Uniqueness and the type list are map expectations too, but span rows
# (a value seen in an earlier batch) or depend on the dtype of the whole column (a Parquet integer
# column with nulls reads as float64 only in the batches holding a null).
ROW_WISE = frozenset({
    "expect_column_values_to_be_between", "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set", "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_null", "expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex", "expect_column_values_to_match_regex_list",
    "expect_column_values_to_not_match_regex_list", "expect_column_value_lengths_to_be_between",
    "expect_column_value_lengths_to_equal",
})
# Expectations on the column names only: the same verdict in every batch.
NAMES_ONLY = frozenset({
    "expect_column_to_exist", "expect_table_columns_to_match_set",
    "expect_table_columns_to_match_ordered_list", "expect_table_column_count_to_equal",
    "expect_table_column_count_to_be_between",
})


def row_wise(suite: Mapping[str, Any]) -> bool:
    """True when batches can be validated apart: every expectation judges rows one at a time (without
    ``mostly``, a share of the whole column) or only the column names."""
    return all(
        e["type"] in NAMES_ONLY or (e["type"] in ROW_WISE and "mostly" not in (e.get("kwargs") or {}))
        for e in suite["expectations"]
    )


def validate_ge_table(
    suite: Mapping[str, Any], table: DataTable, max_examples: int, where: str, rows: int
) -> Validation:
    """:func:`validate_ge` of the whole table. A suite of row-wise expectations is validated in batches
    of ``rows`` rows and the unexpected rows merged; any other suite (aggregates such as a mean, a row
    count or uniqueness need every row at once) on the whole table."""
    if len(table) <= rows or not row_wise(suite):
        return validate_ge(suite, table.to_pandas(), max_examples, where)
    gx_suite = build_suite(suite, where)
    first: list[Any] = []  # the first batch's results, in GX's order
    merged: dict[tuple[str, int], Merged] = {}
    for batch in table.batches(rows=rows):
        results = _results(gx_suite, batch, max_examples)
        first = first or results
        for key, r in zip(_keys(results), results, strict=True):
            res = dict(r.result or {})
            count, shown, values = merged.get(key, (0, [], []))
            room = max_examples - len(shown)
            merged[key] = (
                count + int(res.get("unexpected_count") or 0),
                shown + list(res.get("partial_unexpected_index_list") or [])[:room],
                values + list(res.get("partial_unexpected_list") or [])[:room],
            )
    findings = [
        _finding(r, max_examples, merged[key] if r.expectation_config.type in ROW_WISE else None)
        for key, r in zip(_keys(first), first, strict=True)
    ]
    return Validation(len(table), len(first), tuple(f for f in findings if f is not None))


def _keys(results: list[Any]) -> list[tuple[str, int]]:
    """An expectation's identity across batches: its text and column, and which repeat of it."""
    seen: dict[str, int] = {}
    keys = []
    for r in results:
        config = r.expectation_config
        text = f"{config.kwargs.get('column')}\x1f{describe(config)}\x1f{config.type}"
        seen[text] = seen.get(text, -1) + 1
        keys.append((text, seen[text]))
    return keys
