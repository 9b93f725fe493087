"""The pull/merge-request comment: layout, size budgets, golden files, escaping of what it lists."""

from __future__ import annotations

import shutil
from pathlib import Path

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from mlgate.result import Report, Status
from tests.render.comment_reports import (
    comment,
    make_failing,
    outside_folds,
    run_project,
    stable,
    warned_report,
)
from tests.render.sample import HOSTILE
from tests.render.test_renderers import golden

# Issue 19: what a reviewer reads before unfolding anything, and the whole comment.
MAX_VISIBLE_CHARS = 2_500
MAX_TOTAL_CHARS = 20_000


@pytest.fixture(scope="module")
def demo_report(demo_template: Path) -> Report:
    return run_project(demo_template / "mlgate.yaml")


@pytest.fixture(scope="module")
def failing_report(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    project = tmp_path_factory.mktemp("failing") / "project"
    shutil.copytree(demo_template, project)
    return run_project(make_failing(project))


def gfm(md: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)


def test_demo_comment_golden(demo_report: Report) -> None:
    assert demo_report.status is Status.PASS and any(g.status is Status.WARN for g in demo_report.gates)
    golden("comment-demo.md", comment(stable(demo_report)))


def test_failing_comment_golden(failing_report: Report) -> None:
    assert failing_report.status is Status.FAIL
    golden("comment-failing.md", comment(stable(failing_report)))


def test_pass_with_warnings_comment_golden() -> None:
    golden("comment-warnings.md", comment(warned_report()))


@pytest.mark.parametrize("which", ["demo", "failing"])
def test_character_budgets(which: str, request: pytest.FixtureRequest) -> None:
    report: Report = request.getfixturevalue(f"{which}_report")
    text = comment(report)  # as written, with the real provenance and charts
    visible = outside_folds(text)
    assert len(visible) <= MAX_VISIBLE_CHARS, len(visible)
    assert len(text) <= MAX_TOTAL_CHARS, len(text)
    # The folds really are folds: every gate and the charts are behind one closed <details> each.
    assert text.count("<details>") == len(report.gates) + 1  # + charts and provenance
    assert "<details open" not in text


def test_order_top_to_bottom(failing_report: Report) -> None:
    text = comment(failing_report)
    first = text.split("\n")
    assert first[0].startswith("<!-- mlgate:scorecard") and first[1].startswith("## ❌")
    # The reason sentence names the failing gates, then come the lists, then the tables, then folds.
    assert first[3].startswith("2 checks failed in performance and fairness, so the merge is blocked. 📄 [")
    order = ["Full report", "**Blocking**", "**Warnings**", "| Metric |", "| Gate |", "<details>"]
    positions = [text.index(marker) for marker in order]
    assert positions == sorted(positions), positions
    # The headline table holds each metric once, with its candidate, baseline and decision.
    rows = [ln for ln in text.split("\n") if ln.startswith("| accuracy |")]
    assert len(rows) == 1 and rows[0].endswith("| ❌\u00a0fail |")


def test_pass_with_warnings_lists_every_warning_and_names_its_gate(demo_report: Report) -> None:
    text = comment(demo_report)
    warned = [(g.name, c) for g in demo_report.gates for c in g.checks if c.status is Status.WARN]
    lines = [ln for ln in outside_folds(text).split("\n") if ln.startswith("- ⚠️")]
    assert len(lines) == len(warned) == 10
    for line, (gate, _) in zip(lines, warned, strict=True):
        assert line.startswith(f"- ⚠️ **{gate}** · ")
    # The reason says the merge is not blocked, and which gates to look at.
    assert "Nothing blocks the merge; 10 warnings in slices, fairness and drift to review." in text


def test_drift_is_shown_once_drifted_first(demo_report: Report) -> None:
    drift = comment(demo_report).split("<b>drift</b>")[1].split("</details>")[0]
    # The per-column checks are not listed again next to the by-column table: only what warned.
    assert drift.count("| age ") == 1 and drift.count("| predictions (psi) |") == 1
    assert "more checks passed" in drift
    table = drift[drift.index("**Drift by column"):]
    assert table.split("\n")[4].startswith("| score (prediction) |")


def test_long_messages_are_not_in_tables(demo_report: Report) -> None:
    text = comment(demo_report)
    for line in text.split("\n"):
        if line.startswith("|"):
            assert len(line) < 400, line
            assert "the 95% interval of the change" not in line


def test_no_fullwidth_lookalikes_anywhere(demo_report: Report, failing_report: Report) -> None:
    for report in (demo_report, failing_report, warned_report()):
        text = comment(report)
        assert not [ch for ch in text if "\uff01" <= ch <= "\uff5e"]
    assert "#60;25" in comment(demo_report)  # the age group "<25" in a chart label


def test_renders_on_github_with_one_table_row_per_metric(demo_report: Report) -> None:
    html = gfm(comment(demo_report))
    head = html.split("<details>")[0]
    assert head.count("<table>") == 2 and head.count("<li>") == 10
    assert "<details open" not in html and html.count("<summary>") == 6


def test_hostile_names_are_escaped_in_the_warnings_and_headline_table() -> None:
    """A gate, check or column name from a pull request's config or data lands in the new top lists
    and tables: it is shown as text, never as markup, a mention, a reference or a link."""
    import dataclasses

    report = warned_report(name=HOSTILE, check=HOSTILE, column=HOSTILE)
    perf = report.gates[1]
    hostile_metric = dataclasses.replace(perf.checks[1], metric=HOSTILE, name=HOSTILE)
    perf = dataclasses.replace(perf, checks=(hostile_metric,))
    report = dataclasses.replace(report, gates=(report.gates[0], perf, *report.gates[2:]))
    text = comment(report)
    top = outside_folds(text)
    warning = next(ln for ln in top.split("\n") if ln.startswith("- ⚠️"))
    metric_row = next(ln for ln in top.split("\n") if ln.startswith("| &lt;img"))
    for part in (warning, metric_row):
        assert "<img" not in part and "&lt;img src=x onerror=alert(1)&gt;" in part
        assert "\\|" in part and "@octocat" not in part and "#12" not in part
    html = gfm(text)
    assert "<img" not in html and "@octocat" not in html and '<a href="http://e.vil' not in html
    assert "<strong>b</strong>" not in html
    for table in html.split("<table>")[1:]:
        rows = table.split("</table>")[0].split("<tr>")[1:]
        assert len({r.count("<td") + r.count("<th") for r in rows}) == 1
