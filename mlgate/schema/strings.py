"""One logical string type for pandera schemas and GX suites, whatever storage wrote or reads the text.

The same text column is ``object`` on pandas 2, ``str`` (``StringDtype(na_value=nan)``) on pandas 3,
``string[python]`` or ``string[pyarrow]`` when asked for, and pandera writes whichever it saw
(``DataFrameSchema.to_yaml()``: ``string[python]`` without pyarrow, ``string[pyarrow]`` with it;
pandera's own checks compare storages exactly, ``pandas_engine.STRING.check``). A schema written on
one machine then fails valid data read on another ("has dtype str, expected string[python]"). So a
string dtype in a schema means *text*: any ``pd.StringDtype``, a pyarrow string ``ArrowDtype``, or an
``object`` column whose values are all ``str`` (or missing) passes it. A schema that declares
``object`` keeps pandera's meaning for object columns (any values) and accepts text dtypes too.

A schema that really means one storage says so (docs/gates/schema.md, "String columns"):

- pandera YAML, every string column: ``metadata: {mlgate: {exact_string_dtype: true}}`` at the top;
  some columns only: ``exact_string_dtype: [name, code]``;
- pandera Python: the same schema ``metadata``, or ``Column(..., metadata={"mlgate":
  {"exact_string_dtype": True}})`` on a column;
- GX suite: ``"meta": {"mlgate": {"exact_string_dtype": true}}`` on the suite or on one expectation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

FLAG = "exact_string_dtype"
# pandera's names of its string dtypes (str(DataType)), pandas 2 and 3, with and without pyarrow.
PANDERA_TEXT = frozenset({"str", "string", "string[python]", "string[pyarrow]"})
PANDERA_OBJECT = "object"
# Type names a GX suite may give for text: numpy/Python names (np.dtype(name)), pandas' StringDtype.
GX_TEXT = frozenset({"str", "string", "string[python]", "string[pyarrow]", "StringDtype", "unicode", "str_",
                     "unicode_", "U"})
GX_OBJECT = frozenset({"object", "O", "object_"})


def text_dtype(dtype: object) -> bool:
    """True for every pandas storage of text: ``StringDtype`` (any storage and NA value) and the
    pyarrow string types behind ``pd.ArrowDtype``."""
    import pandas as pd

    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        t = dtype.pyarrow_dtype
        return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t))
    return False


def holds_text(series: pd.Series) -> bool:
    """A column of text: a text dtype, or ``object`` holding only ``str`` and missing values."""
    import numpy as np
    import pandas as pd

    if text_dtype(series.dtype):
        return True
    return bool(series.dtype == np.dtype(object)) and pd.api.types.infer_dtype(series, skipna=True) in (
        "string", "empty")


def _text_cells(series: pd.Series) -> pd.Series:
    """Which cells of an ``object`` column are text or missing (the others fail the dtype)."""
    import pandas as pd

    return series.map(lambda v: isinstance(v, str) or bool(pd.isna(v)) if not isinstance(
        v, list | tuple | dict) else False).astype(bool)


def _pandera_datatype() -> type:
    from pandera.engines import pandas_engine

    # A subclass of the pandas engine's DataType: pandera takes an instance of it as a column's dtype
    # as is (Engine.dtype returns instances of its base dtypes unchanged).
    @dataclasses.dataclass(frozen=True)
    class LogicalString(pandas_engine.DataType):  # type: ignore[misc]
        """A pandera dtype that accepts text in any storage; coercion is the declared dtype's."""

        type: Any = dataclasses.field(default=None, repr=False, init=False)
        declared: Any = None
        any_object: bool = False

        def __post_init__(self) -> None:
            object.__setattr__(self, "type", self.declared.type)

        def check(self, pandera_dtype: Any, data_container: Any = None) -> Any:
            import numpy as np

            seen = getattr(pandera_dtype, "type", None)
            if text_dtype(seen):
                return True
            if seen != np.dtype(object):
                return False
            if self.any_object or data_container is None or holds_text(data_container):
                return True
            return _text_cells(data_container)

        def coerce(self, data_container: Any) -> Any:
            if holds_text(data_container):
                return data_container
            return self.declared.coerce(data_container)

        def try_coerce(self, data_container: Any) -> Any:
            if holds_text(data_container):
                return data_container
            return self.declared.try_coerce(data_container)

        def coerce_value(self, value: Any) -> Any:
            return self.declared.coerce_value(value)

        def __str__(self) -> str:
            return PANDERA_OBJECT if self.any_object else "str"

        def __hash__(self) -> int:
            return hash((type(self).__name__, str(self.declared), self.any_object))

    return LogicalString


_CLASS: dict[str, type] = {}


def logical_string(declared: Any) -> Any:
    """The logical string dtype standing for the pandera dtype ``declared``."""
    if "cls" not in _CLASS:
        _CLASS["cls"] = _pandera_datatype()
    return _CLASS["cls"](declared=declared, any_object=str(declared) == PANDERA_OBJECT)


def exact_columns(meta: object, where: str, key: str) -> bool | frozenset[str]:
    """The opt-in of ``meta`` (a schema's or column's metadata): True (all), a set of columns, False."""
    if meta is None:
        return False
    if not isinstance(meta, Mapping):
        raise InputError(f"{where}: {key} must be a mapping")
    mine = meta.get("mlgate")
    if mine is None:
        return False
    if not isinstance(mine, Mapping):
        raise InputError(f"{where}: {key}.mlgate must be a mapping, e.g. {{{FLAG}: true}}")
    value = mine.get(FLAG, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return frozenset(value)
    raise InputError(
        f"{where}: {key}.mlgate.{FLAG} must be true, false or a list of column names",
        hint="true keeps every string column's exact storage (string[python], string[pyarrow], str)",
    )


def pandera_logical(schema: Any, where: str) -> Any:
    """``schema`` with every string dtype replaced by the logical string type, except where the schema
    (or the column) opts into the exact storage."""
    exact = exact_columns(schema.metadata, where, "metadata")
    if exact is True:
        return schema
    updates: dict[str, dict[str, Any]] = {}
    for name, col in schema.columns.items():
        if col.dtype is None or str(col.dtype) not in PANDERA_TEXT | {PANDERA_OBJECT}:
            continue
        if (isinstance(exact, frozenset) and name in exact) or exact_columns(
            col.metadata, where, f"columns.{name}.metadata"
        ) is True:
            continue
        updates[name] = {"dtype": logical_string(col.dtype)}
    return schema.update_columns(updates) if updates else schema


def _gx_names(exp: Mapping[str, Any]) -> list[str] | None:
    """The type names a GX type expectation accepts, or None for any other expectation."""
    kwargs = exp.get("kwargs") or {}
    if exp.get("type") == "expect_column_values_to_be_of_type":
        return [str(kwargs.get("type_"))]
    if exp.get("type") == "expect_column_values_to_be_in_type_list":
        names = kwargs.get("type_list")
        return [str(n) for n in names] if isinstance(names, list) else None
    return None


def gx_logical(suite: Mapping[str, Any], frame: pd.DataFrame, where: str) -> tuple[dict[str, Any], int]:
    """``suite`` without the type expectations that the logical string type decides as passed, and
    how many were taken out (they still count as checks).

    GX compares a pandas column's dtype with ``np.dtype(name)`` or ``pandas.<name>``
    (expect_column_values_to_be_of_type._validate_pandas), so no name in a suite matches pandas 3's
    ``str`` columns. A type expectation naming a text type passes here on a column of text (any
    storage), one naming ``object`` on any ``object`` column or text; every other case is left to GX.
    """
    import numpy as np

    suite_exact = exact_columns(suite.get("meta"), where, "meta")
    if suite_exact is True:
        return dict(suite), 0
    kept: list[Any] = []
    decided = 0
    for i, exp in enumerate(suite["expectations"]):
        names = _gx_names(exp)
        column = (exp.get("kwargs") or {}).get("column")
        if (
            names is None
            or not isinstance(column, str)
            or column not in frame.columns
            or (isinstance(suite_exact, frozenset) and column in suite_exact)
            or exact_columns(exp.get("meta"), where, f"expectations[{i}].meta") is True
        ):
            kept.append(exp)
            continue
        series = frame[column]
        text = any(n in GX_TEXT for n in names) and holds_text(series)
        obj = any(n in GX_OBJECT for n in names) and (
            series.dtype == np.dtype(object) or text_dtype(series.dtype))
        if text or obj:
            decided += 1
        else:
            kept.append(exp)
    return {**suite, "expectations": kept}, decided
