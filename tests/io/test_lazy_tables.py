"""Lazy input tables: Parquet columns read on demand within a cache budget, row batches, and models
scored batch by batch with the same result as scoring the whole table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlgate.config import load_config
from mlgate.errors import InputError
from mlgate.inputs import build_inputs
from mlgate.io import lazy
from mlgate.io.lazy import FrameTable, ParquetTable
from mlgate.io.tables import open_table


@pytest.fixture
def wide(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(7)
    n = 5000
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(8)})
    frame["cat"] = rng.choice(["a", "b", "c"], size=n)
    frame.loc[::97, "x3"] = np.nan
    path = tmp_path / "wide.parquet"
    # Several row groups, so that batches cross row-group borders.
    frame.to_parquet(path, index=False, row_group_size=1234)
    return path, frame


class Spy(ParquetTable):
    """Records which columns each read from the file asked for."""

    def __init__(self, path: Path, source: str) -> None:
        super().__init__(path, source)
        self.requests: list[list[str]] = []

    def _load(self, columns: list[str]) -> pd.DataFrame:
        self.requests.append(list(columns))
        return super()._load(columns)


def test_reads_only_the_requested_columns(wide: tuple[Path, pd.DataFrame]) -> None:
    path, frame = wide
    table = Spy(path, "wide.parquet")
    assert table.columns == list(frame.columns) and len(table) == len(frame)
    assert table.requests == []  # opening reads the footer only
    pd.testing.assert_series_equal(table["x3"], frame["x3"])
    pd.testing.assert_frame_equal(table[["cat", "x1"]], frame[["cat", "x1"]])
    assert table.requests == [["x3"], ["cat", "x1"]]
    table["x3"]  # cached: no new read
    assert table.requests == [["x3"], ["cat", "x1"]]


def test_cache_stays_within_its_budget(
    wide: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, frame = wide
    one_column = frame["x0"].memory_usage(index=False)
    monkeypatch.setenv("MLGATE_COLUMN_CACHE_MB", str(2.5 * one_column / 2**20))
    table = Spy(path, "wide.parquet")
    for name in ("x0", "x1", "x2"):
        table[name]
    assert table._held <= 2.5 * one_column
    assert list(table._cache) == ["x1", "x2"]  # least recently used went first
    table["x0"]
    assert table.requests[-1] == ["x0"]


def test_read_without_keeping(wide: tuple[Path, pd.DataFrame]) -> None:
    path, frame = wide
    table = Spy(path, "wide.parquet")
    table["x0"]
    pd.testing.assert_series_equal(table.read(["x1"], keep=False)["x1"], frame["x1"])
    assert list(table._cache) == ["x0"]  # x1 was not kept, x0 was not dropped
    table.read(["x0"], keep=False)  # a kept column is still served from the cache
    assert table.requests == [["x0"], ["x1"]]


def test_a_zero_budget_caches_nothing(
    wide: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_COLUMN_CACHE_MB", "0")
    table = Spy(wide[0], "wide.parquet")
    table["x0"]
    table["x0"]
    assert table.requests == [["x0"], ["x0"]]


def test_bad_budget_is_an_input_error(
    wide: tuple[Path, pd.DataFrame], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_COLUMN_CACHE_MB", "lots")
    with pytest.raises(InputError, match="MLGATE_COLUMN_CACHE_MB: 'lots' is not a number"):
        ParquetTable(wide[0], "wide.parquet")


def test_batches_cover_every_row_once_with_absolute_row_numbers(wide: tuple[Path, pd.DataFrame]) -> None:
    path, frame = wide
    parts = list(ParquetTable(path, "wide.parquet").batches(["x3", "cat"], rows=700))
    assert [len(p) for p in parts][:2] == [700, 700]
    assert all(p.index[0] == i * 700 for i, p in enumerate(parts))
    pd.testing.assert_frame_equal(pd.concat(parts), frame[["x3", "cat"]])


def test_in_memory_table_is_one_batch() -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}, index=[5, 6, 7])
    table = FrameTable(frame, "t.csv")
    assert list(table["a"].index) == [0, 1, 2]  # row numbers are positions
    (only,) = list(table.batches(["b"]))
    assert only["b"].tolist() == ["x", "y", "z"]


def test_missing_column_names_the_file(wide: tuple[Path, pd.DataFrame]) -> None:
    with pytest.raises(InputError, match=r"wide.parquet: no column 'nope'") as err:
        ParquetTable(wide[0], "wide.parquet")["nope"]
    assert err.value.hint is not None and "x0" in err.value.hint


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no data rows"),
        (b"PAR1 this is not parquet PAR1", "not a readable Parquet file"),
    ],
)
def test_unusable_parquet_files(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "t.parquet"
    if content is None:
        pd.DataFrame({"a": pd.Series([], dtype="float64")}).to_parquet(path)
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_table(path, columns=None, null_values=("",), display="t.parquet")


def test_duplicated_column_names(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([pa.array([1]), pa.array([2])], names=["a", "a"]), path)
    with pytest.raises(InputError, match=r"dup.parquet: duplicated column name 'a'"):
        ParquetTable(path, "dup.parquet")


FEATURES = ["duration_months", "credit_amount", "installment_rate", "age"]


def _parquet_model_project(root: Path, model_line: str) -> tuple[Path, pd.DataFrame, object]:
    evalset = pd.read_csv(root / "data" / "eval.csv", keep_default_na=False, na_values=[""])
    evalset.to_parquet(root / "data" / "eval.parquet", index=False)
    train = pd.read_csv(root / "data" / "train.csv", keep_default_na=False)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(
        train[FEATURES], train["credit"]
    )
    text = (root / "mlgate.yaml").read_text(encoding="utf-8")
    text = text.replace("data/eval.csv", "data/eval.parquet").replace(
        "  predictions: out/candidate.csv", model_line
    )
    text = text.replace("  id: id\n", f"  id: id\n  features: [{', '.join(FEATURES)}]\n", 1)
    (root / "mlgate.yaml").write_text(text, encoding="utf-8")
    return root / "mlgate.yaml", evalset, model


def test_model_scored_in_row_batches_equals_scoring_the_whole_table(
    demo_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import skops.io as sio

    config, evalset, model = _parquet_model_project(demo_project, "  model: model.skops")
    sio.dump(model, demo_project / "model.skops")
    calls: list[int] = []
    real = ParquetTable.batches

    def counting(self: ParquetTable, columns: list[str] | None = None, rows: int | None = None):  # type: ignore[no-untyped-def]
        for part in real(self, columns, rows):
            calls.append(len(part))
            yield part

    monkeypatch.setattr(lazy, "BATCH_ROWS", 64)
    monkeypatch.setattr(ParquetTable, "batches", counting)
    cand = build_inputs(load_config(config)).candidate
    assert cand is not None and cand.scores is not None
    assert calls[:4] == [64, 64, 64, 64] and sum(calls) == len(evalset)  # really in batches
    classes = ("bad", "good")
    assert [classes[i] for i in cand.y_pred] == list(model.predict(evalset[FEATURES]))  # type: ignore[attr-defined]
    np.testing.assert_allclose(cand.scores, model.predict_proba(evalset[FEATURES])[:, 1])  # type: ignore[attr-defined]


def test_onnx_model_scored_in_row_batches(demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skl2onnx import to_onnx

    config, evalset, model = _parquet_model_project(demo_project, "  model: model.onnx")
    x = evalset[FEATURES].to_numpy(dtype="float32")
    (demo_project / "model.onnx").write_bytes(to_onnx(model, x[:1]).SerializeToString())
    whole = build_inputs(load_config(config)).candidate
    monkeypatch.setattr(lazy, "BATCH_ROWS", 50)
    batched = build_inputs(load_config(config)).candidate
    assert whole is not None and batched is not None and batched.scores is not None
    np.testing.assert_array_equal(batched.y_pred, whole.y_pred)
    np.testing.assert_allclose(batched.scores, whole.scores)  # type: ignore[arg-type]
    proba = model.predict_proba(evalset[FEATURES])[:, 1]  # type: ignore[attr-defined]
    np.testing.assert_allclose(batched.scores, proba, atol=1e-4)


def test_datetime_columns_from_the_schema(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "when": pd.date_range("2026-01-01", periods=4, freq="D"),
            "day": pd.Series(pd.date_range("2026-01-01", periods=4, freq="D").date, dtype=object),
            "x": [1.0, 2.0, 3.0, 4.0],
        }
    )
    frame.to_parquet(tmp_path / "t.parquet", index=False)
    table = Spy(tmp_path / "t.parquet", "t.parquet")
    assert table.datetime_columns(["when", "day", "x"]) == ["when"]
    assert table.requests == []  # no rows read
    # The same answer as looking at the columns pandas reads.
    assert FrameTable(pd.read_parquet(tmp_path / "t.parquet"), "t").datetime_columns(
        ["when", "day", "x"]
    ) == ["when"]
