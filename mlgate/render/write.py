"""Write the report directory atomically: a new directory is filled, then swapped in."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from mlgate.errors import InputError


def write_report_dir(out: Path, files: Mapping[str, str]) -> None:
    """Replace ``out`` by a directory holding ``files``; an interruption leaves the old one intact."""
    out = out.resolve()
    if out.exists() and not out.is_dir():
        raise InputError(f"{out.name}: exists and is not a directory", hint="pass another --out")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    except OSError as exc:
        raise InputError(f"{out}: cannot create the report directory: {exc.strerror}") from None
    try:
        for name, text in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o755)  # noqa: S103 - a report directory is meant to be readable
        old = None
        if out.exists():
            old = parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
