"""``mlgate init``: write a commented starter mlgate.yaml (never overwriting without --force)."""

from __future__ import annotations

from pathlib import Path

import click

from mlgate._cli._common import handle_errors

STARTER = """\
# mlgate.yaml: the quality gate for this repository's model.
# Reference: https://github.com/mlgate/mlgate/blob/main/docs/configuration.md
# Editor completion: `mlgate config-schema -o mlgate.schema.json`
version: 1
task: binary                    # binary | multiclass | regression
data:
  eval: data/eval.parquet       # .csv, .csv.gz, .parquet, .jsonl; paths are relative to this file
  label: label                  # the true label column
  positive: "1"                 # binary: the positive class value as it appears in the label column
  id: id                        # join key shared with the prediction files (optional)
  # reference: data/train.parquet   # for the drift gate
# schema: schemas/eval.yaml     # pandera YAML (`mlgate schema infer`) or a Great Expectations suite
candidate:
  predictions: out/candidate.csv        # columns: id, prediction, score (P(positive))
baseline:
  predictions: baseline/predictions.csv # the production model on the same rows
gates:
  performance:
    metrics:
      accuracy: {min: 0.70, max_drop: 0.01}
      roc_auc: {min: 0.70, max_drop: 0.01}
  # fairness:
  #   sensitive: [sex]
  #   metrics:
  #     demographic_parity_ratio: {min: 0.8}
"""


@click.command()
@click.option("-c", "--config", "config_path", default="mlgate.yaml", show_default=True,
              type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def init(config_path: Path, force: bool, debug: bool) -> None:
    """Write a commented starter mlgate.yaml."""
    if config_path.exists() and not force:
        raise click.UsageError(f"{config_path} already exists; pass --force to overwrite it")
    config_path.write_text(STARTER, encoding="utf-8")
    click.echo(f"wrote {config_path}")
    click.echo("next: point data.eval and the prediction files at your data, then run `mlgate check`")
