"""scorecard.html without a browser: self-contained, escaped, charts follow the result model."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from click.testing import Result

from mlgate.render.charts import chart_set
from mlgate.render.html import CSP, render_html
from mlgate.result import Check, GateResult, Provenance, Report, Status
from mlgate.views import ChartKind
from tests.render.chart_sample import chart_report
from tests.render.sample import HOSTILE, sample_report


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    p = Tags()
    p.feed(page)
    return p.tags


def test_self_contained_with_strict_csp() -> None:
    page = render_html(chart_report())
    found = tags(page)
    names = {t for t, _ in found}
    assert not names & {"script", "img", "iframe", "object", "embed", "link"} - {"link"}
    meta = [a for t, a in found if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert meta and meta[0]["content"] == CSP and "default-src 'none'" in CSP
    # Only the favicon link, and it is inline: the browser would otherwise fetch /favicon.ico.
    assert [a["href"] for t, a in found if t == "link"] == ["data:,"]
    # No URL to fetch in any attribute (the SVG namespace is a name, never fetched) or in the CSS.
    for tag, attrs in found:
        for key, value in attrs.items():
            if key != "xmlns" and value and ("://" in value or value.startswith("//")):
                raise AssertionError(f"<{tag} {key}={value}>")
    css = "".join(re.findall(r"<style>(.*?)</style>", page, re.S))
    assert "@import" not in css and set(re.findall(r"url\(([^)]*)\)", css)) <= {"#hatch-fail", "#hatch-warn"}


def test_hostile_strings_are_escaped() -> None:
    page = render_html(sample_report())
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert all(t not in ("img", "a") or a.get("href", "").startswith("#") for t, a in tags(page))


def test_charts_read_the_result_model() -> None:
    charts = chart_set(chart_report())
    acc, auc, loss = charts.metrics
    assert (acc.metric, acc.candidate, acc.baseline) == ("accuracy", 0.77, 0.76)
    # The interval of the paired change is drawn around the baseline: 0.76 + [-0.02, 0.04].
    assert acc.low is not None and acc.high is not None
    assert (round(acc.low, 6), round(acc.high, 6)) == (0.74, 0.8)
    # Each limit is read from the typed Check.limit: its position, its side and a label of its own.
    assert [(line.side, round(line.at, 6), line.label) for line in acc.limits] == [
        ("min", 0.7, "min 0.7"), ("min", 0.74, "max drop 0.02 → 0.74")]
    assert acc.limits[1].explanation == "max drop 0.02 → 0.74 = the baseline 0.76 − the allowed drop 0.02"
    assert auc.status is Status.FAIL and not loss.higher_is_better
    assert [(line.side, line.at, line.label) for line in loss.limits] == [("max", 0.65, "max 0.65")]
    dpr, eod, per_group = charts.fairness
    assert dpr.title == "demographic_parity_ratio per attribute" and dpr.limit_kind == "min"
    assert [(b.label, b.value, b.limit, b.note) for b in dpr.bars] == [
        ("sex", 0.86, 0.8, "female vs male"), ("age_group", 0.71, 0.8, "young vs old")]
    assert eod.limit_kind == "max" and [b.label for b in eod.bars] == ["age_group"]
    # The ratio limit 0.8 puts a floor of 0.8 x the highest judged rate (0.82) under every group.
    assert per_group.title == "selection rate by age_group"
    young, old, tiny = per_group.bars
    assert young.limit == old.limit and round(young.limit or 0, 6) == 0.656
    assert young.limit_label == "min 0.656"
    assert per_group.notes == ("min 0.656 = 0.8 × the highest group's rate (0.82): the lowest selection "
                               "rate demographic_parity_ratio >= 0.8 allows any judged group.",)
    assert (young.status, old.status, tiny.status) == (Status.FAIL, Status.PASS, Status.SKIP)
    assert young.note == "n=52" and tiny.limit is None
    assert charts.drift is not None and charts.drift.bars[0].label == "purpose"
    assert charts.slices is not None and charts.slices.bars[0].label == "purpose = car"
    assert charts.slices.bars[0].limit == -0.10 and charts.slices.diverging


def test_absent_or_broken_gates_give_no_chart_and_no_crash() -> None:
    report = sample_report()  # performance only; fairness skipped, drift in error
    charts = chart_set(report)
    assert charts.fairness == () and charts.drift is None and charts.slices is None
    empty = Report(gates=(), provenance=Provenance(config_sha256="0" * 64, inputs={}), mlgate_version="t")
    assert chart_set(empty).empty
    assert "<svg class=\"chart\"" not in render_html(empty)
    odd = Report(
        gates=(GateResult(chart=ChartKind.METRICS, name="performance", checks=(
            Check(name="x", status=Status.PASS, metric="accuracy", value=float("nan")),
            Check(name="y", status=Status.PASS, metric="accuracy", value=0.5, baseline=0.5,
                  ci_low=float("inf"), ci_high=1.0),
        )),),
        provenance=Provenance(config_sha256="0" * 64, inputs={}), mlgate_version="t",
    )
    assert "Candidate vs baseline" in render_html(odd)


def test_status_is_never_colour_alone() -> None:
    page = render_html(chart_report())
    for status in ("✓ pass", "✗ fail", "! warn"):
        assert status in page
    assert 'fill:url(#hatch-fail)' in page  # failing bars are hatched, not only red


def test_check_writes_html_and_respects_report_html_false(
    demo_project: Path, cli: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "r1"
    res = cli(["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(out)])
    assert res.exit_code in (0, 1), res.output
    page = (out / "scorecard.html").read_text(encoding="utf-8")
    assert '<svg class="chart"' in page and "scorecard.html" in res.output
    md = (out / "scorecard.md").read_text(encoding="utf-8")
    assert "```mermaid" in md
    cfg = demo_project / "mlgate.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace(
        "report:\n", "report:\n  html: false\n  charts: false\n"), encoding="utf-8")
    out2 = tmp_path / "r2"
    res = cli(["check", "-c", str(cfg), "-o", str(out2)])
    assert res.exit_code in (0, 1), res.output
    assert not (out2 / "scorecard.html").exists()
    assert "```mermaid" not in (out2 / "scorecard.md").read_text(encoding="utf-8")


def test_escaping_in_charts() -> None:
    page = render_html(chart_report())
    svgs = re.findall(r"<svg class=\"chart\".*?</svg>", page, re.S)
    assert svgs and all("<img" not in s and "<script" not in s for s in svgs)
    assert HOSTILE.split(" ")[0] not in "".join(svgs)


def test_derivations_from_a_forged_scorecard_are_escaped_in_captions_and_tooltips() -> None:
    """publish --from-json renders a limit's derivation that the pull request's own run wrote."""
    from mlgate.result import Limit, LimitKind

    check = Check(name="accuracy vs baseline", status=Status.FAIL, metric="accuracy", value=0.7,
                  baseline=0.75, threshold=0.01, limit=Limit(LimitKind.MAX_DROP, 0.01, 0.75, HOSTILE))
    report = Report(gates=(GateResult(chart=ChartKind.METRICS, name="performance", checks=(check,)),),
                    provenance=Provenance(config_sha256="0" * 64, inputs={}), mlgate_version="t")
    page = render_html(report)
    captions = re.findall(r'<p class="caption">(.*?)</p>', page, re.S)
    assert captions == ["accuracy: max drop 0.01 → 0.74 = &lt;img src=x onerror=alert(1)&gt; | @octocat #12 "
                        "`x` **b** ::error::pwn\n[l](http://e.vil)"]
    chart = page.split('<svg class="chart"')[1]
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in chart  # the tick's tooltip
