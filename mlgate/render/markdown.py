"""GitHub-flavoured markdown scorecard (renders with cmark-gfm and GitLab alike).

Gates write plain text; every string is escaped here with :func:`escape.md`, which also cuts each
value (200 characters for names and cells, 300 for messages, 1,000 for a gate's error) with a
visible ``…[truncated N chars]``.

Size: ``scorecard.md`` stays under :data:`MAX_BYTES` whatever the data. Tables show at most
:data:`MAX_CHECK_ROWS` checks and :data:`MAX_TABLE_ROWS` rows (then one line says how many more are
in ``scorecard.json``), a gate at most :data:`MAX_NOTES` notes; a scorecard still too large is
rendered without detail tables, then without gate sections, then cut at a line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from tabulate import tabulate

from mlgate.escape import md
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
MAX_BYTES = 1_000_000  # under 1 MB, and under GitLab's 1,000,000-character note limit
MAX_CHECK_ROWS = 50
MAX_TABLE_ROWS = 20
MAX_NOTES = 10


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


def more_rows(shown: int, total: int, what: str) -> list[str]:
    """The line under a table that was cut (none when it was not)."""
    if total <= shown:
        return []
    return ["", f"… and {total - shown:,} more {what}: see scorecard.json or scorecard.html"]


def checks_table(checks: Sequence[Check], limit: int = MAX_CHECK_ROWS) -> str:
    """Worst first, at most ``limit`` rows."""
    ordered = sorted(checks, key=lambda c: -_rank(c.status))[:limit]
    cols = [(h, f) for h, f in _OPTIONAL if any(f(c) for c in ordered)]
    headers = ["Check", "Status", *[h for h, _ in cols], "Message"]
    rows = [
        [md(c.name), status_cell(c.status), *[f(c) for _, f in cols], md(c.message, max_len=300)]
        for c in ordered
    ]
    return "\n".join([table(headers, rows), *more_rows(len(ordered), len(checks), "checks")])


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
                table([md(h) for h in t.headers], [[num(v) for v in r] for r in t.rows[:MAX_TABLE_ROWS]]),
                *more_rows(MAX_TABLE_ROWS, len(t.rows), "rows"),
                "",
            ]
    for note in gate.notes[:MAX_NOTES]:
        parts += [f"> {md(note, max_len=500)}", ""]
    if len(gate.notes) > MAX_NOTES:
        parts += [f"> … and {len(gate.notes) - MAX_NOTES} more notes in scorecard.json", ""]
    parts += ["</details>", ""]
    return "\n".join(parts)


def footer(report: Report) -> str:
    prov = report.provenance
    bits = [
        f"mlgate {md(report.mlgate_version)}",
        # Hashes too: a report read back from an artifact (publish --from-json) carries whatever it holds.
        f"config {md(prov.config_path or '')} sha256 {md(prov.config_sha256[:12])}",
    ]
    if prov.git_sha:
        bits.append(f"commit {md(prov.git_sha[:12])}")
    if prov.baseline:
        bits.append(baseline_line(prov.baseline, md))
    if prov.inputs:
        bits.append("inputs: " + ", ".join(f"{md(k)} {md(v[:12])}" for k, v in sorted(prov.inputs.items())))
    return "<sub>" + " · ".join(bits) + "</sub>"


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def cut_lines(text: str, limit: int, suffix: str, measure: Callable[[str], int] = utf8_bytes) -> str:
    """``text`` cut at a line boundary so that it and ``suffix`` fit in ``limit`` (by ``measure``);
    the first lines (marker, verdict) are kept, and a line too long on its own is cut inside."""
    budget = limit - measure(suffix)
    kept: list[str] = []
    size = 0
    for line in text.split("\n"):
        n = measure(line) + 1
        if size + n > budget:
            break
        kept.append(line)
        size += n
    if not kept:  # a single enormous line: cut inside it
        head = text.split("\n", 1)[0]
        while head and measure(head) > budget:
            head = head[: max(0, len(head) - max(1, (measure(head) - budget) // 4))]
        kept = [head]
    return "\n".join(kept) + suffix


def render_markdown(
    report: Report,
    *,
    details: bool = True,
    tables: bool = True,
    charts: str | None = None,
    artifact_url: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> str:
    """The scorecard. ``details``/``tables`` off give the smaller forms used under size limits; a
    scorecard over ``max_bytes`` (UTF-8) takes the next smaller form itself, at last a cut."""
    text = _compose(report, details=details, tables=tables, charts=charts, artifact_url=artifact_url)
    if utf8_bytes(text) <= max_bytes:
        return text
    for smaller in (details, False):
        text = _compose(report, details=smaller, tables=False, artifact_url=artifact_url)
        if utf8_bytes(text) <= max_bytes:
            return text
    note = f"\n\n> Cut to fit {max_bytes:,} bytes; the full results are in scorecard.json.\n"
    return cut_lines(text, max_bytes, note)


def _compose(
    report: Report,
    *,
    details: bool,
    tables: bool,
    charts: str | None = None,
    artifact_url: str | None,
) -> str:
    out = [marker(report.config_id), verdict_line(report), ""]
    out += [line for note in report.notes for line in (f"> ℹ️ {md(note, max_len=500)}", "")]
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
