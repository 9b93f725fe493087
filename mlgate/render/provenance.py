"""One footer phrase for the baseline of ``baseline.artifact``: the artifact, its run and its commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping


def baseline_line(origin: Mapping[str, str], esc: Callable[[str], str]) -> str:
    name = esc(origin.get("artifact", "baseline"))
    if origin.get("source") == "folder":
        return f"baseline artifact {name} (a local folder)"
    if not origin.get("run_id") and not origin.get("commit"):
        where = f" on {esc(origin['branch'])}" if origin.get("branch") else ""
        return f"baseline artifact {name}: none{where} yet"
    bits = [f"baseline artifact {name}"]
    if origin.get("run_id"):
        bits.append(f"run {esc(origin['run_id'])}")
    if origin.get("commit"):
        bits.append(f"commit {esc(origin['commit'][:12])}")
    return " ".join(bits[:1]) + (" (" + ", ".join(bits[1:]) + ")" if bits[1:] else "")
