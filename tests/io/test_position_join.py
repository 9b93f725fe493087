"""Without ``data.id`` prediction files are joined to the eval rows by position: the report says so."""

from __future__ import annotations

import json
from pathlib import Path

from tests.io.tiny import check, project, rows_csv

LABELS = ["good", "bad"] * 10


def _project(tmp_path: Path, *, with_id: bool) -> Path:
    eval_csv = rows_csv(["id", "label"], [[i, lab] for i, lab in enumerate(LABELS)])
    # Shuffled (reversed) predictions: by position the join pairs every row with another row's.
    preds = rows_csv(["id", "prediction"], [[i, lab] for i, lab in reversed(list(enumerate(LABELS)))])
    return project(tmp_path, eval_csv, {"candidate": preds}, data={"id": "id"} if with_id else None)


def test_position_join_is_said_on_terminal_and_scorecard(tmp_path: Path) -> None:
    config = _project(tmp_path, with_id=False)
    result = check(config)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if "joined to the eval rows by position" in line]
    assert len(lines) == 1 and "candidate.csv" in lines[0] and "data.id" in lines[0]
    report = config.parent / "report"
    assert "joined to the eval rows by position" in (report / "scorecard.md").read_text(encoding="utf-8")
    assert "joined to the eval rows by position" in (report / "scorecard.html").read_text(encoding="utf-8")
    notes = json.loads((report / "scorecard.json").read_text(encoding="utf-8"))["notes"]
    assert len(notes) == 1 and "candidate.csv" in notes[0]


def test_no_note_when_joined_by_id(tmp_path: Path) -> None:
    config = _project(tmp_path, with_id=True)
    result = check(config)
    assert result.exit_code == 0, result.output
    assert "by position" not in result.output
    data = json.loads((config.parent / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert "notes" not in data


def test_notes_survive_publish_from_json(tmp_path: Path) -> None:
    from mlgate.publish.load import report_from_dict

    config = _project(tmp_path, with_id=False)
    check(config)
    data = json.loads((config.parent / "report" / "scorecard.json").read_text(encoding="utf-8"))
    assert report_from_dict(data).notes == tuple(data["notes"])
