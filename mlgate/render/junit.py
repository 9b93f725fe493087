"""``junit.xml``: one testsuite per gate, one testcase per check; failures carry the message.

Size: every value is cut at 500 characters with a visible ``…[truncated N chars]``
(:func:`mlgate.escape.xml_text`), a suite lists at most :data:`MAX_CASES` checks (worst first)
and one more testcase stands for the rest, failing if any of them blocks; a file still over
:data:`MAX_BYTES` is written again with :data:`SMALL_CASES` checks per suite.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlgate.escape import xml_text
from mlgate.result import Check, Report, Status, severity

MAX_BYTES = 5_000_000
MAX_CASES = 200
SMALL_CASES = 20


def render_junit(report: Report) -> str:
    for cases in (MAX_CASES, SMALL_CASES):
        text = _render(report, cases)
        if len(text.encode("utf-8")) <= MAX_BYTES:
            break
    return text


def _render(report: Report, max_cases: int) -> str:
    root = ET.Element("testsuites", name="mlgate")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for gate in report.gates:
        suite = ET.SubElement(root, "testsuite", name=xml_text(f"mlgate.{gate.name}"))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        cases = list(gate.checks)
        if gate.error is not None or not cases:
            # A gate without checks (error or skip) is still one visible testcase.
            case = ET.SubElement(suite, "testcase", classname=xml_text(f"mlgate.{gate.name}"),
                                 name=xml_text(gate.name))
            counts["tests"] += 1
            if gate.error is not None:
                ET.SubElement(case, "error", message=xml_text(gate.error)).text = xml_text(gate.error)
                counts["errors"] += 1
            elif gate.skipped_reason is not None:
                ET.SubElement(case, "skipped", message=xml_text(gate.skipped_reason))
                counts["skipped"] += 1
        if len(cases) > max_cases:
            ordered = sorted(cases, key=lambda c: -severity(c.status))
            shown, rest = ordered[:max_cases], ordered[max_cases:]
        else:
            shown, rest = cases, []
        for check in shown:
            _case(suite, f"mlgate.{gate.name}", check, counts)
        if rest:
            blocking = sum(c.blocking for c in rest)
            message = (f"{len(rest):,} more checks not listed ({blocking:,} failing or in error): "
                       "see scorecard.json")
            more = Check(name=f"{len(rest):,} more checks", status=Status.FAIL if blocking else Status.PASS,
                         message=message)
            _case(suite, f"mlgate.{gate.name}", more, counts)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(suite: ET.Element, classname: str, check: Check, counts: dict[str, int]) -> None:
    case = ET.SubElement(suite, "testcase", classname=xml_text(classname), name=xml_text(check.name))
    counts["tests"] += 1
    message = xml_text(check.message)
    if check.status is Status.FAIL:
        ET.SubElement(case, "failure", message=message, type="fail").text = message
        counts["failures"] += 1
    elif check.status is Status.ERROR:
        ET.SubElement(case, "error", message=message).text = message
        counts["errors"] += 1
    elif check.status is Status.SKIP:
        ET.SubElement(case, "skipped", message=message)
        counts["skipped"] += 1
    elif check.message:
        prefix = "WARNING: " if check.status is Status.WARN else ""
        ET.SubElement(case, "system-out").text = xml_text(prefix + check.message)
