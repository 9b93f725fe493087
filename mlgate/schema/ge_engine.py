"""Validate a frame with a Great Expectations 1.x suite (the optional ``ge`` extra).

GX 1.x API (docs.greatexpectations.io, "Connect to data in a pandas DataFrame"): an ephemeral data
context, a pandas data source, a dataframe asset with a whole-dataframe batch definition, then
``batch.validate(suite, result_format=...)``. ``SUMMARY`` results give ``unexpected_count`` and the
first ``partial_unexpected_count`` values with their index (``partial_unexpected_index_list``), which
is all the gate shows, without materialising every failing value as ``COMPLETE`` would.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError
from mlgate.schema.findings import Finding, Outcome, Severity, examples_from, plain

if TYPE_CHECKING:
    import pandas as pd

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


def validate_ge(suite: Mapping[str, Any], frame: pd.DataFrame, max_examples: int, where: str) -> Outcome:
    gx_suite = build_suite(suite, where)
    asset = _datasource().add_dataframe_asset(f"frame_{next(_counter)}")
    batch = asset.add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        gx_suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": max(1, max_examples)}
    )
    findings: list[Finding] = []
    for r in result.results:
        if r.success:
            continue
        config = r.expectation_config
        column = config.kwargs.get("column")
        check = str(config.type)
        text = describe(config)
        sev = _severity(config)
        error = _exception_message(r.exception_info)
        res = dict(r.result or {})
        if error is not None:
            findings.append(Finding(column, check, text, None, ((None, plain(error)),), sev))
        elif "unexpected_count" in res:
            findings.append(
                Finding(
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
            )
        else:
            observed = res.get("observed_value")
            findings.append(Finding(column, check, text, None, ((None, plain(observed)),), sev))
    return Outcome(len(frame), len(result.results), tuple(findings))
