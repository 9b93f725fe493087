"""Fit the scorecard into a platform's size limit, shrinking gracefully instead of being rejected.

Limits: GitHub issue comments hold 65,536 characters (the API answers 422 "Body is too long");
check-run summaries 65,535 (OpenAPI ``maxLength``), counted in UTF-8 bytes by the API ("summary
exceeds a maximum bytesize of 65535", github/docs#35252); GitLab notes 1,000,000 characters (Notes
API); a GitHub step summary 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a
size of 1024k"). Plain-text fields: a commit status description holds 140 characters (422
"description is too long (maximum is 140 characters)"); a check-run title 255 (the limit GitHub
applies to annotation titles; the title has none documented, so the same cap is kept).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mlgate.render.markdown import cut_lines, render_markdown, safe_url
from mlgate.result import Report

GITHUB_COMMENT_LIMIT = 65_536
GITHUB_CHECK_SUMMARY_LIMIT = 65_535
GITLAB_NOTE_LIMIT = 1_000_000
STEP_SUMMARY_BYTES = 1024 * 1024
STATUS_DESCRIPTION_LIMIT = 140
CHECK_TITLE_LIMIT = 255
# Commit status context / check-run name: mlgate's own cap (none is documented), short enough to
# read in the checks list.
CONTEXT_LIMIT = 100
# C0/C1 controls, DEL, zero-width and bidi/direction characters (CVE-2021-42574).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def utf16_units(text: str) -> int:
    """Length as JavaScript/GitHub may count it: astral characters (emoji) count twice. Never less
    than the number of code points, so a body that fits by this measure fits either way."""
    return len(text.encode("utf-16-le")) // 2


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def plain(text: str, limit: int) -> str:
    """One line of plain text for the API fields that are not markdown (status description,
    check-run title and name): no controls or bidi characters, whitespace collapsed, at most
    ``limit`` characters, a cut marked with an ellipsis."""
    text = " ".join(_INVISIBLE.sub(" ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def reported_banner(source_run_url: str | None) -> str:
    """What the comment says about a report this process did not compute."""
    if source_run_url:
        return (
            f"> **Reported by the pull request's own workflow run** ([run]({safe_url(source_run_url)})), "
            "which executes the pull request's code and writes this report: mlgate only re-rendered "
            "it here, so it sets no passing status or check."
        )
    return (
        "> **Reported by another run** (a report directory read by `mlgate publish`): mlgate did not "
        "compute it here, so it sets no passing status or check."
    )


def with_banner(body: str, banner: str) -> str:
    """``banner`` under the first line (the sticky marker must stay first)."""
    if not banner:
        return body
    first, _, rest = body.partition("\n")
    return f"{first}\n{banner}\n\n{rest}"


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
    banner: str = "",
) -> str:
    """The largest form of the scorecard within ``limit``: as written, then without detail tables
    (example rows), then without per-gate sections, each shrunk form linking to the full report;
    last, a hard cut at a line boundary that keeps the marker and verdict at the top. ``banner``
    (see :func:`reported_banner`) goes under the marker and always fits."""
    if banner:
        room = limit - measure(f"{banner}\n\n")
        text = fit(report, markdown, room, artifact_url=artifact_url, measure=measure)
        return with_banner(text, banner)
    if measure(markdown) <= limit:
        return markdown
    note = "" if artifact_url else _cut_note(None)
    for details, tables in ((True, False), (False, False)):
        candidate = render_markdown(report, details=details, tables=tables, artifact_url=artifact_url) + note
        if measure(candidate) <= limit:
            return candidate
    return cut_lines(candidate, limit, _cut_note(artifact_url), measure)
