"""Fit the scorecard into a platform's size limit, shrinking gracefully instead of being rejected.

Limits: GitHub issue comments and check-run summaries hold 65,536 characters (the API answers 422
"Body is too long"); GitLab notes 1,000,000 characters (Notes API); a GitHub step summary 1 MiB
("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k").
"""

from __future__ import annotations

from collections.abc import Callable

from mlgate.render.markdown import render_markdown, safe_url
from mlgate.result import Report

GITHUB_COMMENT_LIMIT = 65_536
GITHUB_CHECK_SUMMARY_LIMIT = 65_535
GITLAB_NOTE_LIMIT = 1_000_000
STEP_SUMMARY_BYTES = 1024 * 1024


def utf16_units(text: str) -> int:
    """Length as JavaScript/GitHub may count it: astral characters (emoji) count twice. Never less
    than the number of code points, so a body that fits by this measure fits either way."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut_note(artifact_url: str | None) -> str:
    where = f"[the full report]({safe_url(artifact_url)})" if artifact_url else "the CI job's report artifact"
    return f"\n\n> Shortened to fit the size limit; see {where}.\n"


def fit(
    report: Report,
    markdown: str,
    limit: int,
    *,
    artifact_url: str | None = None,
    measure: Callable[[str], int] = utf16_units,
) -> str:
    """The largest form of the scorecard within ``limit``: as written, then without detail tables
    (example rows), then without per-gate sections, each shrunk form linking to the full report;
    last, a hard cut at a line boundary that keeps the marker and verdict at the top."""
    if measure(markdown) <= limit:
        return markdown
    note = "" if artifact_url else _cut_note(None)
    for details, tables in ((True, False), (False, False)):
        candidate = render_markdown(report, details=details, tables=tables, artifact_url=artifact_url) + note
        if measure(candidate) <= limit:
            return candidate
    suffix = _cut_note(artifact_url)
    budget = limit - measure(suffix)
    lines, size, kept = candidate.split("\n"), 0, []
    for line in lines:
        n = measure(line) + 1
        if size + n > budget:
            break
        kept.append(line)
        size += n
    if not kept:  # a single enormous line: cut inside it
        text = candidate
        while measure(text) > budget:
            text = text[: max(0, len(text) - max(1, measure(text) - budget))]
        kept = [text]
    return "\n".join(kept) + suffix
