"""GitLab's Code Quality report stays bounded whatever the data (mlgate.publish.local.code_quality).

A slice column with thousands of values, or one huge value, used to give one issue per failing check
with the whole message: an unbounded ``gl-code-quality-report.json`` that GitLab parses for the merge
request widget. Like the other outputs, the issues are capped (worst first, then one issue counting
the rest) and every field is cut with a visible ``…[truncated N chars]`` marker.
"""

from __future__ import annotations

import json
import re

from mlgate.publish.local import code_quality
from mlgate.result import Check, GateResult, Provenance, Report, Status
from mlgate.views import ChartKind

BIG = 300_000
MAX_QUALITY_ISSUES = 200  # documented in docs/reliability.md
MARKER = re.compile(r"…\[truncated \d{1,3}(?:,\d{3})* chars\]$")


def _report(checks: int, text: str = "x", status: Status = Status.FAIL, path: str = "mlgate.yaml") -> Report:
    warn = GateResult(chart=ChartKind.COLUMNS, name="drift", summary="s",
                      checks=tuple(Check(name=f"w{i}", status=Status.WARN, message="w") for i in range(5)))
    many = GateResult(chart=ChartKind.SLICES, name="slices", summary="s", checks=tuple(
        Check(name=f"{text}{i}", status=status, message=f"{text} {i}", group=str(i)) for i in range(checks)))
    return Report(gates=(warn, many),
                  provenance=Provenance(config_sha256="a" * 64, inputs={}, config_path=path),
                  mlgate_version="t", title="t")


def test_thousands_of_findings_are_capped_worst_first_with_a_count() -> None:
    issues = code_quality(_report(5_000))
    assert len(issues) == MAX_QUALITY_ISSUES
    assert all(i["severity"] == "major" for i in issues[:-1])  # the warnings come after the failures
    last = issues[-1]
    assert last["check_name"] == "mlgate.more-findings"
    assert last["description"].startswith(f"{5_005 - MAX_QUALITY_ISSUES + 1} more mlgate findings")
    assert "5 minor" in last["description"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert len(json.dumps(issues)) < 200_000


def test_every_field_is_cut_with_a_visible_marker() -> None:
    huge = "V" * BIG
    (issue,) = [i for i in code_quality(_report(1, huge, path="p" * BIG)) if i["severity"] == "major"]
    for field in (issue["description"], issue["check_name"], issue["location"]["path"]):
        assert len(field) <= 1_000 and MARKER.search(field), field[-60:]


def test_a_few_findings_are_all_listed() -> None:
    issues = code_quality(_report(3))
    assert len(issues) == 8 and not [i for i in issues if i["check_name"] == "mlgate.more-findings"]
