"""GitHub-flavoured markdown scorecard (renders with cmark-gfm and GitLab alike), for the pull or
merge request comment, the step summary and ``scorecard.md``.

Top to bottom: the verdict and a one-sentence reason, a link to the HTML report when the run has one,
the blocking and the warning checks (one line each, naming the gate), one headline metrics table, one
line per gate, then everything else folded: one ``<details>`` section per gate, the charts and the
provenance. The parts live in :mod:`md_summary`, :mod:`md_sections` and :mod:`md_table`.

Gates write plain text; every string is escaped with :func:`escape.md`, which also cuts each
value (200 characters for names and cells, 300 for messages, 1,000 for a gate's error) with a
visible ``…[truncated N chars]``.

Size: ``scorecard.md`` stays under :data:`MAX_BYTES` whatever the data. Tables show at most
:data:`MAX_CHECK_ROWS` checks and :data:`MAX_TABLE_ROWS` rows (then one line says how many more are
in ``scorecard.json``), a gate at most :data:`MAX_NOTES` notes; a scorecard still too large is
rendered without detail tables, then without gate sections, then cut at a line.
"""

from __future__ import annotations

from collections.abc import Callable

from mlgate.escape import md
from mlgate.render.md_sections import MAX_CHECK_ROWS, MAX_NOTES, MAX_TABLE_ROWS, checks_table, gate_section
from mlgate.render.md_summary import (
    blocking_lines,
    gate_table,
    headline_table,
    reason,
    warning_lines,
)
from mlgate.render.md_table import ICONS, num, status_cell, table
from mlgate.render.provenance import baseline_line
from mlgate.result import Report, Status

__all__ = [
    "ICONS", "MARKER_PREFIX", "MAX_BYTES", "MAX_CHECK_ROWS", "MAX_NOTES", "MAX_TABLE_ROWS",
    "checks_table", "cut_lines", "footer", "gate_section", "marker", "num", "render_markdown",
    "safe_url", "status_cell", "table", "verdict_line",
]

MARKER_PREFIX = "<!-- mlgate:scorecard"
MAX_BYTES = 1_000_000  # under 1 MB, and under GitLab's 1,000,000-character note limit


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


def verdict_line(report: Report) -> str:
    status = report.status
    head = f"## {ICONS[status]} {md(report.title)}: **{status.value.upper()}**"
    if report.advisory and status is Status.FAIL:
        head += " (advisory: not blocking)"
    return head


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


def report_link(url: str) -> str:
    """Where the HTML report is: the CI run's page (GitHub lists the uploaded artifact there) or the
    GitLab job's artifact browser. The URL comes from the CI environment, never from the report."""
    return f"📄 [Full report]({safe_url(url)} \"scorecard.html in the run's artifacts\")"


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
    scorecard over ``max_bytes`` (UTF-8) takes the next smaller form itself, at last a cut.
    ``artifact_url``: the run's report (see :func:`report_link`)."""
    text = _compose(report, details=details, tables=tables, charts=charts, artifact_url=artifact_url)
    if utf8_bytes(text) <= max_bytes:
        return text
    for smaller in (details, False):
        text = _compose(report, details=smaller, tables=False, artifact_url=artifact_url)
        if utf8_bytes(text) <= max_bytes:
            return text
    note = f"\n\n> Cut to fit {max_bytes:,} bytes; the full results are in scorecard.json.\n"
    return cut_lines(text, max_bytes, note)


def summary_part(report: Report, artifact_url: str | None = None) -> list[str]:
    """Everything above the folded sections, as lines."""
    first = reason(report) + (f" {report_link(artifact_url)}" if artifact_url else "")
    out = [marker(report.config_id), verdict_line(report), "", first, ""]
    # Run-wide notes (e.g. predictions joined to the eval rows by position).
    out += [line for note in report.notes for line in (f"> ℹ️ {md(note, max_len=500)}", "")]
    blocking = blocking_lines(report)
    if blocking:
        out += ["**Blocking**", "", *blocking, ""]
    warnings = warning_lines(report)
    if warnings:
        out += ["**Warnings**", "", *warnings, ""]
    for part in (headline_table(report), gate_table(report)):
        if part:
            out += [part, ""]
    return out


def _compose(
    report: Report,
    *,
    details: bool,
    tables: bool,
    charts: str | None = None,
    artifact_url: str | None,
) -> str:
    out = summary_part(report, artifact_url)
    if details:
        out += [gate_section(gate, with_tables=tables) for gate in report.gates]
    # Charts and provenance share one fold: each fold is a line of height before anything is opened.
    title = "Charts and provenance" if charts else "Provenance"
    out += [f"<details><summary>{title}</summary>", "", *([charts, ""] if charts else []), footer(report), "",
            "</details>", ""]
    return "\n".join(out)
