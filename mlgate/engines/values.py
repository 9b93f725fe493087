"""Column values as the statistics read them, on every engine: numbers (float64, NaN = missing) and
the messages for a value that is not a number or is infinite."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def is_number(s: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s))


def floats(values: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """``values`` as float64 (NaN = missing), and where a non-missing value is not a number (or None)."""
    import numpy as np
    import pandas as pd

    if values.dtype == np.float64:  # NaN is already the missing value: a view, no copy
        return values.to_numpy(), None
    if is_number(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan), None
    coerced = pd.to_numeric(values, errors="coerce")
    bad = coerced.isna().to_numpy() & values.notna().to_numpy()
    return coerced.to_numpy(dtype=np.float64, na_value=np.nan), bad


def not_a_number(where: str, row: int, column: str, value: object) -> InputError:
    return InputError(
        f"{where}: row {row}: column '{column}' has {value!r}, not a number",
        hint=f"set gates.drift.per_column.{column}.kind: categorical, or fix the value",
    )


def infinite(where: str, row: int, column: str, rows: int) -> InputError:
    return InputError(f"{where}: row {row}: column '{column}' is infinite ({rows} rows)")
