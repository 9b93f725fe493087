"""GitHub-flavoured markdown scorecard (renders with cmark-gfm and GitLab alike).

Gates write plain text; every string is escaped here with :func:`escape.md`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from mlgate.render.escape import md
from mlgate.render.provenance import baseline_line
from mlgate.result import Check, GateResult, Report, Status

ICONS = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.SKIP: "⏭️",
    Status.ERROR: "💥",
}
MARKER_PREFIX = "<!-- mlgate:scorecard"


def marker(config_id: str) -> str:
    # The id is part of an HTML comment: '--' and '>' could close it early.
    safe = "".join(ch for ch in config_id if ch.isalnum() or ch in "._/-+=")
    safe = safe.replace("--", "-")
    return f"{MARKER_PREFIX} id={safe} -->"


def safe_url(url: str) -> str:
    """Only http(s) links, percent-encoded so that the URL cannot end the markdown link."""
    from urllib.parse import quote

    if not url.lower().startswith(("https://", "http://")):
        return "#"
    return quote(url, safe=":/?&=#%.-_~+,;")


def num(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        if not math.isfinite(x):
            return "n/a"
        return f"{x:.4g}"
    return md(x)


def status_cell(status: Status) -> str:
    return f"{ICONS[status]} {status.value}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GFM pipe table; cells are escaped by the caller (tabulate does not escape pipes)."""
    return tabulate([list(r) for r in rows], headers=list(headers), tablefmt="github", disable_numparse=True)


def _interval(c: Check) -> str:
    if c.ci_low is None or c.ci_high is None:
        return ""
    return f"[{num(c.ci_low)}, {num(c.ci_high)}]"


def _delta(c: Check) -> str:
    if c.delta is None or not math.isfinite(c.delta):
        return ""
    arrow = "▲" if c.delta > 0 else ("▼" if c.delta < 0 else "=")
    return f"{arrow} {c.delta:+.4g}"


_OPTIONAL = (
    ("Attribute", lambda c: md(c.attribute) if c.attribute is not None else ""),
    ("Group", lambda c: md(c.group) if c.group is not None else ""),
    ("Value", lambda c: num(c.value)),
    ("Baseline", lambda c: num(c.baseline)),
    ("Delta", _delta),
    ("Interval", _interval),
    ("p", lambda c: num(c.p_value)),
    ("Threshold", lambda c: num(c.threshold)),
    ("MDE", lambda c: num(c.mde)),
)


def checks_table(checks: Sequence[Check]) -> str:
    cols = [(h, f) for h, f in _OPTIONAL if any(f(c) for c in checks)]
    headers = ["Check", "Status", *[h for h, _ in cols], "Message"]
    ordered = sorted(checks, key=lambda c: -_rank(c.status))
    rows = [
        [md(c.name), status_cell(c.status), *[f(c) for _, f in cols], md(c.message, max_len=300)]
        for c in ordered
    ]
    return table(headers, rows)


def _rank(status: Status) -> int:
    from mlgate.result import severity

    return severity(status)


def verdict_line(report: Report) -> str:
    status = report.status
    head = f"## {ICONS[status]} {md(report.title)}: **{status.value.upper()}**"
    if report.advisory and status is Status.FAIL:
        head += " (advisory: not blocking)"
    return head


def blocking_lines(report: Report, limit: int = 5) -> list[str]:
    blockers = report.blocking_checks()
    lines = []
    for gate in report.gates:
        if gate.error is not None:
            lines.append(f"- **{md(gate.name)}** could not be evaluated: {md(gate.error, max_len=300)}")
    for gate, check in blockers[:limit]:
        lines.append(f"- **{md(gate.name)}**: {md(check.message or check.name, max_len=300)}")
    if len(blockers) > limit:
        lines.append(f"- … and {len(blockers) - limit} more blocking checks below")
    return lines


def gate_section(gate: GateResult, *, open_: bool, with_tables: bool = True) -> str:
    parts = [
        f"<details{' open' if open_ else ''}><summary><b>{md(gate.name)}</b> — "
        f"{status_cell(gate.status)}: {md(gate.headline, max_len=200)}</summary>",
        "",
    ]
    if gate.error is not None:
        parts += [f"> {md(gate.error, max_len=1000)}", ""]
    if gate.skipped_reason is not None:
        parts += [f"Skipped: {md(gate.skipped_reason)}", ""]
    if gate.checks:
        parts += [checks_table(gate.checks), ""]
    if with_tables:
        for t in gate.tables:
            parts += [
                f"**{md(t.title)}**",
                "",
                table([md(h) for h in t.headers], [[num(v) for v in r] for r in t.rows]),
                "",
            ]
    for note in gate.notes:
        parts += [f"> {md(note, max_len=500)}", ""]
    parts += ["</details>", ""]
    return "\n".join(parts)


def footer(report: Report) -> str:
    prov = report.provenance
    bits = [
        f"mlgate {md(report.mlgate_version)}",
        f"config {md(prov.config_path or '')} sha256 {prov.config_sha256[:12]}",
    ]
    if prov.git_sha:
        bits.append(f"commit {md(prov.git_sha[:12])}")
    if prov.baseline:
        bits.append(baseline_line(prov.baseline, md))
    if prov.inputs:
        bits.append("inputs: " + ", ".join(f"{md(k)} {v[:12]}" for k, v in sorted(prov.inputs.items())))
    return "<sub>" + " · ".join(bits) + "</sub>"


def render_markdown(
    report: Report,
    *,
    details: bool = True,
    tables: bool = True,
    charts: str | None = None,
    artifact_url: str | None = None,
) -> str:
    """The scorecard. ``details``/``tables`` off give the smaller forms used under size limits."""
    out = [marker(report.config_id), verdict_line(report), ""]
    lines = blocking_lines(report)
    if lines:
        out += ["**Blocking:**" if report.status is not Status.PASS else "**Notes:**", *lines, ""]
    out += [
        table(
            ["Gate", "Status", "Summary"],
            [[md(g.name), status_cell(g.status), md(g.headline, max_len=200)] for g in report.gates],
        ),
        "",
    ]
    if charts:
        out += [charts, ""]
    if details:
        for gate in report.gates:
            out.append(
                gate_section(gate, open_=gate.status in (Status.FAIL, Status.ERROR), with_tables=tables)
            )
    if artifact_url:
        out += [f"Full report: [scorecard]({safe_url(artifact_url)})", ""]
    out += ["---", footer(report), ""]
    return "\n".join(out)
