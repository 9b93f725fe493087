"""``mlgate schema infer`` and ``mlgate schema validate``: write a starting schema, try it on a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mlgate._cli._common import echo, handle_errors, make_trust


@click.group()
def schema() -> None:
    """Data schemas for the schema gate (pandera YAML or a Great Expectations suite)."""


def _read(data: Path) -> object:
    from mlgate.config.data import DEFAULT_NULL_VALUES
    from mlgate.io.tables import read_table

    return read_table(data, null_values=DEFAULT_NULL_VALUES, display=str(data))


@schema.command("infer")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the schema here (default: stdout).")
@click.option("--format", "fmt", type=click.Choice(["pandera", "ge"]), default="pandera", show_default=True,
              help="pandera: pandera YAML; ge: Great Expectations 1.x suite JSON.")
@click.option("--id", "id_column", help="Column holding a unique row id (default: a column named id, *_id).")
@click.option("--force", is_flag=True, help="Replace an existing --out file (you may have edited it).")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def infer(data: Path, out: Path | None, fmt: str, id_column: str | None, force: bool, debug: bool) -> None:
    """Infer a starting schema from DATA (.csv, .csv.gz, .parquet, .jsonl) for you to edit.

    Types, nullability, value ranges with a 10% margin, allowed values of low-cardinality text
    columns and uniqueness of the id column. DATA itself always passes the schema.
    """
    from mlgate.errors import InputError
    from mlgate.render.safe_paths import check_target, write_own_file
    from mlgate.schema.infer import infer_ge_suite, infer_pandera_yaml

    if out is not None:
        check_target(out, option="--out", what="a schema")  # refused before reading any data
    frame = _read(data)
    if id_column is not None and id_column not in frame.columns:  # type: ignore[attr-defined]
        raise InputError(f"{data}: no column '{id_column}' (--id)")
    if fmt == "ge":
        text = infer_ge_suite(frame, name=data.name.split(".")[0], id_column=id_column)  # type: ignore[arg-type]
    else:
        text = infer_pandera_yaml(frame, id_column=id_column)  # type: ignore[arg-type]
    if out is None:
        click.echo(text, nl=False)
    else:
        # An inferred schema is meant to be edited: an existing file is only replaced with --force.
        write_own_file(out, text, option="--out", what="a schema", force=force, force_option="--force")
        click.echo(f"schema written to {out} ({fmt}); review it, then set schema: {out} in mlgate.yaml",
                   err=True)


@schema.command("validate")
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-s", "--schema", "schema_path", required=True,
              help="pandera YAML, GE suite JSON, or module:attribute.")
@click.option("--kind", type=click.Choice(["auto", "pandera-yaml", "pandera-python", "great-expectations"]),
              default="auto", show_default=True)
@click.option("--max-examples", default=5, show_default=True, type=click.IntRange(0, 100))
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def validate_cmd(data: Path, schema_path: str, kind: str, max_examples: int, debug: bool) -> None:
    """Validate DATA against a schema; exit 1 when a check fails (no mlgate.yaml needed)."""
    from mlgate.gates.schema import describe, validate
    from mlgate.schema.load import load_schema
    from mlgate.text import one_line

    # DATA and --schema are chosen on the command line, not by a config a pull request can change:
    # they may be anywhere. A Python schema still never loads in a privileged run.
    loaded = load_schema(schema_path, kind, Path.cwd(), make_trust(allow_outside_repo=True))
    frame = _read(data)
    outcome = validate(loaded, frame, max_examples)  # type: ignore[arg-type]
    for finding in outcome.findings:
        # Column names and failing values come from the data: one inert line each (mlgate.text).
        echo(f"FAIL {one_line(finding.column or '-')}: {one_line(finding.check)}: "
             f"{one_line(describe(finding, outcome.n_rows))}")
    passed = outcome.n_checks - len(outcome.findings)
    echo(f"{data}: {passed} of {outcome.n_checks} checks pass on {outcome.n_rows} rows")
    sys.exit(1 if outcome.findings else 0)
