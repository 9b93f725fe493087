"""``mlgate check`` ended in exit 2 or 3: replace the report and the published verdict.

The report directory becomes the error report (mlgate.render.error_report) through the same writer
as any report, so the Action's ``status`` output, the uploaded artifact, ``mlgate publish DIR`` and
the GitLab artifacts read "error", never the previous run's verdict; then, unless ``--publish none``,
the sticky comment and the commit status say "could not evaluate" with the message. Whatever
happens here, the original error is what the command reports and exits with.
"""

from __future__ import annotations

import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate._cli._common import echo, failure_message, secret_values
from mlgate.text import one_line

if TYPE_CHECKING:
    from mlgate._cli.publish import Publishing
    from mlgate.config import LoadedConfig


def report_failure(
    exc: BaseException,
    config_path: Path,
    out: Path,
    loaded: LoadedConfig | None,
    *,
    advisory: bool,
    publishing: Publishing,
) -> None:
    """Write the error report to ``out`` (when mlgate may replace it) and publish it."""
    from mlgate.errors import MlgateError
    from mlgate.render.error_report import error_report
    from mlgate.render.write import write_report

    message, code = failure_message(exc)
    try:
        report = error_report(message, exit_code=code, config_path=config_path, loaded=loaded,
                              advisory=advisory, secrets=secret_values())
        html = loaded.config.report.html if loaded is not None else True
        written: Path | None = out
        # Nothing more is printed: the error message stays the one line a user reads (and greps).
        try:
            markdown = write_report(out, report, html=html, charts=False)["scorecard.md"]
        except MlgateError:
            # The --out folder is the problem itself (a link, a folder mlgate did not write), and the
            # error says so: the verdict is still published, without a report directory.
            from mlgate.render.markdown import render_markdown

            written, markdown = None, render_markdown(report)
        if publishing.enabled:
            from mlgate._cli.publish import publish_report

            # The step summary and the annotation come from the error message itself (_common.fail).
            publish_report(report, written, markdown, replace(publishing, require=False), step_summary=False)
    except Exception as inner:  # noqa: BLE001 - the original error is the one to report
        if publishing.debug:
            echo(traceback.format_exc(), err=True)
        echo(f"mlgate: warning: could not replace the report: {type(inner).__name__}: {one_line(inner)}",
             err=True)
