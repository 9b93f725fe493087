"""The top of the scorecard, what a reviewer reads without unfolding anything: the verdict's reason,
the blocking and the warning checks (one line each, naming the gate), one table of headline metrics
and one line per gate.

Every string from the report goes through :func:`mlgate.render.escape.md`; messages are cut short
here (the full text is in the gate's folded section and in scorecard.html), so a long message is
never repeated in a table.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlgate.escape import md
from mlgate.render.md_table import ICONS, delta, interval, short_num, status_cell, table
from mlgate.result import Check, GateResult, Report, Status, worst
from mlgate.views import ChartKind

# The headline table is the metric checks of the gate drawn as candidate vs baseline per metric.
HEADLINE_CHART = ChartKind.METRICS
MAX_HEADLINE_ROWS = 12
MAX_LIST = 10  # blocking / warning lines before "… and N more"
LINE = 84  # characters of a list line, about one line of a comment at 1,280 px
MIN_REASON = 30
MAX_SUMMARY = 68  # a gate's summary in the gate table: one line (in full in its section)


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _names(gates: Sequence[GateResult]) -> str:
    """``a``, ``a and b``, ``a, b and c`` of escaped gate names, in report order, each once."""
    names = [md(n) for n in dict.fromkeys(g.name for g in gates)]
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def warned(report: Report) -> list[tuple[GateResult, Check]]:
    return [(g, c) for g in report.gates if g.error is None for c in g.checks if c.status is Status.WARN]


def reason(report: Report) -> str:
    """One sentence saying why the verdict is what it is."""
    errored = [g for g in report.gates if g.status is Status.ERROR]
    blocking = [(g, c) for g, c in report.blocking_checks() if g.error is None]
    warnings = warned(report)
    failed = f"{plural(len(blocking), 'check')} failed in {_names([g for g, _ in blocking])}"
    if errored:
        text = f"{plural(len(errored), 'gate')} ({_names(errored)}) could not be evaluated"
        text += f" and {failed}" if blocking else ""
        return text + ", so the merge is blocked until the errors below are fixed."
    if blocking:
        if report.advisory:
            return f"{failed}; advisory mode, so the merge is not blocked."
        return f"{failed}, so the merge is blocked."
    ran = [g for g in report.gates if g.status is not Status.SKIP]
    skipped = [g for g in report.gates if g.status is Status.SKIP]
    if not report.gates:
        return "No gates are configured."
    if not ran:
        return f"Every gate was skipped ({_names(skipped)}): nothing was checked."
    skip_note = f", {plural(len(skipped), 'gate')} skipped ({_names(skipped)})" if skipped else ""
    if warnings:
        return (f"Nothing blocks the merge; {plural(len(warnings), 'warning')} in "
                f"{_names([g for g, _ in warnings])} to review{skip_note}.")
    return f"All {plural(len(ran), 'gate')} passed{skip_note}." if len(ran) > 1 else (
        f"The {md(ran[0].name)} gate passed{skip_note}.")


def check_label(check: Check) -> str:
    """The check's name, with its attribute when the name does not already say it (fairness checks
    share names across attributes)."""
    label = md(check.name)
    if check.attribute and check.attribute not in check.name:
        label += f" ({md(check.attribute, max_len=60)})"
    return label


def _line(icon: str, gate: GateResult, check: Check, lines: int = 1) -> str:
    """``- icon **gate** · check: reason`` kept to about ``lines`` lines of a comment (LINE
    characters each): the reason is cut with an ellipsis, its full text is in the gate's section."""
    head = f"- {icon} **{md(gate.name)}** · {check_label(check)}: "
    room = LINE * lines - len(gate.name) - len(check.name) - len(check.attribute or "") - 8
    if check.rows_needed is not None and check.status is Status.WARN:
        needs = f"inconclusive (needs ~{check.rows_needed:,} rows)"
        return head + (needs if len(needs) <= room else "inconclusive")
    return head + md(_cut(check.message or check.name, max(MIN_REASON, room)))


def _cut(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, a cut shown by an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _more(shown: int, total: int, what: str) -> list[str]:
    return [f"- … and {total - shown:,} more {what} in the sections below"] if total > shown else []


def blocking_lines(report: Report, limit: int = MAX_LIST) -> list[str]:
    lines = [
        f"- {ICONS[Status.ERROR]} **{md(g.name)}** could not be evaluated: {md(g.error, max_len=300)}"
        for g in report.gates
        if g.error is not None
    ]
    blockers = [(g, c) for g, c in report.blocking_checks() if g.error is None]
    for gate, check in blockers[:limit]:
        lines.append(_line(ICONS[check.status], gate, check, lines=2))  # the reasons: two lines
    return lines + _more(min(limit, len(blockers)), len(blockers), "blocking checks")


def warning_lines(report: Report, limit: int = MAX_LIST) -> list[str]:
    found = warned(report)
    lines = [
        _line(ICONS[Status.WARN], g, c) for g, c in found[:limit]
    ]
    return lines + _more(min(limit, len(found)), len(found), "warnings")


def headline_table(report: Report) -> str:
    """One row per metric of the performance gate: the candidate, the baseline, the paired change
    with its interval and minimum detectable effect, and the metric's decision (its worst check)."""
    gate = next((g for g in report.gates if g.chart is HEADLINE_CHART and g.error is None), None)
    if gate is None:
        return ""
    by_metric: dict[str, list[Check]] = {}
    for c in gate.checks:
        if c.metric is not None and c.attribute is None and c.group is None:
            by_metric.setdefault(c.metric, []).append(c)
    rows = []
    for metric, checks in list(by_metric.items())[:MAX_HEADLINE_ROWS]:
        compared = next((c for c in checks if c.baseline is not None), None)
        value = next((c.value for c in checks if c.value is not None), None)
        cells = ["", "", "", ""]
        if compared:
            cells = [short_num(compared.baseline), delta(compared, short_num), interval(compared, short_num),
                     short_num(compared.mde)]
        rows.append([md(metric), short_num(value), *cells, status_cell(worst([c.status for c in checks]))])
    if not rows:
        return ""
    headers = ["Metric", "Candidate", "Baseline", "Change", "Interval", "MDE", "Decision"]
    more = len(by_metric) - len(rows)
    note = [f"… and {more:,} more metrics in the {md(gate.name)} section"] if more > 0 else []
    return "\n".join([table(headers, rows, align="lrrrrrl"), *(["", *note] if note else [])])


def gate_table(report: Report) -> str:
    rows = [[md(g.name), status_cell(g.status), md(_cut(g.headline, MAX_SUMMARY))] for g in report.gates]
    return table(["Gate", "Status", "Summary"], rows) if rows else ""
