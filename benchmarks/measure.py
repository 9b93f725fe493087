"""Wall time and peak memory of one command, each in its own child process.

Peak memory is ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` read by a tiny launcher whose only
child is the command, so measurements never see each other's peaks. The launcher matters: Linux
records the old address space's high-water mark at exec(2), so a command forked straight from a big
process (the driver, pytest) would report at least that process's size (getrusage(2), "ru_maxrss").
The launcher itself is a bare interpreter (``-S -I``, a few MiB). ``ru_maxrss`` is KiB on Linux.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    peak_mib: float
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


# Runs argv[2:] as its only child, then writes that child's wall time, peak RSS and exit code to argv[1].
LAUNCHER = """
import resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.call(sys.argv[2:])
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(f"{wall} {peak} {rc}")
"""


def measure(
    cmd: list[str], *, cwd: Path | None = None, timeout: float = 3600.0, env: dict[str, str] | None = None
) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="mlgate-measure-") as tmp:
        return _measure(cmd, Path(tmp), cwd=cwd, timeout=timeout, env=env)


def _measure(
    cmd: list[str], tmp: Path, *, cwd: Path | None, timeout: float, env: dict[str, str] | None
) -> Measurement:
    result = tmp / "result"
    with (tmp / "out").open("w+b") as out, (tmp / "err").open("w+b") as err:
        start = time.perf_counter()
        # A new session so that a timeout can end the command and everything it started.
        proc = subprocess.Popen(
            [sys.executable, "-S", "-I", "-c", LAUNCHER, str(result), *cmd],
            cwd=cwd, stdout=out, stderr=err, env=env, start_new_session=True,
        )
        timed_out = False
        deadline = start + timeout
        while True:
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                timed_out = True
                os.killpg(proc.pid, signal.SIGKILL)
                pid, status, _ = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
        returncode, peak_kib = proc.returncode, 0.0
        if not timed_out and result.exists():
            child_wall, peak, rc = result.read_text().split()
            wall, peak_kib, returncode = float(child_wall), float(peak), int(rc)
        if platform.system() == "Darwin":  # ru_maxrss is KiB on Linux, bytes on macOS
            peak_kib /= 1024
        out.seek(0)
        err.seek(0)
        return Measurement(
            wall_s=wall, peak_mib=peak_kib / 1024, returncode=returncode,
            stdout=out.read().decode(errors="replace"), stderr=err.read().decode(errors="replace"),
            timed_out=timed_out,
        )


def machine() -> dict[str, str]:
    """CPU model, cores, memory and load: what a reader needs to compare numbers across machines."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024**2:.0f} GiB"
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "load": load,
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
    }
