"""Text is one logical type in schemas: object, str, string[python] and string[pyarrow] all validate the
same text column, whatever storage wrote the schema or reads the data, unless the schema opts into the
exact storage (``metadata: {mlgate: {exact_string_dtype: ...}}``)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
import yaml

from mlgate.schema.load import load_schema
from mlgate.schema.pandera_engine import validate_pandera
from tests.conftest import run_cli

# How pandas 2 and 3 hold the same text column (pandas 2 reads text as object).
STORAGES = {
    "object": pd.Series(["x", None, "y"], dtype=object),
    "str": pd.Series(["x", None, "y"], dtype=pd.StringDtype(na_value=float("nan"))),
    "string[python]": pd.Series(["x", None, "y"], dtype="string[python]"),
    "string[pyarrow]": pd.Series(["x", None, "y"], dtype="string[pyarrow]"),
}
# What the schema says: pandera's own YAML for each storage (what to_yaml() writes on that machine).
DECLARED = {
    "object": object,
    "str": str,
    "string[python]": pd.StringDtype("python"),
    "string[pyarrow]": pd.StringDtype("pyarrow"),
}


def _yaml_schema(tmp_path: Path, dtype: object, meta: object = None) -> Path:
    schema = pa.DataFrameSchema({"name": pa.Column(dtype, nullable=True), "n": pa.Column(int)})
    doc = yaml.safe_load(schema.to_yaml())
    if meta is not None:
        doc["metadata"] = meta
    path = tmp_path / "schema.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("name,n\nx,1\n,2\ny,3\n", encoding="utf-8")
    return path


def _validate(data: Path, schema: Path) -> tuple[int, str]:
    res = run_cli(["schema", "validate", str(data), "-s", str(schema)])
    return res.exit_code, res.output


@pytest.mark.parametrize("declared", sorted(DECLARED))
def test_pandera_yaml_from_any_storage_validates_the_csv(tmp_path: Path, declared: str) -> None:
    schema = _yaml_schema(tmp_path, DECLARED[declared])
    code, out = _validate(_csv(tmp_path), schema)
    assert code == 0 and "FAIL" not in out, out


@pytest.mark.parametrize("declared", sorted(DECLARED))
@pytest.mark.parametrize("storage", sorted(STORAGES))
def test_every_text_storage_passes_every_text_dtype(tmp_path: Path, declared: str, storage: str) -> None:
    schema = load_schema(str(_yaml_schema(tmp_path, DECLARED[declared])), "auto", tmp_path).schema
    frame = pd.DataFrame({"name": STORAGES[storage], "n": [1, 2, 3]})
    assert validate_pandera(schema, frame, 5).findings == ()


@pytest.mark.parametrize("declared", ["str", "string[python]", "string[pyarrow]"])
def test_numbers_still_fail_a_text_dtype(tmp_path: Path, declared: str) -> None:
    schema = load_schema(str(_yaml_schema(tmp_path, DECLARED[declared])), "auto", tmp_path).schema
    mixed = pd.DataFrame({"name": pd.Series(["x", 3, None], dtype=object), "n": [1, 2, 3]})
    (finding,) = validate_pandera(schema, mixed, 5).findings
    assert finding.check == "dtype" and finding.column == "name" and finding.examples == ((2, 3),)
    numbers = pd.DataFrame({"name": [1.5, 2.5, 3.5], "n": [1, 2, 3]})
    assert [f.check for f in validate_pandera(schema, numbers, 5).findings] == ["dtype"]


def test_exact_storage_is_an_explicit_opt_in(tmp_path: Path) -> None:
    data = _csv(tmp_path)
    schema = _yaml_schema(tmp_path, pd.StringDtype("python"), {"mlgate": {"exact_string_dtype": True}})
    code, out = _validate(data, schema)
    assert code == 1 and "column 'name' has dtype str, expected ('string[python]')" in out
    listed = _yaml_schema(tmp_path, pd.StringDtype("python"), {"mlgate": {"exact_string_dtype": ["name"]}})
    assert _validate(data, listed)[0] == 1
    other = _yaml_schema(tmp_path, pd.StringDtype("python"), {"mlgate": {"exact_string_dtype": ["n"]}})
    assert _validate(data, other)[0] == 0


def test_exact_storage_on_a_python_column(tmp_path: Path) -> None:
    (tmp_path / "schemas.py").write_text(
        "import pandas as pd\nimport pandera.pandas as pa\n"
        "exact = pa.DataFrameSchema({'name': pa.Column(pd.StringDtype('python'), nullable=True,\n"
        "    metadata={'mlgate': {'exact_string_dtype': True}})})\n"
        "logical = pa.DataFrameSchema({'name': pa.Column(pd.StringDtype('python'), nullable=True)})\n",
        encoding="utf-8",
    )
    frame = pd.DataFrame({"name": STORAGES["str"]})
    exact = load_schema("schemas.py:exact", "auto", tmp_path).schema
    logical = load_schema("schemas.py:logical", "auto", tmp_path).schema
    assert [f.check for f in validate_pandera(exact, frame, 5).findings] == ["dtype"]
    assert validate_pandera(logical, frame, 5).findings == ()


def test_a_malformed_opt_in_names_the_schema(tmp_path: Path) -> None:
    schema = _yaml_schema(tmp_path, str, {"mlgate": {"exact_string_dtype": "yes"}})
    code, out = _validate(_csv(tmp_path), schema)
    assert code == 2 and "schema.yaml" in out and "exact_string_dtype" in out and "Traceback" not in out


def test_infer_writes_the_logical_type(tmp_path: Path) -> None:
    data = _csv(tmp_path)
    res = run_cli(["schema", "infer", str(data)])
    assert res.exit_code == 0, res.output
    doc = yaml.safe_load(res.stdout)
    assert doc["columns"]["name"]["dtype"] == "str"
    out = tmp_path / "inferred.yaml"
    out.write_text(res.stdout, encoding="utf-8")
    assert _validate(data, out)[0] == 0


GX_SUITE = {
    "name": "types",
    "expectations": [
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "name", "type_": "str"}},
        {"type": "expect_column_values_to_be_in_type_list",
         "kwargs": {"column": "name", "type_list": ["object", "StringDtype"]}},
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "name", "type_": "string"}},
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "n", "type_": "str"}},
    ],
}


def test_gx_type_expectations_see_one_text_type(tmp_path: Path) -> None:
    from mlgate.errors import InputError
    from mlgate.schema.ge_engine import import_gx

    try:
        import_gx()  # with its guard against pyspark's import-time exit
    except InputError:
        pytest.skip("great_expectations is not installed (the ge extra)")
    suite = tmp_path / "suite.json"
    suite.write_text(json.dumps(GX_SUITE), encoding="utf-8")
    code, out = _validate(_csv(tmp_path), suite)
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert code == 1 and len(fails) == 1 and fails[0].startswith("FAIL n:"), out
    assert "3 of 4 checks pass" in out
    suite.write_text(json.dumps({**GX_SUITE, "meta": {"mlgate": {"exact_string_dtype": True}}}),
                     encoding="utf-8")
    code, out = _validate(_csv(tmp_path), suite)
    assert sum(line.startswith("FAIL name:") for line in out.splitlines()) >= 2, out


@pytest.mark.parametrize("name", ["t.csv", "t.jsonl"])
def test_a_utf8_bom_validates_like_no_bom(tmp_path: Path, name: str) -> None:
    from mlgate.io.tables import read_table

    text = "name,n\nx,1\n,2\ny,3\n" if name.endswith(".csv") else (
        '{"name": "x", "n": 1}\n{"name": null, "n": 2}\n{"name": "y", "n": 3}\n')
    plain, bom = tmp_path / name, tmp_path / f"bom_{name}"
    plain.write_text(text, encoding="utf-8")
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    frame = read_table(bom)
    assert list(frame.columns) == ["name", "n"]
    pd.testing.assert_frame_equal(frame, read_table(plain))
    schema = _yaml_schema(tmp_path, str)
    assert _validate(bom, schema)[0] == 0


def test_values_of_the_wrong_type_are_named_by_row_not_as_a_dtype(tmp_path: Path) -> None:
    """A text column holding some numbers (a DataFrame handed to ``mlgate.check``) fails pandera's
    per-value type check: the message names the rows and values, never "has dtype 7"."""
    from mlgate.gates.schema import describe

    schema = load_schema(str(_yaml_schema(tmp_path, str)), "auto", tmp_path).schema
    mixed = pd.DataFrame({"name": pd.Series(["x", 7, "y", 2.5], dtype=object), "n": [1, 2, 3, 4]})
    (finding,) = validate_pandera(schema, mixed, 5).findings
    text = describe(finding, 4)
    assert "has dtype" not in text, text
    assert text.startswith("2 of 4 rows (50.00%) in 'name' fail dtype"), text
    assert text.endswith("e.g. row 2: 7, row 4: 2.5"), text  # rows count from 1
    # A column whose dtype is wrong as a whole is still said that way.
    floats = pd.DataFrame({"name": ["x", "y", "z", "w"], "n": [1.5, 2.5, 3.5, 4.5]})
    (whole,) = validate_pandera(schema, floats, 5).findings
    assert describe(whole, 4) == "column 'n' has dtype float64, expected ('int64')"
