"""Configs and inputs that are not regular files, are too large or nest too deeply: exit 2, one message.

A pull request controls ``mlgate.yaml`` and every path in it. A named pipe blocks the first ``open``
forever, ``/dev/zero`` (directly, or through a committed link when the workflow allows outside paths)
never ends, and a config nested thousands of levels deep exhausts PyYAML's recursive composer. Each
case runs mlgate in a child process with a time limit and a memory limit (``RLIMIT_AS``), so code that
hangs or reads without bound fails the test instead of stalling the suite or the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only (FIFOs, /dev/zero)")

# Address space: far above what mlgate needs (numpy and the BLAS threads reserve a lot of it), far
# below what an unbounded read of /dev/zero reaches within the time limit.
MEMORY = 4 * 2**30


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def mlgate(args: list[str], cwd: Path, *, timeout: float = 120,
           **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("MLGATE_", "GITHUB_", "GITLAB_"))}
    environ.update(PYTHONPATH=str(ROOT), CI="", **env)
    return subprocess.run(
        [sys.executable, "-m", "mlgate", *args], cwd=cwd, env=environ, capture_output=True, text=True,
        timeout=timeout, preexec_fn=_limit, check=False,
    )


def refused(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    first = proc.stderr.splitlines()[0]
    for needle in needles:
        assert needle in first, proc.stderr


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_config_nested_5000_levels_deep(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    (tmp_path / "mlgate.yaml").write_text(
        "version: 1\ndata: " + opening * 5000 + "1" * (opening != "[") + closing * 5000 + "\n",
        encoding="utf-8")
    refused(mlgate(["validate-config"], tmp_path), "mlgate.yaml:2:", "nested more than 64 levels")


def test_a_block_config_nested_deeply(tmp_path: Path) -> None:
    # 1,300 levels fit under the size cap and are past Python's recursion limit for the composer.
    body = "".join(" " * i + f"k{i}:\n" for i in range(1, 1300)) + " " * 1300 + "x: 1\n"
    (tmp_path / "mlgate.yaml").write_text("version: 1\nextra:\n" + body, encoding="utf-8")
    refused(mlgate(["validate-config"], tmp_path), "mlgate.yaml:", "nested more than 64 levels")


def test_a_config_that_is_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "mlgate.yaml")
    refused(mlgate(["validate-config"], tmp_path, timeout=60), "mlgate.yaml", "named pipe (FIFO)")


def test_a_config_linked_to_dev_zero_with_outside_paths_allowed(tmp_path: Path) -> None:
    (tmp_path / "mlgate.yaml").symlink_to("/dev/zero")
    proc = mlgate(["validate-config"], tmp_path, timeout=60, MLGATE_ALLOW_OUTSIDE_REPO="1")
    refused(proc, "mlgate.yaml", "is a device, not a regular file")


def test_dev_zero_as_the_config(tmp_path: Path) -> None:
    refused(mlgate(["validate-config", "-c", "/dev/zero"], tmp_path, timeout=60), "/dev/zero", "a device")


def test_a_sparse_3_gib_config_is_not_read_into_memory(tmp_path: Path) -> None:
    with open(tmp_path / "mlgate.yaml", "wb") as fh:
        fh.truncate(3 * 2**30)  # sparse: no disk space used
    refused(mlgate(["validate-config"], tmp_path, timeout=60), "mlgate.yaml", "larger than 1,000,000 bytes")


def test_eval_data_that_is_a_fifo(demo_project: Path) -> None:
    os.mkfifo(demo_project / "data" / "pipe.csv")
    cfg = demo_project / "mlgate.yaml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("data/eval.csv", "data/pipe.csv"), encoding="utf-8")
    proc = mlgate(["check", "-o", str(demo_project.parent / "report")], demo_project)
    refused(proc, "data.eval: data/pipe.csv", "named pipe (FIFO)")


def test_baseline_predictions_linked_to_a_fifo(demo_project: Path) -> None:
    os.mkfifo(demo_project / "pipe.csv")
    (demo_project / "baseline" / "predictions.csv").unlink()
    (demo_project / "baseline" / "predictions.csv").symlink_to("../pipe.csv")
    proc = mlgate(["check", "-o", str(demo_project.parent / "report")], demo_project)
    refused(proc, "baseline.predictions: baseline/predictions.csv", "named pipe (FIFO)")


def _use_schema(project: Path, name: str, text: str) -> None:
    (project / "schemas" / name).write_text(text, encoding="utf-8")
    cfg = project / "mlgate.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("schemas/eval.yaml", f"schemas/{name}"),
                   encoding="utf-8")


@pytest.mark.parametrize(("name", "text"), [
    ("deep.yaml", "schema_type: dataframe\ncolumns: " + "[" * 5000 + "]" * 5000 + "\n"),
    ("deep.json", '{"expectations": ' + "[" * 100_000 + "]" * 100_000 + "}"),
])
def test_a_schema_nested_thousands_deep(demo_project: Path, name: str, text: str) -> None:
    _use_schema(demo_project, name, text)
    proc = mlgate(["check", "-o", str(demo_project.parent / "report")], demo_project)
    # The schema gate could not be evaluated; the other gates still ran (exit 2, not 3).
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "internal error" not in proc.stdout + proc.stderr
    assert f"  ERROR [schema] schemas/{name}: " in proc.stdout and "nested too deeply" in proc.stdout


def test_baseline_metrics_nested_thousands_deep(tmp_path: Path) -> None:
    (tmp_path / "metrics.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    refused(mlgate(["baseline", "show", "metrics.json"], tmp_path), "metrics.json", "nested too deeply")


def test_schema_infer_on_a_fifo(tmp_path: Path) -> None:
    # A path given on the command line reaches the table reader without the config's confinement.
    os.mkfifo(tmp_path / "pipe.csv")
    refused(mlgate(["schema", "infer", "pipe.csv"], tmp_path, timeout=60), "pipe.csv: is a named pipe (FIFO)")
