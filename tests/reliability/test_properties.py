"""Property-based tests: any input to the config and table loaders gives a result or a clean error."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.config import parse_config
from mlgate.errors import ConfigError, InputError
from mlgate.io.tables import read_table

KEYS = [
    "version",
    "task",
    "data",
    "eval",
    "label",
    "positive",
    "candidate",
    "baseline",
    "predictions",
    "gates",
    "performance",
    "metrics",
    "accuracy",
    "min",
    "max_drop",
    "fairness",
    "sensitive",
    "drift",
    "schema",
    "report",
    "id",
    "x",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.sampled_from(["binary", "multiclass", "regression", "all", "psi", 1, 0.5]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(documents)
def test_config_loader_structured(doc: object) -> None:
    text = yaml.safe_dump(doc)
    try:
        parse_config(text, "mlgate.yaml")
    except ConfigError as exc:
        assert str(exc).startswith("mlgate.yaml")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_config_loader_any_text(text: str) -> None:
    try:
        parse_config(text, "mlgate.yaml")
    except ConfigError as exc:
        assert str(exc).startswith("mlgate.yaml")


CSV_ALPHABET = st.sampled_from([*'ab,1.5-"\n\r\t; \x00\xff\u00e9', "NA", "none", ""])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(CSV_ALPHABET, max_size=80), st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_csv_loader_any_bytes(parts: list[str], encoding: str) -> None:
    data = "".join(parts).encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(data)
        try:
            frame = read_table(path)
        except InputError as exc:
            assert "t.csv" in str(exc)
        else:
            assert len(frame) > 0


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["t.csv", "t.csv.gz", "t.parquet", "t.jsonl"]))
def test_any_loader_random_bytes(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            read_table(path)
        except InputError as exc:
            assert name in str(exc)
