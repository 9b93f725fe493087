"""The corpus of bad inputs: one defect per case, each applied to a fresh copy of the demo project.

Each case names what the error message must mention; ``docs/reliability.md`` reports the counts.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

EVAL = "data/eval.csv"
PRED = "out/candidate.csv"


@dataclass(frozen=True)
class Case:
    id: str
    apply: Callable[[Path], None]
    culprit: str  # a string the message must contain (the file, key, column, row or line)
    # Some inputs may legitimately be read correctly (e.g. a UTF-8 BOM): then exit 0/1 is fine too.
    may_succeed: bool = False


def _rewrite(rel: str, fn: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        p = root / rel
        p.write_text(fn(p.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def _bytes(rel: str, fn: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        p = root / rel
        p.write_bytes(fn(p.read_bytes()))

    return apply


def _config(fn: Callable[[dict], None]) -> Callable[[Path], None]:  # type: ignore[type-arg]
    def apply(root: Path) -> None:
        p = root / "mlgate.yaml"
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        fn(data)
        p.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    return apply


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _replace_line(n: int, fn: Callable[[str], str]) -> Callable[[str], str]:
    def inner(text: str) -> str:
        lines = _lines(text)
        lines[n - 1] = fn(lines[n - 1])
        return "\n".join(lines) + "\n"

    return inner


def _set(path: str, value: object) -> Callable[[dict], None]:  # type: ignore[type-arg]
    def inner(data: dict) -> None:  # type: ignore[type-arg]
        keys = path.split(".")
        for k in keys[:-1]:
            data = data[k]
        data[keys[-1]] = value

    return inner


def _symlink_out(root: Path) -> None:
    outside = root.parent / "outside.csv"
    outside.write_text((root / EVAL).read_text(encoding="utf-8"), encoding="utf-8")
    (root / EVAL).unlink()
    (root / EVAL).symlink_to(outside)


def _eval_dir(root: Path) -> None:
    (root / EVAL).unlink()
    (root / EVAL).mkdir()


def _nan_prediction(text: str) -> str:
    lines = _lines(text)
    cells = lines[5].split(",")
    cells[1] = ""
    lines[5] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _score(value: str) -> Callable[[str], str]:
    def inner(text: str) -> str:
        lines = _lines(text)
        cells = lines[3].split(",")
        cells[2] = value
        lines[3] = ",".join(cells)
        return "\n".join(lines) + "\n"

    return inner


def _pred_value(value: str) -> Callable[[str], str]:
    def inner(text: str) -> str:
        lines = _lines(text)
        cells = lines[7].split(",")
        cells[1] = value
        lines[7] = ",".join(cells)
        return "\n".join(lines) + "\n"

    return inner


CASES: list[Case] = [
    # --- data files (the data-gate issue's defects)
    Case("empty-file", _bytes(EVAL, lambda b: b""), EVAL),
    Case("header-only", _rewrite(EVAL, lambda t: _lines(t)[0] + "\n"), EVAL),
    Case("duplicated-header", _rewrite(EVAL, lambda t: t.replace("duration_months", "age", 1)), EVAL),
    Case("ragged-row-long", _rewrite(EVAL, _replace_line(4, lambda s: s + ",extra")), "line 4"),
    Case("ragged-row-short", _rewrite(EVAL, _replace_line(6, lambda s: s.rsplit(",", 2)[0])), "line 6"),
    Case("nul-byte", _bytes(EVAL, lambda b: b.replace(b"\n", b"\n\x00", 3)), EVAL),
    Case("invalid-utf8", _bytes(EVAL, lambda b: b.replace(b"radio", b"r\xffdio", 1)), EVAL),
    Case("wrong-delimiter", _rewrite(EVAL, lambda t: t.replace(",", ";")), EVAL),
    Case("gzip-named-csv", _bytes(EVAL, gzip.compress), EVAL, may_succeed=True),
    Case("utf16", _bytes(EVAL, lambda b: b.decode("utf-8").encode("utf-16")), EVAL, may_succeed=True),
    Case(
        "utf8-bom-crlf",
        _bytes(EVAL, lambda b: b"\xef\xbb\xbf" + b.replace(b"\n", b"\r\n")),
        EVAL,
        may_succeed=True,
    ),
    Case(
        "corrupt-parquet",
        lambda r: (
            (r / "data" / "eval.parquet").write_bytes(b"PAR1 not really"),
            _config(_set("data.eval", "data/eval.parquet"))(r),
        ),
        "eval.parquet",
    ),
    Case(
        "bad-jsonl",
        lambda r: (
            (r / "data" / "eval.jsonl").write_text('{"a": 1}\n{"a": \n', "utf-8"),
            _config(_set("data.eval", "data/eval.jsonl"))(r),
        ),
        "eval.jsonl",
    ),
    Case("missing-label-column", _config(_set("data.label", "kredit")), "kredit"),
    Case("missing-id-column", _config(_set("data.id", "row_id")), "row_id"),
    # --- configs
    Case(
        "yaml-syntax",
        _rewrite("mlgate.yaml", lambda t: t.replace("task: binary", "task: [binary")),
        "mlgate.yaml",
    ),
    Case(
        "wrong-type",
        _config(_set("gates.performance.metrics", {"accuracy": {"min": "high"}})),
        "gates.performance.metrics.accuracy.min",
    ),
    Case("unknown-key", _config(_set("data.lable", "x")), "data.lable"),
    Case(
        "unknown-metric",
        _config(_set("gates.performance.metrics", {"acurracy": {"min": 0.5}})),
        "did you mean 'accuracy'",
    ),
    Case("recursive-anchor", _rewrite("mlgate.yaml", lambda t: t + "x: &a [1, *a]\n"), "recursive"),
    Case("huge-config", _rewrite("mlgate.yaml", lambda t: t + "#" + "x" * 1_100_000 + "\n"), "mlgate.yaml"),
    Case("bad-task", _config(_set("task", "binar")), "task"),
    # --- prediction files
    Case(
        "fewer-prediction-rows", _rewrite(PRED, lambda t: "\n".join(_lines(t)[:-3]) + "\n"), "no prediction"
    ),
    Case("unknown-ids", _rewrite(PRED, _replace_line(3, lambda s: "999999" + s[s.index(",") :])), "999999"),
    Case("duplicate-ids", _rewrite(PRED, lambda t: t + _lines(t)[1] + "\n"), "duplicate id"),
    Case("nan-prediction", _rewrite(PRED, _nan_prediction), PRED),
    Case("probability-above-1", _rewrite(PRED, _score("1.5")), "score"),
    Case("probability-negative", _rewrite(PRED, _score("-0.1")), "score"),
    Case("probability-nan", _rewrite(PRED, _score("nan")), "score"),
    Case("third-class", _rewrite(PRED, _pred_value("maybe")), "maybe"),
    Case("no-prediction-column", _rewrite(PRED, lambda t: t.replace("prediction", "pred", 1)), "prediction"),
    # --- files and permissions
    Case("missing-eval-file", lambda r: (r / EVAL).unlink(), EVAL),
    Case("missing-config-file", lambda r: (r / "mlgate.yaml").unlink(), "mlgate.yaml"),
    Case("directory-for-file", _eval_dir, EVAL),
    Case("symlink-outside-repo", _symlink_out, "outside the repository"),
    Case("broken-symlink", lambda r: ((r / EVAL).unlink(), (r / EVAL).symlink_to(r / "gone.csv")), EVAL),
]

UNREADABLE = Case("unreadable-permissions", lambda r: os.chmod(r / EVAL, 0), EVAL)
