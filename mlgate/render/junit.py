"""``junit.xml``: one testsuite per gate, one testcase per check; failures carry the message."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlgate.render.escape import xml_text
from mlgate.result import Report, Status


def render_junit(report: Report) -> str:
    root = ET.Element("testsuites", name="mlgate")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for gate in report.gates:
        suite = ET.SubElement(root, "testsuite", name=xml_text(f"mlgate.{gate.name}"))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        cases = list(gate.checks)
        if gate.error is not None or not cases:
            # A gate without checks (error or skip) is still one visible testcase.
            case = ET.SubElement(suite, "testcase", classname=f"mlgate.{gate.name}", name=gate.name)
            counts["tests"] += 1
            if gate.error is not None:
                ET.SubElement(case, "error", message=xml_text(gate.error)).text = xml_text(gate.error)
                counts["errors"] += 1
            elif gate.skipped_reason is not None:
                ET.SubElement(case, "skipped", message=xml_text(gate.skipped_reason))
                counts["skipped"] += 1
        for check in cases:
            case = ET.SubElement(
                suite, "testcase", classname=xml_text(f"mlgate.{gate.name}"), name=xml_text(check.name)
            )
            counts["tests"] += 1
            if check.status is Status.FAIL:
                ET.SubElement(case, "failure", message=xml_text(check.message), type="fail").text = xml_text(
                    check.message
                )
                counts["failures"] += 1
            elif check.status is Status.ERROR:
                ET.SubElement(case, "error", message=xml_text(check.message)).text = xml_text(check.message)
                counts["errors"] += 1
            elif check.status is Status.SKIP:
                ET.SubElement(case, "skipped", message=xml_text(check.message))
                counts["skipped"] += 1
            elif check.message:
                prefix = "WARNING: " if check.status is Status.WARN else ""
                ET.SubElement(case, "system-out").text = xml_text(prefix + check.message)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
