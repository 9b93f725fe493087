"""The ``mlgate`` command line. Only click is imported at start-up; commands import the core lazily."""

from __future__ import annotations

import warnings

import click

from mlgate._cli._pipe import PipeSafeGroup
from mlgate._cli.baseline import baseline
from mlgate._cli.check import check, config_schema, validate_config
from mlgate._cli.demo import demo
from mlgate._cli.init import init
from mlgate._cli.publish import publish_cmd
from mlgate._cli.schema import schema
from mlgate._version import __version__

# pandera imports pyspark.pandas when pyspark is installed (the spark extra), and pyspark warns at
# import that it does not support pandas 3 yet; mlgate never uses pyspark.pandas, so the warning
# would only be noise on every `mlgate check`.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


@click.group(cls=PipeSafeGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="mlgate", message="%(prog)s %(version)s")
def main() -> None:
    """Quality gate for machine-learning changes: data, performance, fairness, drift.

    \b
    Exit codes: 0 pass, 1 a gate failed, 2 could not evaluate (config or inputs), 3 internal error.
    """


for _cmd in (check, validate_config, config_schema, demo, init, publish_cmd, baseline, schema):
    main.add_command(_cmd)

__all__ = ["main"]
