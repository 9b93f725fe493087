"""``mlgate demo``: the full gate on the packaged German Credit example."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from mlgate._cli._common import handle_errors


@click.command()
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo project here: a new or empty folder or an earlier demo (default: a temp folder).",
)
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def demo(workdir: Path | None, debug: bool) -> None:
    """Train a baseline and a candidate on German Credit and gate the candidate. No arguments needed."""
    from mlgate._cli.check import evaluate
    from mlgate.demo import build_demo
    from mlgate.render.safe_paths import claim_folder

    if workdir is not None:
        # The demo writes mlgate.yaml, data/ and more: never over a project that is not a demo.
        claim_folder(workdir, kind="demo", option="--workdir", what="the demo project")
    with tempfile.TemporaryDirectory(prefix="mlgate-demo-") as tmp:
        root = workdir or Path(tmp)
        click.echo(f"mlgate demo: training baseline and candidate models in {root} …", err=True)
        config = build_demo(root)
        out = root / "mlgate-report"
        report = evaluate(config, out, advisory=False, quiet=True)
        click.echo((out / "scorecard.md").read_text(encoding="utf-8"))
        from mlgate.render.terminal import render_terminal

        click.echo(render_terminal(report, color=sys.stdout.isatty()), err=True)
        click.echo(
            f"demo verdict: {report.status.value} (`mlgate check` would exit {report.exit_code}); "
            f"project in {root if workdir else '(temporary folder)'}",
            err=True,
        )
        sys.exit(0 if report.exit_code in (0, 1) else report.exit_code)
