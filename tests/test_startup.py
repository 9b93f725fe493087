"""``mlgate --version`` / ``--help`` start fast: no heavy library is imported (counted, not timed).

Timing is noisy on shared CI machines; the modules imported are not. Each heavy library below costs
from 50 ms (yaml, httpx) to over a second (great_expectations, sklearn) of import time.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "pandas", "numpy", "sklearn", "scipy", "pandera", "pydantic", "great_expectations", "httpx", "yaml",
    "pyarrow", "fairlearn", "deepchecks", "pyspark",
)

# Runs the real click entry point in a fresh interpreter, then lists the heavy top-level packages
# that ended up in sys.modules. ``standalone_mode=False`` keeps click from calling sys.exit.
PROBE = """
import json, sys
from mlgate._cli import main
for args in json.loads(sys.argv[1]):
    try:
        main.main(args, prog_name="mlgate", standalone_mode=False)
    except SystemExit:
        pass
heavy = json.loads(sys.argv[2])
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & set(heavy))))
"""


def heavy_imports(*invocations: list[str]) -> list[str]:
    """Heavy packages imported after running the CLI with each argument list in one interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(invocations), json.dumps(HEAVY)],
        capture_output=True, text=True, timeout=60, check=True,
    )
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["-h"]])
def test_version_and_help_import_no_heavy_library(args: list[str]) -> None:
    assert heavy_imports(args) == []


def test_every_command_help_imports_no_heavy_library() -> None:
    # One interpreter for all commands keeps the test fast; a command module that imports a heavy
    # library at top level shows up here as soon as it is registered in mlgate/_cli/__init__.py.
    from mlgate._cli import main

    commands = [[name, "--help"] for name in sorted(main.commands)]
    assert commands, "no command registered"
    assert heavy_imports(*commands) == []


def test_probe_detects_a_heavy_import() -> None:
    # The probe must be able to fail: importing the config (pydantic, yaml) is visible to it.
    out = subprocess.run(
        [sys.executable, "-c", "import sys, mlgate.config; print(sorted(m for m in "
         "('pydantic', 'yaml') if m in sys.modules))"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    assert "pydantic" in out.stdout


def test_version_output() -> None:
    from mlgate import __version__

    out = subprocess.run(
        [sys.executable, "-m", "mlgate", "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == f"mlgate {__version__}"
