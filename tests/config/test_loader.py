"""mlgate.yaml loading: every error names the file, line and key path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.config import config_json_schema, load_config, parse_config
from mlgate.errors import ConfigError

VALID = """\
version: 1
task: binary
data:
  eval: data/eval.parquet
  label: credit
  positive: good
  id: id
  reference: data/train.csv
schema: schemas/eval.yaml
candidate:
  predictions: out/candidate.csv
baseline:
  predictions: baseline/predictions.csv
gates:
  performance:
    metrics:
      accuracy: {min: 0.70, max_drop: 0.01}
"""


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, "mlgate.yaml")
    return str(info.value)


def test_minimum_contract_loads_into_frozen_objects() -> None:
    cfg = parse_config(VALID, "mlgate.yaml")
    assert cfg.task.value == "binary"
    assert cfg.data.positive == "good"
    assert cfg.schema_ref is not None and cfg.schema_ref.path == "schemas/eval.yaml"
    assert cfg.gates.performance is not None
    th = cfg.gates.performance.metrics["accuracy"]
    assert (th.min, th.max_drop) == (0.70, 0.01)
    with pytest.raises(Exception, match="frozen"):
        cfg.data.label = "x"  # type: ignore[misc]


def test_misspelt_metric_names_key_path_line_and_suggestion() -> None:
    msg = error_of(VALID.replace("accuracy:", "acurracy:"))
    assert msg == (
        "mlgate.yaml:17: gates.performance.metrics.acurracy: unknown metric; did you mean 'accuracy'?"
    )


def test_unknown_key_is_named_with_a_suggestion() -> None:
    msg = error_of(VALID.replace("  label: credit", "  lable: credit\n  label: credit"))
    assert "mlgate.yaml:5: data.lable: unknown key; did you mean 'label'?" in msg


def test_wrong_type_names_the_key() -> None:
    msg = error_of(VALID.replace("{min: 0.70", "{min: high"))
    assert "gates.performance.metrics.accuracy.min:" in msg
    assert "number" in msg


def test_missing_required_key() -> None:
    msg = error_of(VALID.replace("  label: credit\n", ""))
    assert "data.label: required key is missing" in msg


def test_binary_needs_positive_class() -> None:
    msg = error_of(VALID.replace("  positive: good\n", ""))
    assert "data.positive: required for task 'binary'" in msg


def test_metric_not_defined_for_task() -> None:
    msg = error_of(VALID.replace("accuracy:", "rmse:"))
    assert "gates.performance.metrics.rmse: not defined for task 'binary'" in msg


def test_version_must_be_1() -> None:
    assert "version:" in error_of(VALID.replace("version: 1", "version: 2"))


def test_yaml_syntax_error_has_line_and_column() -> None:
    msg = error_of(VALID.replace("task: binary", "task: [binary"))
    assert msg.startswith("mlgate.yaml:")
    assert "invalid YAML" in msg


def test_recursive_anchor_is_rejected() -> None:
    msg = error_of("version: 1\nx: &a [1, *a]\n")
    assert "recursive YAML anchor" in msg


def test_alias_bomb_is_rejected() -> None:
    lines = ["version: 1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    assert "expands to more than" in error_of("\n".join(lines) + "\n")


def test_top_level_must_be_a_mapping() -> None:
    assert "expected a mapping" in error_of("- 1\n- 2\n")


def test_empty_file() -> None:
    assert "the file is empty" in error_of("")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    p = tmp_path / "mlgate.yaml"
    p.write_bytes(VALID.encode("utf-16"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(p)


def test_paths_resolve_relative_to_the_config(tmp_path: Path) -> None:
    p = tmp_path / "sub" / "mlgate.yaml"
    p.parent.mkdir()
    p.write_text(VALID, encoding="utf-8")
    loaded = load_config(p)
    assert Path(loaded.resolve("data/eval.parquet")) == p.parent.resolve() / "data" / "eval.parquet"
    assert loaded.resolve("git:origin/main:x.csv") == "git:origin/main:x.csv"
    assert len(loaded.sha256) == 64


def test_shipped_json_schema_is_generated_from_the_model() -> None:
    shipped = Path(__file__).resolve().parents[2] / "mlgate" / "config_schema" / "mlgate.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == config_json_schema(), (
        "run `mlgate config-schema -o mlgate/config_schema/mlgate.schema.json`"
    )


def test_json_schema_validates_the_minimum_contract() -> None:
    import jsonschema
    import yaml

    jsonschema.validate(yaml.safe_load(VALID), config_json_schema())
    bad = yaml.safe_load(VALID)
    bad["data"]["lable"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, config_json_schema())


def with_rules(slices: str, fairness: str) -> str:
    """VALID with a slices and a fairness gate under the given decision rules."""
    return VALID + (
        f"  slices:\n    columns: [region]\n    decision: {slices}\n"
        f"  fairness:\n    sensitive: [sex]\n    max_regression: 0.02\n    decision: {fairness}\n"
    )


def test_every_comparing_gate_accepts_the_three_decision_rules() -> None:
    for rule in ("margin", "evidence", "strict"):
        gates = parse_config(with_rules(rule, rule), "mlgate.yaml").gates
        assert gates.slices is not None and gates.fairness is not None
        assert (gates.slices.decision, gates.fairness.decision) == (rule, rule)


@pytest.mark.parametrize(
    ("slices", "fairness", "line", "key"),
    [("strikt", "strict", 20, "gates.slices.decision"), ("strict", "exact", 24, "gates.fairness.decision")],
)
def test_an_unknown_decision_rule_exits_2_naming_the_key(
    cli: Any, tmp_path: Path, slices: str, fairness: str, line: int, key: str
) -> None:
    (tmp_path / "mlgate.yaml").write_text(with_rules(slices, fairness), encoding="utf-8")
    result = cli(["validate-config", "-c", str(tmp_path / "mlgate.yaml")])
    assert result.exit_code == 2, result.output
    assert f"mlgate.yaml:{line}: {key}: Input should be 'margin', 'evidence' or 'strict'" in result.output
    assert "Traceback" not in result.output
