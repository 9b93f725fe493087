"""deepchecks runs only in the pinned environment that scripts/test.sh builds (.venv-deepchecks).

There MLGATE_DEEPCHECKS_ENV=1 is set and every test here must run; in the main environment the tests
that need deepchecks are skipped with that reason (CI runs them in the pinned one).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

PINNED = os.environ.get("MLGATE_DEEPCHECKS_ENV") == "1"
needs_pinned = pytest.mark.skipif(
    not PINNED, reason="deepchecks needs numpy<2, pandas<2.3, scikit-learn<1.6: run by scripts/test.sh "
    "in .venv-deepchecks"
)


def _configure(project: Path, gates: dict[str, Any], *, reference: bool = True) -> Path:
    """The demo project's config with only the given gates."""
    path = project / "mlgate.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["gates"] = gates
    config.pop("schema", None)
    if not reference:
        config["data"].pop("reference", None)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture
def configure() -> Callable[..., Path]:
    return _configure
