"""The charts of scorecard.html as headless Chromium lays them out (issue 19, "HTML fixes"): each limit
has its own label and no two labels overlap, labels are shortened only between words with the whole
text on hover, every derived limit is explained under its chart, and the legend's glyphs are painted
in the colours of the marks they stand for."""

from __future__ import annotations

import base64
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mlgate.render.charts import chart_set
from mlgate.render.html import render_html
from mlgate.result import Report
from tests.render.browser import CDP, Browser, decode_png
from tests.render.chart_sample import chart_report
from tests.render.test_html_browser import load

pytestmark = pytest.mark.system

SOFT_BREAKS = "_-/."

# Every <text> of every chart: its class, the lines shown (tspans or the text itself), its <title>
# (the tooltip), its box in the chart's own units, and which chart and row it is in.
TEXTS_JS = """
[...document.querySelectorAll('svg.chart')].map((svg, ci) => [...svg.querySelectorAll('text')].map(t => {
  const b = t.getBBox();
  const spans = [...t.querySelectorAll('tspan')].map(s => s.textContent);
  const own = [...t.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
  const row = t.closest('g.row');
  return {chart: ci, cls: t.getAttribute('class'), lines: spans.length ? spans : [own],
          title: t.querySelector('title') ? t.querySelector('title').textContent : null,
          box: [b.x, b.y, b.width, b.height],
          row: row ? [...svg.querySelectorAll('g.row')].indexOf(row) : -1};
})).flat()
"""


@pytest.fixture(scope="module")
def demo_report(demo_template: Path) -> Report:
    import mlgate

    return mlgate.check(demo_template / "mlgate.yaml")


@pytest.fixture(params=["sample", "demo"])
def report(request: pytest.FixtureRequest) -> Report:
    if request.param == "sample":
        return chart_report()
    demo: Report = request.getfixturevalue("demo_report")
    return demo


def _page(browser: Browser, tmp_path: Path, report: Report) -> CDP:
    path = tmp_path / "scorecard.html"
    path.write_text(render_html(report), encoding="utf-8")
    page = load(browser, path, width=1100)
    # A viewport as tall as the page: no scrollbar, so the boxes measured are where pixels are painted.
    height = page.evaluate("document.documentElement.scrollHeight")
    page.call("Emulation.setDeviceMetricsOverride", width=1100, height=height, deviceScaleFactor=1,
              mobile=False)
    return page


def _texts(page: CDP) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(TEXTS_JS)
    assert found, "no chart text"
    return found


def _overlap(a: list[float], b: list[float]) -> float:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(w, 0.0) * max(h, 0.0)


def test_limit_labels_are_distinct_and_no_two_labels_overlap(
    browser: Browser, tmp_path: Path, report: Report
) -> None:
    texts = _texts(_page(browser, tmp_path, report))
    # In each row of the metrics chart (the first), one label per limit, no two alike.
    rows: dict[int, list[str]] = {}
    for t in texts:
        if t["chart"] == 0 and t["cls"] == "tick":
            rows.setdefault(t["row"], []).append(" ".join(t["lines"]))
    points = chart_set(report).metrics
    assert [len(rows.get(i, [])) for i in range(len(points))] == [len(p.limits) for p in points]
    for labels in rows.values():
        assert len(set(labels)) == len(labels), labels
    assert any(len(labels) > 1 for labels in rows.values()), "a metric with two limits is drawn"
    clashes = [(a["lines"], b["lines"]) for i, a in enumerate(texts) for b in texts[i + 1:]
               if a["chart"] == b["chart"] and _overlap(a["box"], b["box"]) > 1.0]
    assert clashes == []


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cut_between_words(shown: str, full: str) -> bool:
    """``shown`` (without its ellipsis) is ``full`` cut at a space or after a soft break."""
    kept = _flat(shown)
    if not _flat(full).startswith(kept):
        return False
    seen = i = 0
    while i < len(full) and seen < len(kept):
        seen += not full[i].isspace()
        i += 1
    return i == len(full) or full[i].isspace() or full[i - 1] in SOFT_BREAKS


def test_labels_are_shortened_between_words_with_the_whole_text_on_hover(
    browser: Browser, tmp_path: Path, report: Report
) -> None:
    texts = _texts(_page(browser, tmp_path, report))
    shortened = [t for t in texts if t["lines"][-1].endswith("…") or len(t["lines"]) > 1]
    assert shortened, "the sample has labels too long for their column"
    for t in shortened:
        full = t["title"]
        assert full, f"no <title> with the whole text for {t['lines']}"
        shown = " ".join(t["lines"])
        if shown.endswith("…"):
            assert _cut_between_words(shown[:-1], full), (shown, full)
        else:
            assert _flat(shown) == _flat(full), (shown, full)


def test_every_derived_limit_is_explained_under_its_chart(
    browser: Browser, tmp_path: Path, report: Report
) -> None:
    page = _page(browser, tmp_path, report)
    figures: list[dict[str, Any]] = page.evaluate(
        "[...document.querySelectorAll('figure')].map(f => ({cap: f.querySelector('figcaption').textContent,"
        " notes: [...f.querySelectorAll('p.caption')].map(p => p.textContent),"
        " ticks: [...f.querySelectorAll('svg.chart text.tick')].map(t => t.textContent)}))"
    )
    charts = chart_set(report)
    metrics = next(f for f in figures if f["cap"].startswith("Performance"))
    derived = [(p.metric, line) for p in charts.metrics for line in p.limits if line.explanation]
    assert derived, "the performance chart has limits derived from the baseline"
    for metric, line in derived:
        assert f"{metric}: {line.explanation}" in metrics["notes"]
        assert line.explanation.startswith(line.label + " = the baseline ")
    floors = [f for f in figures if f["cap"].startswith("Fairness: selection rate by")]
    assert floors
    for fig in floors:
        drawn = [t for t in fig["ticks"] if t.startswith("min ")] or [
            n.split(" = ")[0] for n in fig["notes"]]
        assert drawn and fig["notes"], fig
        for label in dict.fromkeys(drawn):
            assert any(n.startswith(f"{label} = 0.8 × the highest group's rate (") for n in fig["notes"]), fig


def _colour_in(img: np.ndarray, cx: float, cy: float) -> tuple[int, ...]:
    """The most common colour in the 5 x 5 pixels at the centre of a glyph, white (a hatch's
    stripes) left out."""
    x, y = round(cx), round(cy)
    patch = img[y - 2 : y + 3, x - 2 : x + 3, :3].reshape(-1, 3)
    colours = Counter(tuple(int(c) for c in p) for p in patch if not (p > 235).all())
    return colours.most_common(1)[0][0] if colours else (255, 255, 255)


def test_legend_glyphs_are_painted_like_the_marks(browser: Browser, tmp_path: Path, report: Report) -> None:
    page = _page(browser, tmp_path, report)
    circles: list[dict[str, Any]] = page.evaluate(
        "[...document.querySelector('svg.chart').querySelectorAll('circle.cand')].map(c => {"
        " const r = c.getBoundingClientRect();"
        " return {legend: !!c.closest('.legend'), fill: getComputedStyle(c).fill,"
        " status: [...c.classList].find(k => k.startsWith('st-')) || null,"
        " x: r.x + r.width / 2, y: r.y + r.height / 2}; })"
    )
    legend = [c for c in circles if c["legend"]]
    marks = [c for c in circles if not c["legend"]]
    assert legend and marks
    # The same paint: every fill a mark has is shown in the legend, and the legend shows no other.
    assert {c["fill"] for c in legend} == {c["fill"] for c in marks}
    shot = page.call("Page.captureScreenshot", format="png")
    img = decode_png(base64.b64decode(shot["data"]))

    def painted(c: dict[str, Any]) -> tuple[int, ...]:
        return _colour_in(img, c["x"], c["y"])

    by_status = {c["status"]: painted(c) for c in legend}
    for mark in marks:
        assert mark["status"] in by_status, mark
        assert np.abs(np.subtract(painted(mark), by_status[mark["status"]])).max() <= 12, mark
