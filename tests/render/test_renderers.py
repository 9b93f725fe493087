"""Renderers: golden files, GitHub's own markdown renderer (cmark-gfm), JUnit XML, JSON contract."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from mlgate.render.json import render_json
from mlgate.render.junit import render_junit
from mlgate.render.markdown import render_markdown
from mlgate.result import Check, GateResult, Provenance, Report, Status
from tests.render.sample import HOSTILE, sample_report

GOLDEN = Path(__file__).parent / "golden"
# Read at import: the autouse fixture in tests/conftest.py removes MLGATE_* variables before each test.
UPDATE_GOLDEN = os.environ.get("MLGATE_UPDATE_GOLDEN") == "1"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; review, then MLGATE_UPDATE_GOLDEN=1"


def gfm(md: str) -> str:
    # GitHub renders comments with cmark-gfm plus its tag filter; unsafe lets us see raw HTML survive.
    return cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)


def test_markdown_golden() -> None:
    golden("scorecard.md", render_markdown(sample_report()))


def test_junit_golden() -> None:
    golden("junit.xml", render_junit(sample_report()))


def test_json_golden() -> None:
    golden("scorecard.json", render_json(sample_report()))


def test_markdown_structure_renders_with_cmark_gfm() -> None:
    html = gfm(render_markdown(sample_report()))
    assert "<!-- mlgate:scorecard id=models/churn/mlgate.yaml -->" in html
    assert html.count("<table>") >= 3  # gates table + detail tables
    # Every gate section is folded: the reasons are listed above it.
    assert "<details open>" not in html and html.count("<details>") == 5 and "<summary>" in html
    # The verdict comes first, with the blocking reasons before any table.
    assert html.index("ERROR") < html.index("Blocking") < html.index("<table>")
    assert "roc\\_auc" not in html  # escapes are consumed by the renderer, not shown


def test_hostile_strings_are_inert_in_markdown() -> None:
    html = gfm(render_markdown(sample_report()))
    assert "<img" not in html
    assert "@octocat" not in html  # broken by a zero-width space: no mention
    assert "#12" not in html  # no issue reference
    assert '<a href="http://e.vil' not in html
    assert "<strong>b</strong>" not in html
    # Table rows keep their column count: a '|' in data cannot add a cell.
    for table in html.split("<table>")[1:]:
        body = table.split("</table>")[0]
        rows = body.split("<tr>")[1:]
        counts = {row.count("<td") + row.count("<th") for row in rows}
        assert len(counts) == 1, counts


def test_marker_id_cannot_close_the_comment() -> None:
    from mlgate.render.markdown import marker

    assert marker("a-->b<!--c") == "<!-- mlgate:scorecard id=a-b-c -->"


def test_junit_counts_and_escaping() -> None:
    root = ET.fromstring(render_junit(sample_report()))
    assert root.get("tests") == "6" and root.get("failures") == "2" and root.get("errors") == "1"
    assert root.get("skipped") == "1"
    schema = root.find("testsuite[@name='mlgate.schema']")
    assert schema is not None
    case = schema.find("testcase")
    assert case is not None and HOSTILE.split("\n")[0] in (case.get("name") or "")
    failure = case.find("failure")
    assert failure is not None and "onerror" in (failure.get("message") or "")


def test_junit_drops_characters_xml_cannot_carry() -> None:
    report = Report(
        gates=(
            GateResult(name="g", checks=(Check(name="a\x00b\x1bc", status=Status.FAIL, message="\x07"),)),
        ),
        provenance=Provenance(config_sha256="0" * 64, inputs={}),
        mlgate_version="t",
    )
    ET.fromstring(render_junit(report))  # parses


def test_json_contract_keys_and_exit_code() -> None:
    data = json.loads(render_json(sample_report()))
    assert data["schema_version"] == 1
    assert data["status"] == "error" and data["exit_code"] == 2
    check = data["gates"][1]["checks"][0]
    assert set(check) >= {
        "name",
        "status",
        "metric",
        "attribute",
        "group",
        "value",
        "baseline",
        "delta",
        "threshold",
        "ci_low",
        "ci_high",
        "p_value",
        "message",
    }
    assert data["provenance"]["inputs"] == {"data/eval.csv": "b" * 64}


def test_json_has_no_nan() -> None:
    report = Report(
        gates=(GateResult(name="g", checks=(Check(name="x", status=Status.PASS, value=float("nan")),)),),
        provenance=Provenance(config_sha256="0" * 64, inputs={}),
        mlgate_version="t",
    )
    assert json.loads(render_json(report))["gates"][0]["checks"][0]["value"] is None


@pytest.mark.parametrize(
    ("statuses", "advisory", "expected"),
    [
        ((Status.PASS, Status.WARN, Status.SKIP), False, 0),
        ((Status.PASS, Status.FAIL), False, 1),
        ((Status.PASS, Status.FAIL), True, 0),
    ],
)
def test_exit_code(statuses: tuple[Status, ...], advisory: bool, expected: int) -> None:
    gates = tuple(
        GateResult(name=f"g{i}", checks=(Check(name="c", status=s),)) for i, s in enumerate(statuses)
    )
    report = Report(
        gates=gates, provenance=Provenance(config_sha256="", inputs={}), mlgate_version="t", advisory=advisory
    )
    assert report.exit_code == expected


def test_footer_escapes_the_hashes_a_report_carries() -> None:
    """A report read back from an artifact (publish --from-json) chooses its own "hashes": they are
    data like any other field, so no HTML, mention or reference renders live in the footer."""
    report = Report(
        gates=(),
        provenance=Provenance(config_sha256="<img src=x>", inputs={"data.csv": "@octocat #12"}),
        mlgate_version="t",
    )
    text = render_markdown(report)
    footer = text[text.rindex("<sub>"):]
    assert "<img" not in footer and "&lt;img" in footer
    assert "@octocat" not in footer and "#12" not in footer
