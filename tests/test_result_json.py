"""scorecard.json both ways: the typed limit and the title survive ``publish --from-json``; a forged
limit or title is exit 2 naming the key; a file from before they existed still loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlgate.errors import InputError
from mlgate.jsonread import FieldError
from mlgate.publish.load import load_report_dir
from mlgate.render.json import render_json
from mlgate.render.markdown import render_markdown
from mlgate.result import (
    Check,
    Limit,
    LimitKind,
    Status,
    check_from_dict,
    check_to_dict,
    report_from_dict,
    report_to_dict,
)
from tests.render.sample import sample_report

LIMITS = [
    Limit(LimitKind.MIN, 0.7),
    Limit(LimitKind.MAX, 0.65),
    Limit(LimitKind.MAX_DROP, 0.01, 0.757, "the baseline 0.757 − the allowed drop 0.01"),
    Limit(LimitKind.MAX_INCREASE, 0.05, 0.55, "the baseline 0.55 + the allowed increase 0.05"),
    Limit(LimitKind.MAX_CHANGE, 0.05, 0.01, "the reference's missing share 1.0% ± 5.0%"),
    Limit(LimitKind.MIN_P_VALUE, 0.05),
    Limit(LimitKind.RATIO_OF_BEST, 0.8, 0.814, "0.8 × the highest group's rate (0.814)"),
    Limit(LimitKind.GAP_TO_BEST, 0.1, 0.814, "the highest group's rate (0.814) − 0.1"),
]


@pytest.mark.parametrize("limit", LIMITS, ids=[lim.kind.value for lim in LIMITS])
def test_check_round_trip_keeps_the_typed_limit(limit: Limit) -> None:
    check = Check(name="x", status=Status.PASS, metric="accuracy", value=0.75, threshold=limit.value,
                  limit=limit)
    data = json.loads(json.dumps(check_to_dict(check)))
    assert data["limit"]["kind"] == limit.kind.value and data["limit"]["bound"] == limit.bound
    assert check_from_dict(data, "c") == check


def test_bounds_follow_the_kind() -> None:
    by_kind = {lim.kind: (lim.bound, lim.side) for lim in LIMITS}
    assert by_kind[LimitKind.MAX_DROP] == (pytest.approx(0.747), "min")
    assert by_kind[LimitKind.MAX_INCREASE] == (pytest.approx(0.6), "max")
    assert by_kind[LimitKind.RATIO_OF_BEST] == (pytest.approx(0.6512), "min")
    assert by_kind[LimitKind.GAP_TO_BEST] == (pytest.approx(0.714), "min")
    assert by_kind[LimitKind.MAX_CHANGE] == (None, None) and by_kind[LimitKind.MIN_P_VALUE] == (None, None)


def test_report_round_trip_carries_the_title() -> None:
    from dataclasses import replace

    report = replace(sample_report(), title="Credit <model> v2")
    data = json.loads(render_json(report))
    assert data["title"] == "Credit <model> v2"
    assert report_to_dict(report_from_dict(data)) == data


def _write(directory: Path, data: dict[str, Any], markdown: str) -> Path:
    directory.mkdir()
    (directory / "scorecard.json").write_text(json.dumps(data), encoding="utf-8")
    (directory / "scorecard.md").write_text(markdown, encoding="utf-8")
    return directory


def test_the_title_comes_from_the_json_not_the_markdown(tmp_path: Path) -> None:
    from dataclasses import replace

    report = replace(sample_report(), title="Credit model")
    markdown = render_markdown(replace(report, title="Something the markdown says"))
    loaded, _ = load_report_dir(_write(tmp_path / "r", report_to_dict(report), markdown))
    assert loaded.title == "Credit model"


def test_a_scorecard_without_limit_and_title_still_loads(tmp_path: Path) -> None:
    """A scorecard.json written before the keys existed: no limits, the title from the heading."""
    from dataclasses import replace

    report = replace(sample_report(), title="Old title")
    data = report_to_dict(report)
    del data["title"]
    for gate in data["gates"]:
        for check in gate["checks"]:
            del check["limit"]
    loaded, _ = load_report_dir(_write(tmp_path / "r", data, render_markdown(report)))
    assert loaded.title == "Old title"
    assert all(c.limit is None for g in loaded.gates for c in g.checks)
    values = [c.value for g in report.gates for c in g.checks]
    assert [c.value for g in loaded.gates for c in g.checks] == values


def test_a_title_from_the_json_is_plain_and_capped(tmp_path: Path) -> None:
    data = report_to_dict(sample_report())
    data["title"] = "\u202eevil\u2066\x1b[31m" + "t" * 5000
    loaded, _ = load_report_dir(_write(tmp_path / "r", data, render_markdown(sample_report())))
    assert not {"\u202e", "\u2066", "\x1b"} & set(loaded.title) and len(loaded.title) <= 200


# (key, value) pairs that break the contract; the limit is gates[1].checks[1] (roc_auc, max_drop).
FORGED = [
    ("title", 5),
    ("title", None),
    ("limit", "max_drop 0.01"),
    ("limit", [0.01]),
    ("limit.kind", "fast"),
    ("limit.kind", None),
    ("limit.value", "0.01"),
    ("limit.value", None),
    ("limit.value", 10**400),
    ("limit.base", {"x": 1}),
    ("limit.derivation", ["<img src=x>"]),
]


@pytest.mark.parametrize(("key", "value"), FORGED, ids=[f"{k}={v!r:.20}" for k, v in FORGED])
def test_forged_limits_and_titles_are_input_errors_naming_the_key(
    tmp_path: Path, key: str, value: Any
) -> None:
    data = report_to_dict(sample_report())
    check = data["gates"][1]["checks"][1]
    assert check["limit"]["kind"] == "max_drop"
    if key == "title":
        data["title"] = value
        where = "title"
    elif key == "limit":
        check["limit"] = value
        where = "gates[1].checks[1].limit"
    else:
        check["limit"][key.split(".")[1]] = value
        where = f"gates[1].checks[1].{key}"
    with pytest.raises(InputError) as info:
        load_report_dir(_write(tmp_path / "r", data, render_markdown(sample_report())))
    assert f"scorecard.json: key '{where}'" in str(info.value), str(info.value)


def test_field_errors_name_the_full_path() -> None:
    with pytest.raises(FieldError) as info:
        check_from_dict({"name": "x", "status": "pass", "limit": {"kind": "min", "value": "a"}},
                        "gates[0].checks[3]")
    assert info.value.key == "gates[0].checks[3].limit.value"
