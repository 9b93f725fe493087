"""Property-based tests of every reader, through the CLI: a valid file with mutated bytes, truncated,
re-encoded (UTF-16, UTF-32, latin-1, a BOM), gzipped or with another delimiter ends in a verdict or in
exit 2 with a message naming the file; never exit 3, never a traceback.

Readers: the eval table (CSV, JSON Lines, Parquet), a predictions file, ``mlgate.yaml`` and the
``scorecard.json`` that ``mlgate publish --from-json`` reads. Examples are derandomized and use no
example database, so a run is repeatable and CI time is bounded (about 165 CLI runs in all).
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli

HEADER = ["id", "city", "age", "label"]
ROWS = [[i, "Zürich" if i % 2 else "Montréal", 20 + i, "good" if i % 3 else "bad"] for i in range(12)]
CONFIG = {
    "version": 1,
    "task": "binary",
    "data": {"eval": "eval.csv", "label": "label", "positive": "good", "id": "id"},
    "candidate": {"predictions": "candidate.csv"},
    "gates": {"schema": {}, "performance": {"metrics": {"accuracy": {"min": 0.0}}}},
}


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    return ("\n".join(",".join(map(str, r)) for r in [header, *rows]) + "\n").encode("utf-8")


def _jsonl() -> bytes:
    import json

    return "".join(json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) + "\n"
                   for r in ROWS).encode("utf-8")


def _parquet() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.table({h: [r[i] for r in ROWS] for i, h in enumerate(HEADER)}), sink)
    return sink.getvalue()


EVAL = {"eval.csv": _csv(HEADER, ROWS), "eval.jsonl": _jsonl(), "eval.parquet": _parquet()}
PREDS = _csv(["id", "prediction", "score"], [[r[0], r[3], 0.25 + 0.05 * (r[0] % 10)] for r in ROWS])


def mutated(base: bytes) -> st.SearchStrategy[bytes]:
    """``base`` truncated, with bytes inserted, deleted or replaced, re-encoded, with a BOM, gzipped,
    or with its commas replaced by another delimiter."""
    pos = st.integers(0, len(base))

    def insert(t: tuple[int, bytes]) -> bytes:
        return base[: t[0]] + t[1] + base[t[0]:]

    def delete(t: tuple[int, int]) -> bytes:
        return base[: t[0]] + base[t[0] + t[1]:]

    def replace(t: tuple[int, int]) -> bytes:
        return base[: t[0]] + bytes([t[1]]) + base[t[0] + 1:]

    def reencode(encoding: str) -> bytes:
        return base.decode("utf-8", errors="replace").encode(encoding, errors="replace")

    return st.one_of(
        pos.map(lambda i: base[:i]),
        st.tuples(pos, st.binary(min_size=1, max_size=6)).map(insert),
        st.tuples(pos, st.integers(1, 24)).map(delete),
        st.tuples(st.integers(0, max(0, len(base) - 1)), st.integers(0, 255)).map(replace),
        st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]).map(reencode),
        st.just(b"\xef\xbb\xbf" + base),
        st.just(gzip.compress(base)),
        st.sampled_from([b";", b"\t", b"|", b", "]).map(lambda d: base.replace(b",", d)),
    )


# Each example writes a report (fsync'ed); in memory where the system has a tmpfs, to bound CI time.
FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _project(root: Path, files: dict[str, bytes], config: dict[str, object] | None = None) -> Path:
    (root / "eval.csv").write_bytes(EVAL["eval.csv"])
    (root / "candidate.csv").write_bytes(PREDS)
    (root / "schema.yaml").write_text(yaml.safe_dump({"schema_type": "dataframe", "columns": {
        "id": {"dtype": "int64"}, "city": {"dtype": "str"}, "age": {"dtype": "int64"},
        "label": {"dtype": "str"}}}), encoding="utf-8")
    cfg = config or {**CONFIG, "schema": "schema.yaml"}
    (root / "mlgate.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    for name, data in files.items():
        (root / name).write_bytes(data)
    return root / "mlgate.yaml"


def assert_clean(result: Result, names: tuple[str, ...]) -> None:
    """A verdict (0, 1) or a clean input error (2) that names one of ``names``; no bug, no traceback."""
    out = result.output
    event(f"exit {result.exit_code}")  # --hypothesis-show-statistics: how many examples each verdict
    assert result.exit_code in (0, 1, 2), out
    assert "Traceback" not in out and "internal error" not in out and "a bug in mlgate" not in out, out
    if result.exit_code == 2:
        # Either the run stops with one message, or a gate that read the damaged part of a lazily
        # read table (a Parquet page) ends in ERROR on the scorecard: either names the file.
        shown = result.stderr if result.stderr.startswith("mlgate: error: ") else "\n".join(
            line for line in result.stdout.splitlines() if "ERROR" in line)
        assert any(name in shown for name in names), out


def _check(files: dict[str, bytes], names: tuple[str, ...], config: dict[str, object] | None = None) -> None:
    with tempfile.TemporaryDirectory(dir=FAST_TMP) as tmp:
        cfg = _project(Path(tmp), files, config)
        result = run_cli(["check", "-c", str(cfg), "-o", str(Path(tmp) / "report"), "--publish", "none"])
        assert_clean(result, names)


SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(mutated(EVAL["eval.csv"]))
def test_eval_csv(data: bytes) -> None:
    _check({"eval.csv": data}, ("eval.csv", "candidate.csv"))


@pytest.mark.parametrize("name", ["eval.jsonl", "eval.parquet"])
@settings(SETTINGS, max_examples=15)
@given(data=st.data())
def test_eval_jsonl_and_parquet(name: str, data: st.DataObject) -> None:
    content = data.draw(mutated(EVAL[name]))
    config = {**CONFIG, "schema": "schema.yaml", "data": {**CONFIG["data"], "eval": name}}  # type: ignore[dict-item]
    _check({name: content}, (name, "candidate.csv"), config)


@SETTINGS
@given(mutated(PREDS))
def test_predictions_file(data: bytes) -> None:
    _check({"candidate.csv": data}, ("candidate.csv",))


CONFIG_TEXT = yaml.safe_dump({**CONFIG, "report": {"title": "Qualité"}}, sort_keys=False).encode("utf-8")


@SETTINGS
@given(mutated(CONFIG_TEXT))
def test_config_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory(dir=FAST_TMP) as tmp:
        cfg = _project(Path(tmp), {})
        cfg.write_bytes(data)
        result = run_cli(["check", "-c", str(cfg), "-o", str(Path(tmp) / "report"), "--publish", "none"])
        # A mutated config may still be valid and point at a file that is not there: named too.
        assert_clean(result, ("mlgate.yaml", "eval.csv", "candidate.csv", "data.eval", "candidate."))
        result = run_cli(["validate-config", "-c", str(cfg)])
        assert_clean(result, ("mlgate.yaml",))


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    cfg = _project(root, {})
    result = run_cli(["check", "-c", str(cfg), "-o", str(root / "report"), "--publish", "none"])
    assert result.exit_code == 0, result.output
    return root / "report"


@settings(SETTINGS, max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_scorecard_json_for_publish(report_dir: Path, data: st.DataObject) -> None:
    content = data.draw(mutated((report_dir / "scorecard.json").read_bytes()))
    with tempfile.TemporaryDirectory(dir=FAST_TMP) as tmp:
        copy = Path(tmp) / "report"
        shutil.copytree(report_dir, copy)
        (copy / "scorecard.json").write_bytes(content)
        result = run_cli(["publish", str(copy), "--from-json", "--publish", "none"])
        assert_clean(result, ("scorecard.json",))

