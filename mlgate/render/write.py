"""Write the report directory atomically: a new directory is filled, then swapped in.

Only a folder mlgate wrote is ever replaced (``safe_paths.check_report_dir``): each report carries the
``.mlgate-report`` marker, written first so that even the temporary folder of a crashed run carries it.
Leftovers of a crashed run (``.<name>.tmp-<pid>-*`` and ``.<name>.old-<pid>-*`` next to the report) are
removed only when they carry the marker and their process is gone; anything else is left alone.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from mlgate.errors import InputError
from mlgate.render.safe_paths import MARKER, carries_marker, check_report_dir, marker_text


def _process_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. EPERM: some other user's live process
        return False
    return False


def clean_leftovers(out: Path) -> None:
    """Remove the temporary and old folders that a crashed run left next to ``out``."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(?:tmp|old)-(\d+)-")
    try:
        entries = list(os.scandir(out.parent))
    except OSError:
        return
    for entry in entries:
        found = pattern.match(entry.name)
        if found is None or not entry.is_dir(follow_symlinks=False):
            continue
        path = Path(entry.path)
        if carries_marker(path, "report") and _process_gone(int(found.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def write_report_dir(out: Path, files: Mapping[str, str]) -> None:
    """Replace ``out`` by a directory holding ``files``; an interruption leaves the old one intact."""
    real = check_report_dir(out)
    parent = real.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(real)
        tmp = Path(tempfile.mkdtemp(prefix=f".{real.name}.tmp-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise InputError(f"{out}: cannot create the report directory: {exc.strerror}") from None
    try:
        _write(tmp / MARKER, marker_text("report"))
        for name, text in files.items():
            _write(tmp / name, text)
        os.chmod(tmp, 0o755)  # noqa: S103 - a report directory is meant to be readable
        old = None
        if os.path.lexists(real):
            # Checked again right before the swap: only a real folder is moved aside.
            if not stat.S_ISDIR(os.lstat(real).st_mode):
                raise InputError(f"{out}: changed while the report was written; nothing was replaced")
            old = parent / f".{real.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
            os.replace(real, old)
        os.replace(tmp, real)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"{out}: cannot write the report directory: {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
