"""``scorecard.html``: one self-contained page (inline CSS and SVG; no script, font or image to fetch).

A strict Content-Security-Policy in a ``<meta>`` tag (CSP Level 3, section 6.1: only ``default-src``
style directives are honoured there) blocks every network request and every script, so even a
string that slipped past escaping could not load or run anything. Everything from data, config or
git passes through :func:`mlgate.escape.html`, which cuts each value at 1,000 characters
with a visible ``…[truncated N chars]``.

Size: each table shows at most ``rows`` rows (:data:`MAX_ROWS`; then one row says how many more are
in ``scorecard.json``), the blocking list :data:`MAX_BLOCKERS` items, a gate :data:`MAX_NOTES`
notes; a page still over :data:`MAX_BYTES` is rendered with :data:`SMALL_ROWS` rows per table, then
without the gate details.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from mlgate.escape import html as esc
from mlgate.render import svg
from mlgate.render.charts import ChartSet, chart_set
from mlgate.render.provenance import baseline_line
from mlgate.result import Check, GateResult, Report, Status, severity

MAX_BYTES = 5_000_000
MAX_ROWS = 200
SMALL_ROWS = 20
MAX_BLOCKERS = 50
MAX_NOTES = 20
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

# Okabe-Ito colours (see svg.py); text stays near-black on tinted backgrounds for contrast (WCAG 1.4.3).
CSS = """
:root{--fg:#1a1a1a;--muted:#555;--bg:#fff;--panel:#f6f7f9;--line:#d0d4da;
--pass:#009E73;--warn:#E69F00;--fail:#D55E00;--error:#CC79A7;--skip:#8a8a8a;--accent:#0072B2}
@media (prefers-color-scheme:dark){:root{--fg:#eaeaea;--muted:#b0b0b0;--bg:#15171a;--panel:#1f2226;
--line:#3a3f45;--accent:#56B4E9}}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:var(--fg);background:var(--bg)}
main{max-width:980px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.2rem;margin:1.4em 0 .4em}
.verdict{display:inline-block;padding:.25em .7em;border-radius:6px;border:2px solid;font-weight:700}
.badge{display:inline-block;padding:0 .45em;border-radius:4px;border:1px solid;white-space:nowrap;
font-weight:600}
.s-pass{border-color:var(--pass);background:color-mix(in srgb,var(--pass) 14%,transparent)}
.s-warn{border-color:var(--warn);background:color-mix(in srgb,var(--warn) 18%,transparent)}
.s-fail{border-color:var(--fail);background:color-mix(in srgb,var(--fail) 16%,transparent)}
.s-error{border-color:var(--error);background:color-mix(in srgb,var(--error) 18%,transparent)}
.s-skip{border-color:var(--skip);border-style:dashed}
.muted{color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{border-bottom:1px solid var(--line);padding:.35em .5em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
details{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.5em .8em;
margin:.6em 0}
summary{cursor:pointer;font-weight:600}
figure{margin:1em 0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:8px}
figcaption{font-weight:600;margin:0 0 4px 4px}
figure .caption{margin:4px 4px 0;font-size:.85rem;color:var(--muted)}
svg.chart{display:block;width:100%;min-width:340px;max-width:760px;height:auto}
svg.defs{position:absolute;width:0;height:0;overflow:hidden}
svg text{font:12px system-ui,"DejaVu Sans",sans-serif;fill:var(--fg)}
svg .tick{font-size:10px;fill:var(--muted)}svg .num{font-variant-numeric:tabular-nums}
svg .st{font-weight:700}
svg .track{stroke:var(--line);stroke-width:2}svg .axis{stroke:var(--muted);stroke-width:1}
svg .ci{stroke:var(--accent);stroke-width:3;fill:none}
svg .limit{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:4 3}
svg .base{fill:var(--bg);stroke:var(--fg);stroke-width:2}
svg .cand{stroke:var(--fg);stroke-width:1}
svg .st-pass{fill:var(--pass)}svg .st-warn{fill:url(#hatch-warn)}svg .st-fail{fill:url(#hatch-fail)}
svg .st-error{fill:var(--error)}svg .st-skip{fill:var(--skip)}
svg text.st-warn,svg text.st-fail,svg text.st-pass,svg text.st-error,svg text.st-skip{fill:var(--fg)}
blockquote{margin:.4em 0;padding:.2em .8em;border-left:4px solid var(--line)}
footer{margin-top:2em;font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}
@media (max-width:600px){main{padding:10px}body{font-size:14px}th,td{padding:.3em}}
"""


def badge(status: Status) -> str:
    return f'<span class="badge s-{status.value}">{svg.status_text(status)}</span>'


def _num(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return "n/a" if not math.isfinite(x) else f"{x:.4g}"
    return esc(x)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool] = (),
           more: int = 0) -> str:
    """``more``: rows left out, said in a last row."""
    head = "".join(f"<th scope=col>{h}</th>" for h in headers)
    body = []
    for row in rows:
        cells = [f'<td class="n">{v}</td>' if i < len(numeric) and numeric[i] else f"<td>{v}</td>"
                 for i, v in enumerate(row)]
        body.append("<tr>" + "".join(cells) + "</tr>")
    if more:
        body.append(f'<tr><td colspan="{len(headers)}" class="muted">… and {more:,} more rows: see '
                    "scorecard.json</td></tr>")
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


_FIELDS: tuple[tuple[str, Callable[[Check], str], bool], ...] = (
    ("Attribute", lambda c: esc(c.attribute) if c.attribute is not None else "", False),
    ("Group", lambda c: esc(c.group) if c.group is not None else "", False),
    ("Value", lambda c: _num(c.value), True),
    ("Baseline", lambda c: _num(c.baseline), True),
    ("Delta", lambda c: _num(c.delta), True),
    ("Interval", lambda c: f"[{_num(c.ci_low)}, {_num(c.ci_high)}]" if c.ci_low is not None else "", True),
    ("p", lambda c: _num(c.p_value), True),
    ("Threshold", lambda c: _num(c.threshold), True),
)


def checks_table(checks: Sequence[Check], limit: int = MAX_ROWS) -> str:
    ordered = sorted(checks, key=lambda c: -severity(c.status))[:limit]
    cols = [f for f in _FIELDS if any(f[1](c) for c in ordered)]
    rows = [[esc(c.name), badge(c.status), *[f(c) for _, f, _ in cols], esc(c.message)] for c in ordered]
    numeric = [False, False, *[n for _, _, n in cols], False]
    return _table(["Check", "Status", *[h for h, _, _ in cols], "Message"], rows, numeric,
                  more=len(checks) - len(ordered))


def gate_section(gate: GateResult, rows_limit: int = MAX_ROWS) -> str:
    open_ = " open" if gate.status in (Status.FAIL, Status.ERROR) else ""
    parts = [f'<details id="gate-{esc(gate.name)}"{open_}><summary>{esc(gate.name)} {badge(gate.status)} '
             f'<span class="muted">{esc(gate.summary)}</span></summary>']
    if gate.error is not None:
        parts.append(f"<blockquote>{esc(gate.error)}</blockquote>")
    if gate.skipped_reason is not None:
        parts.append(f"<p>Skipped: {esc(gate.skipped_reason)}</p>")
    if gate.checks:
        parts.append(checks_table(gate.checks, rows_limit))
    for t in gate.tables:
        shown = t.rows[:rows_limit]
        rows = [[_num(v) for v in r] for r in shown]
        numeric = [all(isinstance(r[i], (int, float)) for r in shown if i < len(r))
                   for i in range(len(t.headers))]
        parts.append(f"<h3>{esc(t.title)}</h3>"
                     + _table([esc(h) for h in t.headers], rows, numeric, more=len(t.rows) - len(shown)))
    parts += [f"<blockquote>{esc(n)}</blockquote>" for n in gate.notes[:MAX_NOTES]]
    if len(gate.notes) > MAX_NOTES:
        parts.append(f"<p class=muted>… and {len(gate.notes) - MAX_NOTES} more notes in scorecard.json</p>")
    parts.append("</details>")
    return "\n".join(parts)


def charts_section(charts: ChartSet) -> str:
    """One figure per chart; under it, how each derived limit was derived (and why a limit is not
    drawn), so that no line on a chart is left unexplained."""
    if charts.empty:
        return ""
    figs: list[tuple[str, str, Sequence[str]]] = []
    if charts.metrics:
        why = [f"{p.metric}: {ln.explanation}" for p in charts.metrics for ln in p.limits if ln.explanation]
        figs.append(("Performance: candidate vs baseline", svg.metrics_chart(charts.metrics), why))
    panels = [(f"Fairness: {p.title}", p) for p in charts.fairness]
    panels += [(cap, p) for cap, p in (("Drift", charts.drift), ("Slices", charts.slices)) if p is not None]
    figs += [(cap, svg.bar_chart(p), p.notes) for cap, p in panels]
    body = "".join(
        f'<figure><figcaption>{esc(cap)}</figcaption><div class="scroll">{chart}</div>'
        + "".join(f'<p class="caption">{esc(n)}</p>' for n in dict.fromkeys(notes))
        + "</figure>"
        for cap, chart, notes in figs
    )
    return f"<section aria-labelledby=charts-h><h2 id=charts-h>Charts</h2>{body}</section>"


def _footer(report: Report) -> str:
    prov = report.provenance
    bits = [f"mlgate {esc(report.mlgate_version)}",
            f"config {esc(prov.config_path or '')} sha256 {esc(prov.config_sha256[:12])}"]
    if prov.git_sha:
        bits.append(f"commit {esc(prov.git_sha[:12])}")
    if prov.baseline:
        bits.append(baseline_line(prov.baseline, esc))
    bits += [f"{esc(k)} {esc(v[:12])}" for k, v in sorted(prov.inputs.items())]
    return "<footer>" + " · ".join(bits) + "</footer>"


def render_html(report: Report) -> str:
    """The page; one over :data:`MAX_BYTES` is rendered again with fewer rows, then without details."""
    for rows in (MAX_ROWS, SMALL_ROWS):
        page = _page(report, rows)
        if len(page.encode("utf-8")) <= MAX_BYTES:
            return page
    return _page(report, 0, details=False)


def _page(report: Report, rows_limit: int, *, details: bool = True) -> str:
    status = report.status
    advisory = " (advisory: not blocking)" if report.advisory and status is Status.FAIL else ""
    blockers = [f"<li><b>{esc(g.name)}</b> could not be evaluated: {esc(g.error)}</li>"
                for g in report.gates if g.error is not None]
    blocking = report.blocking_checks()
    blockers += [f"<li><b>{esc(g.name)}</b>: {esc(c.message or c.name)}</li>"
                 for g, c in blocking[:MAX_BLOCKERS]]
    if len(blocking) > MAX_BLOCKERS:
        blockers.append(f"<li>… and {len(blocking) - MAX_BLOCKERS:,} more blocking checks</li>")
    summary = _table(
        ["Gate", "Status", "Summary"],
        [[f'<a href="#gate-{esc(g.name)}">{esc(g.name)}</a>', badge(g.status), esc(g.summary)]
         for g in report.gates],
    )
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        '<link rel="icon" href="data:,">',
        f"<title>{esc(report.title)}: {status.value.upper()}</title>",
        f"<style>{CSS}</style></head><body>",
        svg.DEFS,
        "<main>",
        f"<header><h1>{esc(report.title)}</h1>",
        f'<p><span class="verdict s-{status.value}">{svg.status_text(status)}{advisory}</span> '
        f'<span class="muted">exit code {report.exit_code} · config {esc(report.config_id)}</span></p>'
        "</header>",
        *(f"<p class=muted>ℹ️ {esc(n)}</p>" for n in report.notes),
        (f"<section><h2>Blocking</h2><ul>{''.join(blockers)}</ul></section>" if blockers else ""),
        f"<section><h2>Gates</h2>{summary}</section>",
        charts_section(chart_set(report)),
        "<section><h2>Details</h2>",
        *([gate_section(g, rows_limit) for g in report.gates] if details else
          ["<p>Left out: the page would be larger than 5 MB; the full results are in scorecard.json.</p>"]),
        "</section>",
        _footer(report),
        "</main></body></html>",
        "",
    ])
