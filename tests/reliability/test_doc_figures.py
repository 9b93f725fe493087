"""docs/reliability.md quotes the sizes of the test corpora: keep them in step."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from tests.reliability.corpus import CASES

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")


def _loader_corpus() -> tuple[int, int]:
    spec = importlib.util.spec_from_file_location("loading", ROOT / "tests" / "io" / "test_table_loading.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return len(module.BAD), len(module.GOOD_VARIANTS)


def _property_examples() -> int:
    text = (ROOT / "tests" / "reliability" / "test_properties.py").read_text(encoding="utf-8")
    return sum(int(n) for n in re.findall(r"max_examples=(\d+)", text))


def test_figures_match_the_tests() -> None:
    bad, good = _loader_corpus()
    end_to_end = len(CASES) + 1  # + the unreadable-file case run as 'nobody'
    assert f"| {end_to_end} | `tests/reliability/corpus.py`" in DOC
    assert f"| {bad} | `tests/io/test_table_loading.py`" in DOC
    assert f"| {good} | `tests/io/test_table_loading.py`" in DOC
    assert f"## Bad inputs: {end_to_end + bad + good} files" in DOC
    assert f"## Property-based tests: {_property_examples()} generated inputs" in DOC


def test_fault_scenarios_match_the_publish_tests() -> None:
    count = sum(
        p.read_text(encoding="utf-8").count("Fault(") for p in (ROOT / "tests" / "publish").glob("test_*.py")
    )
    assert f"## Faults injected while publishing: {count} scenarios" in DOC
