"""Fast throwaway environments for the CI integration tests.

Installing mlgate's dependencies from scratch takes minutes, so a throwaway virtual environment sees the
test environment's site-packages through a ``.pth`` file (https://docs.python.org/3/library/site.html):
``pip install`` of the source copy then really builds and installs mlgate into the throwaway
environment (``--no-deps`` via ``PIP_NO_DEPS``), while pandas & co. are shared and the test environment
is never modified.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# pip reads PIP_<OPTION> from the environment (https://pip.pypa.io/en/stable/topics/configuration/).
PIP_ENV = {"PIP_NO_DEPS": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_WARN_SCRIPT_LOCATION": "1"}


def make_venv(where: Path) -> Path:
    """A virtual environment without pip of its own that sees the test environment's packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    purelib = subprocess.run(
        [str(where / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    Path(purelib, "_mlgate_test_shared.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return where / "bin"
