"""The same inputs give a byte-identical scorecard.json (seeded statistics, sorted output)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_scorecard_json_is_byte_identical(demo_project: Path, cli: Any) -> None:
    outs = []
    for i in range(2):
        out = demo_project / f"report{i}"
        result = cli(["check", "-c", str(demo_project / "mlgate.yaml"), "--out", str(out)])
        assert result.exit_code in (0, 1), result.output
        outs.append(out)
    for name in ("scorecard.json", "scorecard.md", "junit.xml"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
