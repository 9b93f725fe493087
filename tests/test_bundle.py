"""The input bundle sits at the bottom: the readers build it without loading any gate."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import mlgate.io.baseline, mlgate.io.predictions, mlgate.bundle
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("mlgate.gates", "mlgate.engines")))))
"""


def test_reading_inputs_loads_no_gate() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
