"""The schema gate end to end on the demo project: each defect gives the exact check, rows and exit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from tests.schema.helpers import EVAL, check, edit_csv, failing, gate, schema_only, set_config


def test_demo_data_passes(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    code, card = check(demo_project, cli)
    assert code == 0
    g = gate(card)
    assert g["status"] == "pass"
    assert g["checks"][0]["name"] == "eval: schema"
    assert "pandera-yaml schema schemas/eval.yaml" in g["checks"][0]["message"]


def _set(rows: list[int], column: str, value: str) -> Any:
    def fn(frame: pd.DataFrame) -> None:
        frame.loc[rows, column] = value

    return fn


def test_out_of_range_names_column_rows_and_values(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    edit_csv(demo_project, EVAL, _set([4, 9], "age", "500"))
    code, card = check(demo_project, cli)
    assert code == 1
    bad = failing(card)
    assert set(bad) == {"eval: age: in_range"}
    c = bad["eval: age: in_range"]
    assert c["status"] == "fail" and c["attribute"] == "age"
    assert c["details"]["rows"] == 2
    assert c["value"] == 2 / 300
    assert c["details"]["examples"] == [{"row": 5, "value": 500}, {"row": 10, "value": 500}]
    assert c["message"].startswith("2 of 300 rows (0.67%) in 'age' fail in_range(")
    assert "row 5: 500, row 10: 500" in c["message"]


def test_third_class_is_a_schema_failure_not_a_crash(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    edit_csv(demo_project, EVAL, _set([7], "credit", "maybe"))
    code, card = check(demo_project, cli)
    assert code == 1
    bad = failing(card)
    assert bad["eval: credit: unknown_labels"]["details"]["examples"] == [{"row": 8, "value": "maybe"}]
    assert bad["eval: credit: isin"]["details"]["rows"] == 1


def test_third_class_without_the_schema_gate_is_exit_2(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project, unknown_labels="off")
    edit_csv(demo_project, EVAL, _set([7], "credit", "maybe"))
    code, _ = check(demo_project, cli)
    assert code == 2


def test_missing_and_unexpected_columns(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    edit_csv(demo_project, EVAL, lambda f: f.drop(columns=["telephone"]).assign(extra="x"))
    code, card = check(demo_project, cli)
    assert code == 1
    bad = failing(card)
    assert bad["eval: telephone: column_in_dataframe"]["message"] == "column 'telephone' is missing"
    extra = bad["eval: extra: column_in_schema"]
    assert extra["message"] == "unexpected column 'extra' (the schema is strict)"


def test_duplicate_ids_builtin_and_schema(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    # Duplicated eval ids would break the join with the predictions first (exit 2, a loader test), so
    # the duplicate goes into the reference data, which the schema gate also checks.
    edit_csv(demo_project, "data/train.csv", lambda f: pd.concat([f, f.iloc[[3]]], ignore_index=True))
    schema_only(demo_project, apply_to=["eval", "reference"])
    set_config(demo_project, "schema", {"path": "schemas/eval.yaml"})
    code, card = check(demo_project, cli)
    assert code == 1
    bad = failing(card)
    dup = bad["reference: id: duplicate_ids"]
    assert dup["details"]["rows"] == 1 and dup["details"]["examples"][0]["row"] == 701
    assert bad["reference: id: field_uniqueness"]["details"]["rows"] == 2
    assert not any(name.startswith("eval:") for name in bad)


def test_empty_column_warns_and_nullability_fails(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    edit_csv(demo_project, EVAL, _set(list(range(300)), "job", ""))
    code, card = check(demo_project, cli)
    bad = failing(card)
    assert bad["eval: job: empty_columns"]["status"] == "warn"
    assert bad["eval: job: empty_columns"]["message"] == "column 'job' is empty (every value is missing)"
    assert bad["eval: job: not_nullable"]["details"]["rows"] == 300
    assert code == 1


def test_single_class(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    edit_csv(demo_project, EVAL, _set(list(range(300)), "credit", "good"))
    code, card = check(demo_project, cli)
    assert code == 1
    message = failing(card)["eval: credit: single_class"]["message"]
    assert message == "label 'credit' has a single class: 'good'"


def test_severity_and_tolerance(demo_project: Path, cli: Any) -> None:
    edit_csv(demo_project, EVAL, _set([4], "age", "500"))
    edit_csv(demo_project, EVAL, _set([1, 2], "purpose", "crypto"))
    schema_only(demo_project, severity={"purpose:isin": "warn"}, max_failure_share={"in_range": 0.01})
    code, card = check(demo_project, cli)
    checks = {c["name"]: c for c in gate(card)["checks"]}
    assert checks["eval: purpose: isin"]["status"] == "warn"
    assert checks["eval: age: in_range"]["status"] == "pass"
    assert checks["eval: age: in_range"]["threshold"] == 0.01
    assert "within the tolerated share 0.01" in checks["eval: age: in_range"]["message"]
    assert code == 0
    schema_only(demo_project, max_failure_share={"in_range": 0.001})
    code, card = check(demo_project, cli)
    assert code == 1


def test_reference_requires_data_reference(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project, apply_to=["eval", "reference"])
    set_config(demo_project, "data.reference", None)
    code, card = check(demo_project, cli)
    assert code == 2
    assert "data.reference is not set" in gate(card)["error"]


def test_examples_are_escaped_in_markdown(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    edit_csv(demo_project, EVAL, _set([0], "purpose", "<img src=x onerror=alert(1)>|x"))
    code, card = check(demo_project, cli)
    assert code == 1
    assert failing(card)["eval: purpose: isin"]["details"]["examples"][0]["value"].startswith("<img")
    md = (demo_project / "report" / "scorecard.md").read_text(encoding="utf-8")
    assert "<img src" not in md


def test_invalid_schema_file_is_exit_2(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    (demo_project / "schemas" / "eval.yaml").write_text("schema_type: dataframe\ncolumns: [\n", "utf-8")
    code, card = check(demo_project, cli)
    assert code == 2
    assert "schemas/eval.yaml: line" in gate(card)["error"]


def test_pandera_python_schema(demo_project: Path, cli: Any) -> None:
    (demo_project / "myschema.py").write_text(
        "import pandera.pandas as pa\n"
        "class Eval(pa.DataFrameModel):\n"
        "    age: int = pa.Field(ge=18, le=70)\n",
        encoding="utf-8",
    )
    schema_only(demo_project)
    set_config(demo_project, "schema", "myschema:Eval")
    code, card = check(demo_project, cli)
    bad = failing(card)
    assert set(bad) == {"eval: age: less_than_or_equal_to"}
    assert code == 1
    set_config(demo_project, "schema", {"path": "myschema.py:Nope", "kind": "pandera-python"})
    code, card = check(demo_project, cli)
    assert code == 2 and "has no attribute 'Nope'" in gate(card)["error"]


def test_great_expectations_suite(demo_project: Path, cli: Any) -> None:
    result = cli(["schema", "infer", str(demo_project / EVAL), "--format", "ge",
                  "-o", str(demo_project / "schemas" / "eval.json")])
    assert result.exit_code == 0, result.output
    schema_only(demo_project)
    set_config(demo_project, "schema", "schemas/eval.json")
    code, card = check(demo_project, cli)
    assert code == 0, gate(card)
    edit_csv(demo_project, EVAL, _set([4, 9], "credit_amount", "-5"))
    code, card = check(demo_project, cli)
    assert code == 1
    c = failing(card)["eval: credit_amount: expect_column_values_to_be_between"]
    assert c["details"]["rows"] == 2
    assert [e["row"] for e in c["details"]["examples"]] == [5, 10]


def test_top_level_schema_alone_turns_the_gate_on(demo_project: Path, cli: Any) -> None:
    """`schema:` without a `gates.schema:` section must still be applied, never silently ignored."""
    import yaml

    cfg_path = demo_project / "mlgate.yaml"
    data = yaml.safe_load(cfg_path.read_text(encoding="utf-8"))
    data["gates"] = {"performance": data["gates"]["performance"]}
    cfg_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    ev = demo_project / "data" / "eval.csv"
    lines = ev.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[3].split(",")
    row[header.index("age")] = "-5"
    lines[3] = ",".join(row)
    ev.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = demo_project / "report"
    result = cli(["check", "-c", str(cfg_path), "-o", str(out)])
    assert result.exit_code == 1, result.output
    card = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    schema = next(g for g in card["gates"] if g["name"] == "schema")
    assert schema["status"] == "fail"
    assert any("age" in c["name"] for c in schema["checks"] if c["status"] == "fail")


def test_top_level_schema_alone_reads_every_column() -> None:
    """The schema sees the whole table even without a `gates.schema:` section (no column pruning)."""
    from mlgate.config import parse_config
    from mlgate.inputs import eval_columns

    base = (
        "version: 1\ntask: binary\ndata: {eval: e.csv, label: y, positive: '1'}\n"
        "candidate: {predictions: p.csv}\ngates: {fairness: {sensitive: [sex]}}\n"
    )
    assert eval_columns(parse_config(base, "mlgate.yaml")) == ("y", "sex")
    assert eval_columns(parse_config(base + "schema: s.yaml\n", "mlgate.yaml")) is None
