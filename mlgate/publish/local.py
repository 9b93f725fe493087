"""Outputs that need no API: the GitHub step summary, step outputs and annotations, and GitLab's Code
Quality report. They work with a read-only token (fork PRs), so they run before any API call.

GitHub limits (docs.github.com, "Workflow commands for GitHub Actions" and "Actions limits"): a step
summary holds 1 MiB; a step shows 10 error and 10 warning annotations (50 per job). GitLab Code
Quality format: docs.gitlab.com/ci/testing/code_quality ("Implement a custom tool").
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from mlgate.ci import CIContext
from mlgate.escape import annotation, annotation_property, plain
from mlgate.net.tokens import env_secrets, redact
from mlgate.publish.body import STEP_SUMMARY_BYTES, fit, reported_banner, utf8_bytes
from mlgate.publish.interface import Publisher, PublishError, PublishOutcome, PublishRequest
from mlgate.result import Check, GateResult, Report, Status

ANNOTATIONS_PER_KIND = 10
CODE_QUALITY_FILE = "gl-code-quality-report.json"
# Code Quality bounds, like the other outputs' (docs/reliability.md): at most this many issues, worst
# first, then one issue that says how many more there are; every field cut with a visible marker.
MAX_QUALITY_ISSUES = 200
MAX_QUALITY_DESCRIPTION = 1_000
MAX_QUALITY_NAME = 300
MAX_QUALITY_PATH = 500


def _append(path: Path, text: str, what: str) -> None:
    try:
        with path.open("a", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        raise PublishError(f"{what} {path}: cannot write: {exc.strerror}") from None


def _findings(report: Report) -> list[tuple[GateResult, Check | None, Status]]:
    """Gate errors, then checks, worst first; advisory failures are warnings (they do not block)."""
    out: list[tuple[GateResult, Check | None, Status]] = []
    for gate in report.gates:
        if gate.error is not None:
            out.append((gate, None, Status.ERROR))
        for check in gate.checks:
            if check.status in (Status.FAIL, Status.ERROR, Status.WARN):
                status = Status.WARN if report.advisory and check.status is Status.FAIL else check.status
                out.append((gate, check, status))
    return out


def annotation_lines(report: Report, *, per_kind: int = ANNOTATIONS_PER_KIND) -> list[str]:
    """``::error``/``::warning`` workflow commands; beyond the per-step limit, one line says how many
    more there are instead of GitHub silently dropping them."""
    kinds: dict[str, list[str]] = {"error": [], "warning": []}
    for gate, check, status in _findings(report):
        kind = "warning" if status is Status.WARN else "error"
        title = f"mlgate {gate.name}" + (f": {check.name}" if check else "")
        message = (check.message or check.name) if check else f"could not be evaluated: {gate.error}"
        kinds[kind].append(f"::{kind} title={annotation_property(title)}::{annotation(message)}")
    lines: list[str] = []
    for kind, items in kinds.items():
        if len(items) > per_kind:
            rest = len(items) - (per_kind - 1)
            items = [
                *items[: per_kind - 1],
                f"::{kind} title=mlgate::{rest} more {kind}s: see the step summary or scorecard.md",
            ]
        lines += items
    return lines


def step_outputs(report: Report, report_dir: Path | None) -> str:
    """``$GITHUB_OUTPUT`` lines; the multi-line form with a random delimiter cannot be injected."""
    delim = f"mlgate_{secrets.token_hex(8)}"
    return (
        f"status={report.status.value}\nexit-code={report.exit_code}\n"
        f"report-dir<<{delim}\n{report_dir or ''}\n{delim}\n"
    )


class GitHubLocalPublisher(Publisher):
    name = "github-step"

    def __init__(self, ctx: CIContext) -> None:
        self.ctx = ctx

    def publish(self, request: PublishRequest) -> PublishOutcome:
        actions = []
        if self.ctx.step_summary is not None and request.step_summary:
            text = fit(
                request.report,
                request.markdown,
                STEP_SUMMARY_BYTES - 2,
                artifact_url=request.artifact_url,
                measure=utf8_bytes,
                banner="" if request.computed_here else reported_banner(self.ctx.source_run_url),
            )
            # Masked like comments are (reviewers read it), with every secret of the environment.
            text = redact(text, env_secrets(os.environ))
            _append(self.ctx.step_summary, text + "\n", "GITHUB_STEP_SUMMARY")
            actions.append("step summary written")
        if self.ctx.output_file is not None:
            _append(self.ctx.output_file, step_outputs(request.report, request.report_dir), "GITHUB_OUTPUT")
            actions.append("step outputs status, exit-code, report-dir set")
        lines = annotation_lines(request.report) if request.step_summary else []
        return PublishOutcome(self.name, tuple(actions), stdout_lines=tuple(lines))


def code_quality(report: Report, *, max_issues: int = MAX_QUALITY_ISSUES) -> list[dict[str, Any]]:
    """One Code Quality issue per failing/erroring/warning check, anchored on the config file; beyond
    ``max_issues`` (worst kept), one more issue counts the rest."""
    issues = _quality_issues(report)
    if len(issues) <= max_issues:
        return issues
    rank = {"critical": 0, "major": 1, "minor": 2}
    ordered = sorted(issues, key=lambda issue: rank[issue["severity"]])  # stable: report order kept
    kept, rest = ordered[: max_issues - 1], ordered[max_issues - 1 :]
    counts = {s: sum(1 for i in rest if i["severity"] == s) for s in rank if any(
        i["severity"] == s for i in rest)}
    listed = ", ".join(f"{n} {s}" for s, n in counts.items())
    kept.append({
        "description": f"{len(rest)} more mlgate findings not listed here ({listed}): see the scorecard",
        "check_name": "mlgate.more-findings",
        "fingerprint": hashlib.sha256(f"{report.config_id}\0more-findings".encode()).hexdigest(),
        "severity": rest[0]["severity"],
        "location": kept[0]["location"],
    })
    return kept


def _quality_issues(report: Report) -> list[dict[str, Any]]:
    severity = {Status.ERROR: "critical", Status.FAIL: "major", Status.WARN: "minor"}
    path = plain(report.provenance.config_path or "mlgate.yaml", max_len=MAX_QUALITY_PATH)
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for gate, check, status in _findings(report):
        name = f"mlgate.{gate.name}" + (f".{check.name}" if check else "")
        text = (check.message or check.name) if check else f"could not be evaluated: {gate.error}"
        # Stable across runs so GitLab can tell new findings from fixed ones in the MR widget.
        key = (
            f"{report.config_id}\0{name}\0{check.attribute if check else ''}\0{check.group if check else ''}"
        )
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
        issues.append(
            {
                "description": plain(f"{gate.name}: {text}", max_len=MAX_QUALITY_DESCRIPTION),
                "check_name": plain(name, max_len=MAX_QUALITY_NAME),
                "fingerprint": fingerprint,
                "severity": severity[status],
                "location": {"path": path, "lines": {"begin": 1}},
            }
        )
    return issues


class GitLabLocalPublisher(Publisher):
    name = "gitlab-codequality"

    def publish(self, request: PublishRequest) -> PublishOutcome:
        if request.report_dir is None:
            return PublishOutcome(self.name, warnings=("no report directory: Code Quality report skipped",))
        path = request.report_dir / CODE_QUALITY_FILE
        try:
            path.write_text(json.dumps(code_quality(request.report), indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise PublishError(f"{path}: cannot write: {exc.strerror}") from None
        return PublishOutcome(self.name, (f"Code Quality report written to {path}",))
