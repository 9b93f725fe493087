"""``mlgate demo``: the full gate on the packaged German Credit example, kept in ``./mlgate-demo/``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mlgate._cli._common import echo, handle_errors

DEFAULT_WORKDIR = Path("mlgate-demo")


@click.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Write the demo project here (default: ./{DEFAULT_WORKDIR}): a new or empty folder, or an "
    "earlier demo, which is rewritten; never a folder with other files.",
)
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def demo(workdir: Path | None, debug: bool) -> None:
    """Train a baseline and a candidate on German Credit and gate the candidate. No arguments needed.

    The project (mlgate.yaml, data, predictions, schema) and its report stay in ./mlgate-demo/ so you
    can open the HTML scorecard and rerun `mlgate check` there.
    """
    from mlgate._cli.check import evaluate
    from mlgate.demo import build_demo
    from mlgate.render.safe_paths import claim_folder

    root = workdir if workdir is not None else DEFAULT_WORKDIR
    # The demo writes mlgate.yaml, data/ and more: only into a new or empty folder or an earlier demo
    # (its marker file), never over someone's project.
    claim_folder(root, kind="demo", option="--workdir", what="the demo project")
    echo(f"mlgate demo: training baseline and candidate models in {root}/ …", err=True)
    config = build_demo(root)
    out = root / "mlgate-report"
    report = evaluate(config, out, advisory=False)
    for line in next_steps(root, out):
        echo(line)
    echo(f"demo verdict: {report.status.value} (`mlgate check` would exit {report.exit_code})")
    sys.exit(0 if report.exit_code in (0, 1) else report.exit_code)


def next_steps(root: Path, out: Path) -> list[str]:
    """Where the project and the HTML scorecard are, and how to open it and rerun the gate."""
    import shlex

    lines = [f"demo project: {root}/ (mlgate.yaml, data/, out/, baseline/, schemas/)"]
    html = out / "scorecard.html"
    if html.is_file():
        url = html.resolve().as_uri()
        lines += [
            f"HTML scorecard: {html}",
            f"  open it in a browser: {url}",
            f"  or run: python -m webbrowser {shlex.quote(url)}",
        ]
    lines.append(f"rerun the gate: cd {shlex.quote(str(root))} && mlgate check")
    return lines
