"""Mermaid ``xychart-beta`` blocks for the markdown scorecard (GitHub and GitLab render them natively).

Nothing is uploaded anywhere: the chart is text in the comment, folded under "Charts" so that it costs
the reader no space until asked for. Mermaid's xychart grammar has no escape sequence inside a quoted
string (``"[^"]*"`` in its lexer); ``%%``, backticks or a newline could end the string, the block or
the fence. Labels therefore keep letters, digits, spaces and harmless punctuation as they are and
write every other ASCII punctuation character as a Mermaid entity code, ``#`` + its decimal code +
``;`` (``#60;`` for ``<``, ``#38;`` for ``&``, ``#34;`` for ``"``): Mermaid replaces ``#\\w+;`` before
parsing and turns it back into an HTML character reference in the drawn SVG (mermaidAPI
``encodeEntities``/``decodeEntities``; "Entity codes to escape characters" in Mermaid's flowchart
syntax docs), so ``<25`` is drawn as ``<25`` and cannot open a tag. Other characters (controls,
symbols, full-width forms) are dropped, which also keeps out the private markers Mermaid's encoder
uses (``ﬂ°°``, ``¶ß``: ``°`` and ``¶`` never pass). ``:`` is encoded too, so no line of a block
matches Mermaid's ``style…:…#…;`` pre-pass, which would drop a final ``;``.
Numbers are plain decimals (the grammar has no exponent form). The y axis spans the data (a 0-1 axis
flattens 0.733 vs 0.757) on round steps. Each chart is preceded by a one-line text description,
since charts are not read out by screen readers (xychart has no accTitle/accDescr).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from mlgate.escape import md
from mlgate.render.charts import BarPanel, MetricPoint, chart_set
from mlgate.result import Report, Status, worst

MAX_LABEL = 24
MAX_TITLE = 70
MAX_CATEGORIES = 12
MAX_FAIRNESS_CHARTS = 4
_KEEP_PUNCT = set(" _-.,/()+=!?@$^~")
_ENCODED = set("\"'`#;%&<>[]{}|\\*:")


def label(text: object, max_len: int = MAX_LABEL) -> str:
    """A quoted Mermaid string that data cannot break out of."""
    kept = []
    for ch in str(text):
        if ch.isalnum() and unicodedata.category(ch)[0] in "LN":
            kept.append(ch)
        elif ch in _KEEP_PUNCT or ch in _ENCODED or ch.isspace():
            kept.append(" " if ch.isspace() else ch)
    s = " ".join("".join(kept).split())
    if len(s) > max_len:
        s = s[: max_len - 1].rstrip() + "…"
    s = "".join(f"#{ord(ch)};" if ch in _ENCODED else ch for ch in s)
    return f'"{s or "?"}"'


def number(x: float) -> str:
    if not math.isfinite(x):
        raise ValueError("Mermaid numbers must be finite")
    s = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _nice(x: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is at least ``x`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= x * (1 - 1e-9))


def _axis(values: Sequence[float]) -> tuple[float, float]:
    """A y range around the data on round steps: not below 0 for positive data, not above 1 for
    data in [0, 1] (most metrics)."""
    lo, hi = min(values), max(values)
    span = hi - lo or (abs(hi) * 0.1 or 1.0)
    step = _nice(span / 4)
    low = math.floor((lo - span * 0.25) / step) * step
    high = math.ceil((hi + span * 0.25) / step) * step
    if lo >= 0:
        low = max(low, 0.0)
    if lo >= 0 and hi <= 1:
        high = min(high, 1.0)
    return low, high


# Okabe-Ito colours, as in scorecard.html: bars in the colour of the chart's worst status, the line
# (baseline or limit) black. Set through frontmatter config (theme "base" is the only theme whose
# variables may change: Mermaid's "Theme Configuration"; xychart's plotColorPalette gives the colours
# of the series in order). Frontmatter config is read by the Mermaid releases that draw
# xychart-beta (both arrived in the 10.x series); the rest of the block does not depend on it.
PALETTE = {Status.PASS: "#009E73", Status.SKIP: "#009E73", Status.WARN: "#E69F00", Status.FAIL: "#D55E00",
           Status.ERROR: "#D55E00"}


def _frontmatter(status: Status) -> list[str]:
    return ["---", "config:", "  theme: base", "  themeVariables:", "    xyChart:",
            f'      plotColorPalette: "{PALETTE[status]}, #000000"', "---"]


def _block(title: str, categories: Sequence[str], bar: Sequence[float], line: Sequence[float] | None,
           y_title: str, status: Status = Status.PASS) -> str:
    lo, hi = _axis([*bar, *(line or ())])
    lines = [
        "```mermaid",
        *_frontmatter(status),
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
    block = _block(title, [p.metric for p in unit], [p.candidate for p in unit], line, "metric value",
                   worst([p.status for p in unit]))
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
    block = _block(title, [b.label for b in bars], [b.value for b in bars], line, "value",
                   worst([b.status for b in bars]))
    return f"*{md(panel.title, max_len=200)}: {md(desc, max_len=600)}*\n\n{block}"


def mermaid_charts(report: Report) -> str:
    """The chart blocks for :func:`mlgate.render.markdown.render_markdown` (``""`` when none apply)."""
    charts = chart_set(report)
    blocks = [metric_chart(charts.metrics)]
    blocks += [group_chart(p) for p in charts.fairness[:MAX_FAIRNESS_CHARTS]]
    blocks = [b for b in blocks if b]
    if not blocks:
        return ""
    # Folded by render_markdown, together with the provenance.
    return "\n\n".join(blocks)
