"""The compact terminal summary: coloured on a TTY, plain in CI logs."""

from __future__ import annotations

import click
from tabulate import tabulate

from mlgate.result import Report, Status

_COLOURS = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "red",
    Status.SKIP: "bright_black",
    Status.ERROR: "magenta",
}


def _s(status: Status, color: bool) -> str:
    text = status.value.upper()
    return click.style(text, fg=_COLOURS[status], bold=True) if color else text


def render_terminal(report: Report, *, color: bool) -> str:
    rows = [[g.name, _s(g.status, color), g.headline] for g in report.gates]
    lines = [f"mlgate {report.mlgate_version}: {_s(report.status, color)}"]
    lines.append(tabulate(rows, headers=["gate", "status", "summary"], tablefmt="simple", disable_numparse=True))
    blockers = report.blocking_checks()
    for gate in report.gates:
        if gate.error is not None:
            lines.append(f"  {_s(Status.ERROR, color)} {gate.name}: {gate.error}")
    for gate, c in blockers[:10]:
        lines.append(f"  {_s(c.status, color)} {gate.name}: {c.message or c.name}")
    if report.advisory and report.status is Status.FAIL:
        lines.append("advisory mode: gate failures do not change the exit code")
    return "\n".join(lines)
