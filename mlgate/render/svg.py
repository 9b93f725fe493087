"""Inline SVG charts for ``scorecard.html``: drawn as text, no scripts, no fonts, no images.

Accessibility: the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
distinguishable under the common colour-vision deficiencies, and never colour alone: every status
also has a glyph and a word, failing bars are hatched, and baseline/candidate differ in shape.
Each chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` (WAI-ARIA, "SVG accessibility API
mappings"); the numbers are also in the tables of the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mlgate.escape import html as esc
from mlgate.render.chart_model import Bar, BarPanel, MetricPoint, fmt
from mlgate.result import Status

# Narrow enough to stay legible when a phone scales the chart down (the page CSS sets a min width).
W = 560
LABEL_W = 130
PLOT_X0, PLOT_X1 = 136, 360
STATUS_X = 498
ROW_H = 30
TOP = 34  # room for the legend or the label of a shared limit

GLYPH = {Status.PASS: "✓", Status.WARN: "!", Status.FAIL: "✗", Status.SKIP: "–", Status.ERROR: "‼"}

# Shared pattern definitions: one hidden SVG per page, referenced by every chart (ids are unique).
DEFS = (
    '<svg class="defs" aria-hidden="true" focusable="false" width="0" height="0">'
    '<defs><pattern id="hatch-fail" patternUnits="userSpaceOnUse" width="6" height="6" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#D55E00"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
    '<pattern id="hatch-warn" patternUnits="userSpaceOnUse" width="6" height="6">'
    '<rect width="6" height="6" fill="#E69F00"/><circle cx="3" cy="3" r="1.2" fill="#fff"/></pattern>'
    "</defs></svg>"
)


def status_text(status: Status) -> str:
    return f"{GLYPH[status]} {status.value}"


def _clip(text: str, n: int = 17) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class _Scale:
    def __init__(self, lo: float, hi: float, x0: float = PLOT_X0, x1: float = PLOT_X1) -> None:
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            mid = lo if math.isfinite(lo) else 0.0
            lo, hi = mid - 0.5, mid + 0.5
        self.lo, self.hi, self.x0, self.x1 = lo, hi, x0, x1

    def __call__(self, v: float) -> float:
        return round(self.x0 + (v - self.lo) / (self.hi - self.lo) * (self.x1 - self.x0), 2)


def _padded(values: Sequence[float], *, include_zero: bool = False) -> tuple[float, float]:
    vals = [v for v in values if math.isfinite(v)] + ([0.0] if include_zero else [])
    lo, hi = min(vals), max(vals)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.05, 0.01)
    return (lo if include_zero and lo == 0 else lo - pad), hi + pad


def _svg(title: str, desc: str, height: int, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title><desc>{esc(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, cls: str = "lbl", anchor: str = "start") -> str:
    return f'<text x="{x}" y="{y}" class="{cls}" text-anchor="{anchor}">{esc(text)}</text>'


def _status_mark(x: float, y: float, status: Status) -> str:
    return _text(x, y, status_text(status), cls=f"st st-{status.value}")


def metrics_chart(points: Sequence[MetricPoint]) -> str:
    """One row per metric on its own scale: baseline diamond, candidate circle, interval, limits."""
    height = TOP + ROW_H * len(points) + 8
    body = [
        # Legend: shapes, not colours, tell baseline from candidate.
        '<g class="legend">',
        '<path d="M10 14 l6 -6 l6 6 l-6 6 z" class="base"/>', _text(28, 18, "baseline"),
        '<circle cx="100" cy="14" r="6" class="cand"/>', _text(112, 18, "candidate"),
        '<line x1="180" y1="14" x2="206" y2="14" class="ci"/>', _text(212, 18, "interval of the change"),
        '<line x1="356" y1="6" x2="356" y2="22" class="limit"/>', _text(364, 18, "limit"),
        "</g>",
    ]
    for i, p in enumerate(points):
        y = TOP + i * ROW_H + ROW_H / 2
        vals = [p.candidate, *(v for v in (p.baseline, p.low, p.high) if v is not None),
                *(line.at for line in p.limits)]
        s = _Scale(*_padded(vals))
        arrow = "↑" if p.higher_is_better else "↓"
        body.append(f'<g class="row"><title>{esc(_metric_tip(p))}</title>')
        body.append(_text(LABEL_W - 4, y + 4, f"{_clip(p.metric)} {arrow}", anchor="end"))
        body.append(f'<line x1="{PLOT_X0}" y1="{y}" x2="{PLOT_X1}" y2="{y}" class="track"/>')
        for line in p.limits:
            x = s(line.at)
            body.append(f'<line x1="{x}" y1="{y - 11}" x2="{x}" y2="{y + 11}" class="limit"/>')
            body.append(_text(x, y - 12, line.label, cls="tick", anchor="middle"))
        if p.low is not None and p.high is not None:
            x0, x1 = s(p.low), s(p.high)
            body.append(f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" class="ci"/>')
            body.append(f'<path d="M{x0} {y - 5} v10 M{x1} {y - 5} v10" class="ci"/>')
        if p.baseline is not None:
            bx = s(p.baseline)
            body.append(f'<path d="M{bx - 6} {y} l6 -6 l6 6 l-6 6 z" class="base"/>')
        body.append(f'<circle cx="{s(p.candidate)}" cy="{y}" r="5.5" class="cand st-{p.status.value}"/>')
        right = fmt(p.candidate) + (f" vs {fmt(p.baseline)}" if p.baseline is not None else "")
        body.append(_text(PLOT_X1 + 8, y + 4, _clip(right, 18), cls="num"))
        body.append(_status_mark(STATUS_X, y + 4, p.status))
        body.append("</g>")
    desc = "; ".join(_metric_tip(p) for p in points)
    return _svg("Candidate vs baseline metrics", desc, int(height), body)


def _metric_tip(p: MetricPoint) -> str:
    parts = [f"{p.metric}: candidate {fmt(p.candidate)}"]
    if p.baseline is not None:
        parts.append(f"baseline {fmt(p.baseline)}")
    if p.low is not None and p.high is not None:
        parts.append(f"plausible range {fmt(p.low)} to {fmt(p.high)}")
    parts += [line.label for line in p.limits]
    parts.append(p.status.value)
    return ", ".join(parts)


def bar_chart(panel: BarPanel) -> str:
    """Horizontal bars with each bar's limit drawn across its row; shared limits as one line."""
    bars = panel.bars
    height = TOP + ROW_H * len(bars) + 8
    vals = [b.value for b in bars] + [b.limit for b in bars if b.limit is not None]
    if panel.diverging:
        m = max((abs(v) for v in vals), default=1.0) * 1.1 or 1.0
        s = _Scale(-m, m)
    else:
        s = _Scale(*_padded(vals, include_zero=True))
    zero = s(0.0) if s.lo <= 0 <= s.hi else s(s.lo)
    limits = {b.limit for b in bars}
    shared = next(iter(limits)) if len(limits) == 1 else None
    body: list[str] = []
    if shared is not None:
        x = s(shared)
        body.append(f'<line x1="{x}" y1="{TOP - 6}" x2="{x}" y2="{height - 4}" class="limit"/>')
        tag = _limit_tag(bars[0], panel)
        body.append(_text(x, TOP - 8, tag, cls="tick", anchor="middle"))
    body.append(f'<line x1="{zero}" y1="{TOP - 4}" x2="{zero}" y2="{height - 4}" class="axis"/>')
    for i, b in enumerate(bars):
        y = TOP + i * ROW_H
        x = s(b.value)
        left, width = min(x, zero), max(abs(x - zero), 1.0)
        body.append(f'<g class="row"><title>{esc(_bar_tip(b, panel))}</title>')
        body.append(_text(LABEL_W - 4, y + ROW_H / 2 + 4, _clip(b.label), anchor="end"))
        body.append(
            f'<rect x="{left}" y="{y + 6}" width="{round(width, 2)}" height="{ROW_H - 12}" '
            f'class="bar st-{b.status.value}"/>'
        )
        if b.limit is not None and shared is None:
            lx = s(b.limit)
            body.append(f'<line x1="{lx}" y1="{y + 2}" x2="{lx}" y2="{y + ROW_H - 2}" class="limit"/>')
        note = f" {b.note}" if b.note else ""
        body.append(_text(PLOT_X1 + 8, y + ROW_H / 2 + 4, _clip(f"{fmt(b.value)}{note}", 18), cls="num"))
        body.append(_status_mark(STATUS_X, y + ROW_H / 2 + 4, b.status))
        body.append("</g>")
    desc = "; ".join(_bar_tip(b, panel) for b in bars)
    return _svg(panel.title, desc, int(height), body)


def _limit_tag(b: Bar, panel: BarPanel) -> str:
    return b.limit_label or f"{panel.limit_kind or 'limit'} {fmt(b.limit or 0.0)}"


def _bar_tip(b: Bar, panel: BarPanel) -> str:
    tip = f"{b.label}: {fmt(b.value)}"
    if b.limit is not None:
        tip += f" ({_limit_tag(b, panel)})"
    if b.note:
        tip += f", {b.note}"
    return f"{tip}, {b.status.value}"
