"""Every number the gates write goes through one formatter: a missing or undefined value reads the
same in every gate's messages and tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlgate.gates import _compare_text, _fairness_stats
from mlgate.stats.drift import bin_labels
from mlgate.text import number


@pytest.mark.parametrize("fmt", [_compare_text.fmt, _fairness_stats.fmt, number])
@pytest.mark.parametrize("missing", [None, math.nan, math.inf, -math.inf, np.float64("nan")])
def test_a_missing_value_is_written_n_a(fmt: object, missing: float | None) -> None:
    assert callable(fmt)
    assert fmt(missing) == "n/a"


def test_numbers_keep_four_significant_digits() -> None:
    assert [number(x) for x in (0.123456, 1234.5678, -0.0001234)] == ["0.1235", "1235", "-0.0001234"]
    assert number(0.123456, 3) == "0.123"
    assert bin_labels(np.array([0.5, 1.23456])) == ("<= 0.5", "(0.5, 1.235]", "> 1.235")
