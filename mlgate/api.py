"""The Python entry point: ``mlgate.check`` runs the gates of a config, optionally on DataFrames.

Notebooks and Spark jobs that already hold the evaluation data call::

    report = mlgate.check("mlgate.yaml", eval_data=spark_df, reference_data=train_df)
    report.exit_code  # 0 pass, 1 blocked

``eval_data`` / ``reference_data`` may be pandas DataFrames or pyspark DataFrames; with a pyspark
DataFrame the group counts are computed in Spark and only small statistics reach the driver, as with
``data.engine: spark``. The configured ``data.eval`` / ``data.reference`` values then only name the
data in messages and in the scorecard. Predictions and models are read from the files the config
names, aligned with the eval rows in their order (or by ``data.id``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig
    from mlgate.result import Report


def check(
    config: str | Path | LoadedConfig,
    *,
    eval_data: object = None,
    reference_data: object = None,
    advisory: bool = False,
    allow_pickle: bool = False,
    allow_outside_repo: bool = False,
    out: str | Path | None = None,
) -> Report:
    """Evaluate every configured gate and return the :class:`~mlgate.result.Report`.

    Raises :class:`mlgate.errors.InputError` (or ``ConfigError``) for unusable inputs, with the same
    messages as ``mlgate check`` (which exits 2 on them). ``allow_pickle`` / ``allow_outside_repo`` are
    the ``--allow-pickle`` / ``--allow-outside-repo`` switches of ``mlgate check`` (they apply when
    ``config`` is a path; a :class:`LoadedConfig` carries its own); a privileged run
    (:mod:`mlgate.trust`) still never loads pickles or Python schemas. ``out``: also write the report
    directory there, as ``mlgate check -o`` does (the same files; an error report when the inputs
    cannot be evaluated, before the error is raised).
    """
    from mlgate.config import LoadedConfig, load_config
    from mlgate.runner import run
    from mlgate.trust import Trust

    trust = Trust.from_environ(allow_pickle=allow_pickle, allow_outside_repo=allow_outside_repo)

    def load() -> LoadedConfig:
        return config if isinstance(config, LoadedConfig) else load_config(config, trust)

    def evaluate(loaded: LoadedConfig) -> Report:
        return run(loaded, advisory=advisory, frames={"eval": eval_data, "reference": reference_data})

    if out is None:
        return evaluate(load())
    from mlgate.render.write import write_run

    path = config.path if isinstance(config, LoadedConfig) else Path(config)
    return write_run(Path(out), path, load, evaluate, advisory=advisory)
