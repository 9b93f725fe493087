"""Mermaid ``xychart-beta`` blocks for the markdown scorecard (GitHub and GitLab render them natively).

Nothing is uploaded anywhere: the chart is text in the comment. Mermaid's xychart grammar has no
escape sequence inside a quoted string (``"[^"]*"`` in its lexer), and ``%%``, ``#…;`` entities,
backticks or a newline could end the string, the block or the fence, so labels keep only a
whitelist of characters. Numbers are plain decimals (the grammar has no exponent form).
Each chart is preceded by a one-line text description, since charts are not read out by screen
readers (xychart has no accTitle/accDescr).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from mlgate.escape import md
from mlgate.render.charts import BarPanel, MetricPoint, chart_set
from mlgate.result import Report

MAX_LABEL = 24
MAX_TITLE = 70
MAX_CATEGORIES = 12
MAX_FAIRNESS_CHARTS = 4
# Characters with a meaning to Mermaid, markdown or HTML are shown as their fullwidth forms
# (Unicode block FF00-FFEF): "<25" stays readable as "＜25" but can no longer open a tag.
_LOOKALIKE = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "\"'`#;%&<>[]{}|\\*"})
_SAFE_PUNCT = set(" _-.,:/()+=!?'@$^~") | {chr(ord(c) + 0xFEE0) for c in "\"'`#;%&<>[]{}|\\*"}


def label(text: object, max_len: int = MAX_LABEL) -> str:
    """A quoted Mermaid string that data cannot break out of."""
    kept = []
    for ch in str(text).translate(_LOOKALIKE):
        if ch.isalnum() and unicodedata.category(ch)[0] in "LN":
            kept.append(ch)
        elif ch in _SAFE_PUNCT or ch.isspace():
            kept.append(" " if ch.isspace() else ch)
    s = " ".join("".join(kept).split())
    if len(s) > max_len:
        s = s[: max_len - 1].rstrip() + "…"
    return f'"{s or "?"}"'


def number(x: float) -> str:
    if not math.isfinite(x):
        raise ValueError("Mermaid numbers must be finite")
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _axis(values: Sequence[float]) -> tuple[float, float]:
    lo, hi = min(0.0, *values), max(values)
    if lo >= 0 and hi <= 1:
        return 0.0, 1.0
    pad = (hi - lo) * 0.1 or 1.0
    return (lo - pad if lo < 0 else 0.0), hi + pad


def _block(title: str, categories: Sequence[str], bar: Sequence[float], line: Sequence[float] | None,
           y_title: str) -> str:
    lo, hi = _axis([*bar, *(line or ())])
    lines = [
        "```mermaid",
        "xychart-beta",
        f"    title {label(title, MAX_TITLE)}",
        f"    x-axis [{', '.join(label(c) for c in categories)}]",
        f"    y-axis {label(y_title)} {number(lo)} --> {number(hi)}",
        f"    bar [{', '.join(number(v) for v in bar)}]",
    ]
    if line is not None:
        lines.append(f"    line [{', '.join(number(v) for v in line)}]")
    lines.append("```")
    return "\n".join(lines)


def metric_chart(points: Sequence[MetricPoint]) -> str:
    """Candidate as bars, baseline as a line; metrics outside [0, 1] (log loss, RMSE) are left out."""
    unit = [p for p in points if 0 <= p.candidate <= 1 and (p.baseline is None or 0 <= p.baseline <= 1)]
    unit = unit[:MAX_CATEGORIES]
    if not unit:
        return ""
    with_base = all(p.baseline is not None for p in unit)
    desc = "; ".join(
        f"{p.metric} {number(p.candidate)}"
        + (f" (baseline {number(p.baseline)})" if p.baseline is not None else "")
        for p in unit
    )
    title = "Candidate (bars) vs baseline (line)" if with_base else "Candidate metrics"
    line = [p.baseline for p in unit if p.baseline is not None] if with_base else None
    block = _block(title, [p.metric for p in unit], [p.candidate for p in unit], line, "metric value")
    return f"*Metrics: {md(desc, max_len=600)}*\n\n{block}"


def group_chart(panel: BarPanel) -> str:
    """One fairness metric across groups (or attributes) as bars, its limit as a line."""
    bars = panel.bars[:MAX_CATEGORIES]
    if not bars:
        return ""
    limits = [b.limit for b in bars]
    line = [float(v) for v in limits if v is not None] if all(v is not None for v in limits) else None
    kind = panel.limit_kind or "limit"
    title = f"{panel.title} (bars), {kind} (line)" if line is not None else panel.title
    desc = "; ".join(f"{b.label} {number(b.value)} ({b.status.value})" for b in bars)
    block = _block(title, [b.label for b in bars], [b.value for b in bars], line, "value")
    return f"*{md(panel.title, max_len=200)}: {md(desc, max_len=600)}*\n\n{block}"


def mermaid_charts(report: Report) -> str:
    """The chart blocks for :func:`mlgate.render.markdown.render_markdown` (``""`` when none apply)."""
    charts = chart_set(report)
    blocks = [metric_chart(charts.metrics)]
    blocks += [group_chart(p) for p in charts.fairness[:MAX_FAIRNESS_CHARTS]]
    blocks = [b for b in blocks if b]
    if not blocks:
        return ""
    return "<details open><summary>Charts</summary>\n\n" + "\n\n".join(blocks) + "\n\n</details>"
