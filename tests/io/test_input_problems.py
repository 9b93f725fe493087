"""One run reports every problem of its inputs, grouped, eval side first, each naming file, column and
rows (capped lists), with exit 2 once."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.io.tiny import check, project, rows_csv

HEADER = ["id", "age", "sex", "label"]


def _rows(n: int = 12) -> list[list[object]]:
    return [[i, 30 + i, "f" if i % 2 else "m", "good" if i % 3 else "bad"] for i in range(n)]


def _schema(root: Path) -> str:
    doc = {
        "schema_type": "dataframe",
        "columns": {
            "id": {"dtype": "int64", "nullable": False},
            "age": {"dtype": "float64", "nullable": False},
            "sex": {"dtype": "str", "nullable": False},
            "label": {"dtype": "str", "nullable": False},
        },
    }
    (root / "schema.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    return "schema.yaml"


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("mlgate: error:")]


def test_missing_label_and_empty_required_columns_in_one_run(tmp_path: Path) -> None:
    rows = _rows()
    rows[4][3] = None  # the label of data row 5
    rows[2][1] = rows[7][1] = None  # age of rows 3 and 8
    rows[9][2] = None  # sex of row 10
    preds = rows_csv(["id", "prediction"], [[r[0], "good"] for r in rows])
    config = project(tmp_path, rows_csv(HEADER, rows), {"candidate": preds}, data={"id": "id"},
                     extra={"schema": _schema(tmp_path)},
                     gates={"schema": {}, "performance": {"metrics": {"accuracy": {"min": 0.0}}}})
    result = check(config)
    assert result.exit_code == 2, result.output
    assert len(_errors(result.output)) == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "mlgate: error: 3 problems in the inputs:"
    problems = [line for line in lines if line.startswith("  - ")]
    assert problems[0] == "  - eval.csv: label 'label' is missing in 1 row (row 5)"
    assert problems[1:] == [
        "  - eval.csv: column 'age': 2 rows fail not_nullable (rows 3, 8)",
        "  - eval.csv: column 'sex': 1 row fails not_nullable (row 10)",
    ]


def test_duplicate_eval_ids_are_named_before_the_prediction_mismatch(tmp_path: Path) -> None:
    rows = _rows()
    rows[8][0] = 7  # id 8 typed as 7: ids 7 on rows 8 and 9, id 8 gone
    preds = rows_csv(["id", "prediction"], [[i, "good"] for i in range(12)])
    config = project(tmp_path, rows_csv(HEADER, rows), {"candidate": preds}, data={"id": "id"})
    result = check(config)
    assert result.exit_code == 2, result.output
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert problems[0] == "  - eval.csv: 1 duplicate id in 'id' (data.id): '7' on lines 9, 10"
    assert problems[1].startswith("  - candidate.csv: id '8' is not in the eval data (line 10")


def test_positive_not_among_the_labels_says_so(tmp_path: Path) -> None:
    rows = _rows()
    preds = rows_csv(["id", "prediction"], [[r[0], r[3]] for r in rows])
    config = project(tmp_path, rows_csv(HEADER, rows), {"candidate": preds}, data={"positive": "Good"})
    result = check(config)
    assert result.exit_code == 2, result.output
    assert "more than two classes" not in result.output and "multiclass" not in result.output
    assert ("mlgate: error: eval.csv: data.positive 'Good' is not among the values of the label 'label': "
            "'bad', 'good'") in result.output
    assert "did you mean positive: good?" in result.output


def test_positive_absent_without_a_near_match(tmp_path: Path) -> None:
    rows = _rows()
    config = project(tmp_path, rows_csv(HEADER, rows), {"candidate": rows_csv(
        ["prediction"], [[r[3]] for r in rows])}, data={"positive": "yes"})
    result = check(config)
    assert result.exit_code == 2
    assert "data.positive 'yes' is not among the values" in result.output
    assert "set data.positive to the label value of the positive class" in result.output


def test_every_problem_of_a_predictions_file_and_capped_lists(tmp_path: Path) -> None:
    rows = _rows(40)
    preds_rows: list[list[object]] = [[r[0], r[3], 0.5] for r in rows]
    for i in range(0, 16, 2):
        preds_rows[i][1] = None  # 8 missing predictions
    preds_rows[1][1] = "Good"
    preds_rows[3][2] = 1.5
    preds = rows_csv(["id", "prediction", "score"], list(reversed(preds_rows)))
    config = project(tmp_path, rows_csv(HEADER, rows), {"candidate": preds}, data={"id": "id"})
    result = check(config)
    assert result.exit_code == 2, result.output
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    # The file is reversed: eval row i is on line 41 - i + 1; lines are named as in the file.
    assert problems == [
        "  - candidate.csv: 'prediction' is missing in 8 rows (lines 27, 29, 31, 33, 35 and 3 more)",
        "  - candidate.csv: 1 prediction is not a known class: 'Good' (line 40; expected one of bad, good)",
        "  - candidate.csv: 'score' is not a probability in [0, 1] in 1 row, e.g. '1.5' (line 38)",
    ]


def test_unreadable_eval_still_reports_the_prediction_files(tmp_path: Path) -> None:
    config = project(tmp_path, "id,label\n", {"candidate": "id,prediction\n1,good,extra\n"})
    result = check(config)
    assert result.exit_code == 2
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert problems[0].startswith("  - eval.csv: ") and problems[1].startswith("  - candidate.csv: line 2")
