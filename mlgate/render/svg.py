"""Inline SVG charts for ``scorecard.html``: drawn as text, no scripts, no fonts, no images.

Accessibility: the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
distinguishable under the common colour-vision deficiencies, and never colour alone: every status
also has a glyph and a word, failing bars are hatched, and baseline/candidate differ in shape. The
legend draws each glyph with the very class its marks use, so what the legend shows is what is drawn.
Each chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` (WAI-ARIA, "SVG accessibility API
mappings"); the numbers are also in the tables of the page. Labels are fitted at word boundaries,
with the whole text on hover (:mod:`svg_text`); each limit has its own label, placed so that no two
labels overlap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from mlgate.escape import html as esc
from mlgate.render.chart_model import Bar, BarPanel, LimitLine, MetricPoint, fmt
from mlgate.render.svg_text import block, text, width
from mlgate.result import Status, severity

# Narrow enough to stay legible when a phone scales the chart down (the page CSS sets a min width).
W = 640
LABEL_X = 150  # labels end here (right-aligned), 20 characters of 12 px a line
LABEL_CHARS = 20
PLOT_X0, PLOT_X1 = 158, 400
NUM_X = 408  # value and note, up to the status column
NUM_CHARS, NOTE_CHARS = 20, 24
STATUS_X = 566
ROW_H = 34
TOP = 34  # room for the label of a shared limit
TICK = 10  # font size of limit labels (svg .tick in the page CSS)
LEVEL = 11  # line height of stacked limit labels

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


def _svg(title: str, desc: str, height: float, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {W} {math.ceil(height)}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{esc(title)}</title><desc>{esc(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _status_mark(y: float, status: Status) -> str:
    return text(STATUS_X, y, status_text(status), cls=f"st st-{status.value}")


def _legend(statuses: Sequence[Status]) -> tuple[list[str], float]:
    """The metrics legend, laid out left to right (wrapping onto a second line), and its height: the
    candidate glyph once per status drawn, in the same classes as the marks."""
    items: list[tuple[str, str]] = [("base", "baseline")]
    items += [(f"cand st-{s.value}", f"candidate, {s.value}") for s in statuses]
    items += [("ci", "interval of the change"), ("limit", "limit")]
    out, x, y = ['<g class="legend">'], 10.0, 16.0
    for cls, label in items:
        w = 22 + width(label, 12)
        if x + w > W - 10:
            x, y = 10.0, y + 20
        out.append(_glyph(cls, x, y))
        out.append(text(x + 18, y + 4, label))
        x += w + 16
    out.append("</g>")
    return out, y + 14


def _glyph(cls: str, x: float, y: float) -> str:
    if cls == "base":
        return f'<path d="M{x} {y} l6 -6 l6 6 l-6 6 z" class="base"/>'
    if cls == "ci":
        return f'<line x1="{x - 2}" y1="{y}" x2="{x + 14}" y2="{y}" class="ci"/>'
    if cls == "limit":
        return f'<line x1="{x + 6}" y1="{y - 8}" x2="{x + 6}" y2="{y + 8}" class="limit"/>'
    return f'<circle cx="{x + 6}" cy="{y}" r="5.5" class="{cls}"/>'


def _place(lines: Sequence[LimitLine], s: _Scale) -> list[tuple[LimitLine, float, int]]:
    """Each limit's label: its x (kept inside the plot) and a level (0 above the track, 1 below, 2
    above that, ...), the first where it overlaps no label already placed."""
    placed: list[tuple[LimitLine, float, int]] = []
    spans: dict[int, list[tuple[float, float]]] = {}
    for line in sorted(lines, key=lambda ln: ln.at):
        half = width(line.label, TICK) / 2 + 2
        x = min(max(s(line.at), PLOT_X0 + half), PLOT_X1 - half)
        level = 0
        while any(a < x + half and x - half < b for a, b in spans.get(level, [])):
            level += 1
        spans.setdefault(level, []).append((x - half, x + half))
        placed.append((line, x, level))
    return placed


def metrics_chart(points: Sequence[MetricPoint]) -> str:
    """One row per metric on its own scale: baseline diamond, candidate circle, interval, limits."""
    drawn = sorted({p.status for p in points}, key=lambda st: -severity(st))
    body, y0 = _legend(drawn)
    y0 += 6
    for p in points:
        vals = [p.candidate, *(v for v in (p.baseline, p.low, p.high) if v is not None),
                *(line.at for line in p.limits)]
        s = _Scale(*_padded(vals))
        labels = _place(p.limits, s)
        above = max((lvl // 2 + 1 for _, _, lvl in labels if lvl % 2 == 0), default=0)
        below = max((lvl // 2 + 1 for _, _, lvl in labels if lvl % 2 == 1), default=0)
        y = y0 + max(above * LEVEL + 10, 15)
        arrow = "↑" if p.higher_is_better else "↓"
        body.append(f'<g class="row"><title>{esc(_metric_tip(p))}</title>')
        body.append(block(LABEL_X - 4, y + 4, f"{p.metric} {arrow}", LABEL_CHARS, anchor="end"))
        body.append(f'<line x1="{PLOT_X0}" y1="{y}" x2="{PLOT_X1}" y2="{y}" class="track"/>')
        for line, x, level in labels:
            lx = s(line.at)
            body.append(f'<line x1="{lx}" y1="{y - 9}" x2="{lx}" y2="{y + 9}" class="limit"/>')
            ty = y - 11 - LEVEL * (level // 2) if level % 2 == 0 else y + 19 + LEVEL * (level // 2)
            body.append(text(round(x, 2), ty, line.label, cls="tick", anchor="middle",
                             full=line.explanation or None))
        if p.low is not None and p.high is not None:
            x0, x1 = s(p.low), s(p.high)
            body.append(f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" class="ci"/>')
            body.append(f'<path d="M{x0} {y - 5} v10 M{x1} {y - 5} v10" class="ci"/>')
        if p.baseline is not None:
            bx = s(p.baseline)
            body.append(f'<path d="M{bx - 6} {y} l6 -6 l6 6 l-6 6 z" class="base"/>')
        body.append(f'<circle cx="{s(p.candidate)}" cy="{y}" r="5.5" class="cand st-{p.status.value}"/>')
        right = fmt(p.candidate) + (f" vs {fmt(p.baseline)}" if p.baseline is not None else "")
        body.append(block(NUM_X, y + 4, right, NUM_CHARS, 1, cls="num"))
        body.append(_status_mark(y + 4, p.status))
        body.append("</g>")
        y0 = y + max(below * LEVEL + 16, 17)
    desc = "; ".join(_metric_tip(p) for p in points)
    return _svg("Candidate vs baseline metrics", desc, y0 + 4, body)


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
        half = width(tag, TICK) / 2 + 2
        tx = min(max(x, PLOT_X0 + half), PLOT_X1 - half)
        body.append(text(round(tx, 2), TOP - 9, tag, cls="tick", anchor="middle"))
    body.append(f'<line x1="{zero}" y1="{TOP - 4}" x2="{zero}" y2="{height - 4}" class="axis"/>')
    for i, b in enumerate(bars):
        y = TOP + i * ROW_H
        mid = y + ROW_H / 2
        x = s(b.value)
        left, bar_w = min(x, zero), max(abs(x - zero), 1.0)
        body.append(f'<g class="row"><title>{esc(_bar_tip(b, panel))}</title>')
        body.append(block(LABEL_X - 4, mid + 4, b.label, LABEL_CHARS, anchor="end"))
        body.append(
            f'<rect x="{left}" y="{y + 7}" width="{round(bar_w, 2)}" height="{ROW_H - 14}" '
            f'class="bar st-{b.status.value}"/>'
        )
        if b.limit is not None and shared is None:
            lx = s(b.limit)
            body.append(f'<line x1="{lx}" y1="{y + 3}" x2="{lx}" y2="{y + ROW_H - 3}" class="limit"/>')
        # A limit of its own (not the panel's shared one) is named under the value, next to the note.
        note = ", ".join(t for t in (b.note, b.limit_label if shared is None else "") if t)
        if note:
            body.append(block(NUM_X, mid - 2, fmt(b.value), NUM_CHARS, 1, cls="num"))
            body.append(block(NUM_X, mid + 10, note, NOTE_CHARS, 1, cls="tick"))
        else:
            body.append(block(NUM_X, mid + 4, fmt(b.value), NUM_CHARS, 1, cls="num"))
        body.append(_status_mark(mid + 4, b.status))
        body.append("</g>")
    desc = "; ".join(_bar_tip(b, panel) for b in bars)
    return _svg(panel.title, desc, height, body)


def _limit_tag(b: Bar, panel: BarPanel) -> str:
    return b.limit_label or f"{panel.limit_kind or 'limit'} {fmt(b.limit or 0.0)}"


def _bar_tip(b: Bar, panel: BarPanel) -> str:
    tip = f"{b.label}: {fmt(b.value)}"
    if b.limit is not None:
        tip += f" ({_limit_tag(b, panel)})"
    if b.note:
        tip += f", {b.note}"
    return f"{tip}, {b.status.value}"
