"""The verdict as the forges' status fields say it: state and a one-line description.

A report that could not be evaluated says so with its first message ("could not evaluate: data.eval:
file not found"): the reviewer sees why in the checks list without opening the run. The message is
the report's own (often quoting a file of the pull request), so it is made plain text (no controls,
no bidi, one line) and cut to the platform's limit by :func:`mlgate.publish.body.plain`; the
publisher masks tokens in it before sending.

A report computed elsewhere (``mlgate publish DIR``) is never green (mlgate.publish.github).
"""

from __future__ import annotations

from mlgate.result import Report, Status


def first_error(report: Report) -> str:
    """The first message of a gate that could not be evaluated (the whole run, for an error report)."""
    for gate in report.gates:
        if gate.error is not None:
            return gate.error.split("\n", 1)[0]
    return ""


def could_not_evaluate(report: Report) -> str:
    message = first_error(report)
    return f"could not evaluate: {message}" if message else "could not evaluate every gate"


def github_verdict(report: Report) -> tuple[str, str, str]:
    """(commit status state, check-run conclusion, description) for a report computed here."""
    status = report.status
    n = len(report.blocking_checks())
    if status is Status.ERROR:
        return "error", "failure", could_not_evaluate(report)
    if status is Status.FAIL:
        if report.advisory:
            return "success", "neutral", f"{n} blocking check(s) failed (advisory: not blocking)"
        return "failure", "failure", f"{n} blocking check(s) failed"
    return "success", "success", "all gates passed"


def github_reported_verdict(report: Report) -> tuple[str, str]:
    """(commit status state, description) for a report computed elsewhere: never ``success``."""
    status, n = report.status, len(report.blocking_checks())
    if status is Status.ERROR:
        return "error", f"reported by the pull request's run: {could_not_evaluate(report)}"
    if status is Status.FAIL and not report.advisory:
        return "failure", f"reported by the pull request's run: {n} blocking check(s) failed"
    said = "all gates passed" if status is Status.PASS else f"{n} check(s) failed (advisory)"
    return "pending", f"the pull request's run reports: {said} (not computed here, so never green)"


def gitlab_verdict(report: Report, *, computed_here: bool) -> tuple[str, str]:
    """(GitLab commit status state, description). GitLab's states (docs.gitlab.com/api/commits, "Set
    the pipeline status of a commit") have no ``error``: a run that could not evaluate is ``failed``.
    A report computed elsewhere is never ``success``: ``pending`` when it reports a pass."""
    if computed_here:
        state, _, description = github_verdict(report)
        return {"error": "failed", "failure": "failed"}.get(state, state), description
    state, description = github_reported_verdict(report)
    return {"error": "failed", "failure": "failed"}.get(state, state), description
