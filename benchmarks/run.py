"""Benchmark driver: ``python -m benchmarks.run [--sizes 100k,1m,10m] [--peers]``.

For each size it measures, every command in a fresh child process (wall time, peak RSS):
``mlgate check`` with all gates and with each gate alone; the floor (reading the columns + one numpy
pass per metric family, ``benchmarks/floor.py``); peers in mlgate's environment (pandera, scikit-learn,
fairlearn ``MetricFrame``); each gate owner's ``benchmarks/bench_<gate>.py`` (``run(n_rows) -> dict``);
with ``--peers``, Evidently and deepchecks in their own environments (``benchmarks/setup_peers.sh``).
It prints one table of ratios measured in the same run and checks the performance targets.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from benchmarks.data import GATES, parse_size, size_label, workload
from benchmarks.measure import Measurement, machine, measure

HERE = Path(__file__).resolve().parent
ENVS = HERE / ".envs"
PY = sys.executable


@dataclass
class Row:
    task: str
    family: str  # the floor it is compared with: all, schema, performance, slices, fairness, drift
    wall_s: float
    peak_mib: float
    ok: bool
    note: str = ""
    data: dict[str, object] = field(default_factory=dict)


def mlgate_cmd() -> list[str]:
    exe = Path(PY).with_name("mlgate")
    return [str(exe)] if exe.exists() else [PY, "-m", "mlgate"]


def _row(
    task: str, family: str, m: Measurement, ok: bool, note: str = "", data: dict[str, object] | None = None
) -> Row:
    if m.timed_out:
        ok, note = False, f"timed out after {m.wall_s:.0f} s (a lower bound)"
    elif not ok and not note:
        tail = (m.stderr.strip().splitlines() or ["?"])[-1]
        note = f"exit {m.returncode}: {tail[:160]}"
    return Row(task, family, m.wall_s, m.peak_mib, ok, note, data or {})


def _json(text: str) -> dict[str, object]:
    for line in reversed(text.strip().splitlines()):
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return {}


def run_check(
    root: Path, config: str, task: str, family: str, timeout: float, expected: tuple[str, ...]
) -> Row:
    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as tmp:
        out = Path(tmp) / "report"
        m = measure(
            [*mlgate_cmd(), "check", "-c", str(root / config), "-o", str(out)], cwd=root, timeout=timeout
        )
        # 0 = pass, 1 = a gate failed: both are a full evaluation. 2/3 mean nothing was measured.
        ok = m.returncode in (0, 1)
        data: dict[str, object] = {}
        card = out / "scorecard.json"
        if ok and card.exists():
            doc = json.loads(card.read_text())
            gates = doc.get("gates", [])
            data = {g.get("name", "?"): g.get("status", "?") for g in gates}
            # A gate that is not registered yet is silently absent from the scorecard: then the
            # command did not do the work it is compared for.
            missing = [g for g in expected if g not in data]
            if missing:
                return _row(task, family, m, False, f"not in the scorecard: {', '.join(missing)}", data)
            broken = [n for n, s in data.items() if s == "error"]
            if broken:
                ok = False
                errors = "; ".join(str(g.get("error", ""))[:120] for g in gates if g.get("status") == "error")
                return _row(task, family, m, ok, f"gate error ({', '.join(broken)}): {errors}", data)
        return _row(task, family, m, ok, data=data)


def run_module(args: list[str], task: str, family: str, timeout: float, python: str = PY) -> Row:
    m = measure([python, *args], cwd=HERE.parent, timeout=timeout)
    return _row(task, family, m, m.returncode == 0, data=_json(m.stdout) if m.returncode == 0 else {})


def gate_benches() -> list[str]:
    """Names of the gate owners' ``benchmarks/bench_<gate>.py`` modules."""
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def run_size(
    n_rows: int,
    *,
    peers: bool,
    timeout: float,
    only: set[str] | None,
    gates: tuple[str, ...] = tuple(GATES),
    data_dir: Path | None = None,
) -> list[Row]:
    root = workload(n_rows, data_dir)
    rows: list[Row] = []

    def want(kind: str) -> bool:
        return only is None or kind in only

    if want("floor"):
        rows.append(
            run_module(["-m", "benchmarks.floor", str(root), "all"], "floor (all families)", "all", timeout)
        )
        rows += [
            run_module(["-m", "benchmarks.floor", str(root), g], f"floor ({g})", g, timeout) for g in gates
        ]
    if want("check"):
        rows.append(run_check(root, "mlgate.yaml", "mlgate check (all gates)", "all", timeout, tuple(GATES)))
        rows += [
            run_check(root, f"mlgate.{g}.yaml", f"mlgate check ({g} only)", g, timeout, (g,)) for g in gates
        ]
    if want("peers-local"):
        for name, family, label in (
            ("pandera", "schema", "pandera validate (lazy)"),
            ("sklearn", "performance", "scikit-learn point metrics"),
            ("fairlearn", "fairness", "fairlearn MetricFrame"),
        ):
            rows.append(run_module(["-m", "benchmarks.peers", name, str(root)], label, family, timeout))
    if want("bench"):
        for mod in gate_benches():
            family = mod.removeprefix("bench_")
            code = f"import json, benchmarks.{mod} as m; print(json.dumps(m.run({n_rows}), default=str))"
            rows.append(
                run_module(["-c", code], f"{mod}.run()", family if family in GATES else "all", timeout)
            )
    if peers:
        script = str(HERE / "peers_external.py")
        for name, family, label in (
            ("evidently", "drift", "Evidently DataDriftPreset"),
            ("deepchecks", "all", "deepchecks data_integrity + train_test_validation"),
        ):
            python = ENVS / name / "bin" / "python"
            if not python.exists():
                rows.append(
                    Row(
                        label,
                        family,
                        float("nan"),
                        float("nan"),
                        False,
                        f"no environment: run bash benchmarks/setup_peers.sh {name}",
                    )
                )
                continue
            rows.append(run_module([script, name, str(root)], label, family, timeout, python=str(python)))
    return rows


def _floors(rows: list[Row]) -> dict[str, Row]:
    return {r.family: r for r in rows if r.task.startswith("floor") and r.ok}


def _fmt(x: float, digits: int = 2, suffix: str = "") -> str:
    return "n/a" if x != x else f"{x:.{digits}f}{suffix}"


def table(rows: list[Row]) -> str:
    floors = _floors(rows)
    lines = [
        "| task | wall s | peak MiB | time / floor | memory / floor | note |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        f = floors.get(r.family)
        tr = r.wall_s / f.wall_s if f and r.ok else float("nan")
        mr = r.peak_mib / f.peak_mib if f and r.ok else float("nan")
        note = r.note.replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {r.task} | {_fmt(r.wall_s)} | {_fmt(r.peak_mib, 0)} | {_fmt(tr, 1, 'x')} "
            f"| {_fmt(mr, 1, 'x')} | {note} |"
        )
    return "\n".join(lines)


def _find(rows: list[Row], task: str) -> Row | None:
    return next((r for r in rows if r.task == task and r.ok), None)


def targets(results: dict[int, list[Row]]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for each target that this run can judge."""
    out: list[tuple[str, str, bool | None]] = []
    for n, rows in results.items():
        label = size_label(n)
        check, floor = _find(rows, "mlgate check (all gates)"), _floors(rows).get("all")
        if check and floor:
            ratio = check.wall_s / floor.wall_s
            out.append((f"{label}: check within 4x the floor", f"{ratio:.1f}x", ratio <= 4))
            data_mib = float(floor.data.get("bytes", 0)) / 2**20  # type: ignore[arg-type]
            # Below ~256 MiB of data the interpreter and its imports (~150-250 MiB) dominate the peak.
            if data_mib >= 256:
                mem = check.peak_mib / data_mib
                out.append(
                    (
                        f"{label}: peak memory at most 3x the columns used ({data_mib:.0f} MiB)",
                        f"{mem:.1f}x",
                        mem <= 3,
                    )
                )
        for peer, factor in (
            ("deepchecks data_integrity + train_test_validation", 10),
            ("Evidently DataDriftPreset", 3),
        ):
            p = next((r for r in rows if r.task == peer), None)
            if check and p is not None and (p.ok or "timed out" in p.note):
                speed = p.wall_s / check.wall_s
                out.append(
                    (
                        f"{label}: {peer.split()[0]} at least {factor}x slower than check",
                        f"{speed:.1f}x" + (" (peer timed out)" if not p.ok else ""),
                        speed >= factor,
                    )
                )
    sizes = sorted(results)
    for small, big in itertools.pairwise(sizes):
        a, b = (
            _find(results[small], "mlgate check (all gates)"),
            _find(results[big], "mlgate check (all gates)"),
        )
        if a and b:
            growth, allowed = b.wall_s / a.wall_s, 1.1 * big / small
            out.append(
                (
                    f"{size_label(big)} vs {size_label(small)}: time grows at most {allowed:.0f}x",
                    f"{growth:.1f}x",
                    growth <= allowed,
                )
            )
    return out


def _flat(data: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{name}."))
        elif isinstance(value, float):
            out[name] = f"{value:.4g}"
        else:
            out[name] = str(value).replace("|", "\\|")[:80]
    return out


def report(results: dict[int, list[Row]], info: dict[str, str]) -> str:
    parts = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}, Python {info['python']}, "
        f"{info['os']}; load average {info['load']} at the start, {info.get('load_end', '?')} at the end."
    ]
    for n, rows in results.items():
        parts += [f"\n### {n:,} rows\n", table(rows)]
    for n, rows in results.items():
        benches = [r for r in rows if r.task.endswith(".run()") and r.ok and r.data]
        if benches:
            parts += [f"\n### Gate benchmarks at {n:,} rows (their own numbers)\n",
                      "| benchmark | key | value |", "|---|---|---:|"]
            for r in benches:
                for key, value in list(_flat(r.data).items())[:25]:
                    parts.append(f"| {r.task} | {key} | {value} |")
    judged = targets(results)
    if judged:
        parts += ["\n### Targets\n", "| target | measured | met |", "|---|---:|---|"]
        parts += [f"| {t} | {v} | {'yes' if ok else 'NO'} |" for t, v, ok in judged]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="mlgate benchmarks: time and memory against the floor and peers."
    )
    parser.add_argument("--sizes", default="100k", help="comma-separated row counts, e.g. 100k,1m,10m")
    parser.add_argument("--peers", action="store_true", help="also run Evidently and deepchecks (own venvs)")
    parser.add_argument("--only", help="subset of: floor,check,peers-local,bench (default: all)")
    parser.add_argument("--gates", default=",".join(GATES), help="gates measured alone (default: all)")
    parser.add_argument("--data-dir", type=Path, help="workload cache (default: benchmarks/.data)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per measurement")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--markdown", type=Path, help="also write the report (markdown) here")
    args = parser.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    gates = tuple(g.strip() for g in args.gates.split(",") if g.strip())
    unknown = [g for g in gates if g not in GATES]
    if unknown:
        parser.error(f"unknown gate(s) {', '.join(unknown)}; known: {', '.join(GATES)}")
    if shutil.which("mlgate") is None and not Path(PY).with_name("mlgate").exists():
        print("note: no mlgate executable next to this Python; using python -m mlgate", file=sys.stderr)
    info = machine()
    results: dict[int, list[Row]] = {}
    for n in sizes:
        print(f"benchmarking {n:,} rows…", file=sys.stderr)
        results[n] = run_size(
            n, peers=args.peers, timeout=args.timeout, only=only, gates=gates, data_dir=args.data_dir
        )
    info["load_end"] = machine()["load"]
    text = report(results, info)
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    if args.json:
        raw = {"machine": info, "results": {str(n): [asdict(r) for r in rows] for n, rows in results.items()}}
        args.json.write_text(json.dumps(raw, indent=2, default=str), encoding="utf-8")
    failed = [r.task for rows in results.values() for r in rows if not r.ok]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
