"""``mlgate check``, ``mlgate validate-config`` and ``mlgate config-schema``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlgate._cli._common import echo, handle_errors, make_trust, trust_options
from mlgate._cli.mlflow_results import log_results
from mlgate._cli.publish import Publishing, artifact_url_from_config, publish_options, publish_report

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig
    from mlgate.result import Report
    from mlgate.trust import Trust

CONFIG_OPTION = click.option(
    "-c", "--config", "config_path", default="mlgate.yaml", show_default=True,
    type=click.Path(dir_okay=True, path_type=Path), help="Path to mlgate.yaml.",
)


def evaluate(
    config_path: Path,
    out: Path,
    *,
    advisory: bool,
    quiet: bool = False,
    trust: Trust | None = None,
    baseline_dir: Path | None = None,
    seen: list[LoadedConfig] | None = None,
) -> Report:
    """Load, run, write the report directory and print the terminal summary. ``seen`` receives the
    config once it is loaded (for the error report of a run that fails after that)."""
    from mlgate.config import load_config
    from mlgate.render.safe_paths import check_report_dir
    from mlgate.render.terminal import Progress, render_terminal
    from mlgate.render.write import write_report
    from mlgate.runner import run

    # Before any work: a --out that mlgate must not replace is refused at once (and again on writing).
    check_report_dir(out)
    loaded = load_config(config_path, trust)
    if seen is not None:
        seen.append(loaded)
    # Step progress only on an interactive stderr: CI logs get the summary alone.
    progress = Progress(lambda s: click.echo(s, err=True, nl=False)) if sys.stderr.isatty() else None
    try:
        report = run(loaded, advisory=advisory, progress=progress, baseline_dir=baseline_dir)
    finally:
        if progress is not None:
            progress.close()
    # The run's page (GitHub) or the job's artifact browser (GitLab), from the CI environment only.
    from mlgate.ci import CIContext

    report_url = CIContext.detect(os.environ).run_url
    files = write_report(out, report, html=loaded.config.report.html, charts=loaded.config.report.charts,
                         report_url=report_url)
    # Printed only once the report is written: a closed stdout (`| head`) ends the command, and must
    # not leave the previous run's report in place.
    how = report.provenance.baseline.get("how")
    if how and not quiet:
        echo(how)
    if not quiet:
        color = sys.stdout.isatty()
        echo(render_terminal(report, color=color), styles=color)
        echo(f"report written to {out}/ ({', '.join(sorted(files))})")
    return report


@click.command()
@CONFIG_OPTION
@click.option("-o", "--out", default="mlgate-report", show_default=True, type=click.Path(path_type=Path),
              help="Report directory, replaced atomically (only a new, empty or earlier report folder).")
@click.option("--advisory", is_flag=True, help="Report, but exit 0 when gates fail (rollout mode).")
@click.option("--baseline-dir", type=click.Path(file_okay=False, path_type=Path),
              help="baseline.artifact: use this unzipped artifact folder instead of downloading it "
              "(also MLGATE_BASELINE_DIR).")
@click.option("--debug", is_flag=True, help="Show tracebacks (tokens are still masked).")
@publish_options
@trust_options
@handle_errors
def check(config_path: Path, out: Path, advisory: bool, baseline_dir: Path | None, debug: bool,
          publishing: Publishing, allow_pickle: bool,
          allow_outside_repo: bool) -> None:
    """Run every configured gate and write the scorecard."""
    seen: list[LoadedConfig] = []
    try:
        report = evaluate(config_path, out, advisory=advisory,
                          trust=make_trust(allow_pickle, allow_outside_repo), baseline_dir=baseline_dir,
                          seen=seen)
    except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:
        # Could not evaluate (2) or a bug (3): the previous verdict must not stay, here or on the PR.
        from mlgate._cli.error_report import report_failure

        report_failure(exc, config_path, out, seen[0] if seen else None, advisory=advisory,
                       publishing=publishing)
        raise
    log_results(config_path, report, out, publishing.pr, debug=debug)
    if publishing.enabled:
        markdown = (out / "scorecard.md").read_text(encoding="utf-8")
        code = publish_report(report, out, markdown, publishing,
                              config_artifact_url=artifact_url_from_config(config_path))
        if code is not None:
            sys.exit(code)
    sys.exit(report.exit_code)


@click.command("validate-config")
@CONFIG_OPTION
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def validate_config(config_path: Path, debug: bool) -> None:
    """Check mlgate.yaml without reading any data (fast; good as a pre-commit hook)."""
    from mlgate.config import load_config

    load_config(config_path)
    click.echo(f"{config_path}: ok")


@click.command("config-schema")
@click.option("-o", "--out", type=click.Path(path_type=Path), help="Write to a file instead of stdout.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def config_schema(out: Path | None, debug: bool) -> None:
    """Print the JSON Schema of mlgate.yaml (for editor completion)."""
    import json

    from mlgate.config import config_json_schema

    text = json.dumps(config_json_schema(), indent=2, sort_keys=True) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        from mlgate.render.safe_paths import write_own_file

        # Regenerating the schema is routine; overwriting a file that is not one is refused.
        write_own_file(out, text, option="--out", what="the config schema",
                       is_own=lambda old: _is_config_schema(old))


def _is_config_schema(text: str) -> bool:
    import json

    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return isinstance(doc, dict) and doc.get("title") == "mlgate.yaml" and "$defs" in doc
