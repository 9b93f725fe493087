"""``data.engine: spark`` without pyspark installed: one input error with the install hint (exit 2),
not "internal error ... a bug in mlgate" (exit 3). Needs neither pyspark nor Java: a meta-path finder
makes every ``import pyspark`` fail in a fresh interpreter, as on a machine without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

PROBE = """
import sys


class NoPyspark:
    def find_spec(self, name, path=None, target=None):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(f"No module named {name!r}")
        return None


sys.meta_path.insert(0, NoPyspark())
for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
    del sys.modules[name]
from mlgate._cli import main

main(["check", "-c", sys.argv[1], "--out", sys.argv[2]], prog_name="mlgate")
"""


def test_spark_engine_without_pyspark_exits_2_with_the_install_hint(demo_project: Path) -> None:
    path = demo_project / "mlgate.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["data"]["engine"] = "spark"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), str(demo_project / "report")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 2, output
    assert "needs pyspark, which is not installed" in output
    assert 'pip install "mlgate[spark]"' in output
    assert "Traceback" not in output and "internal error" not in output
