"""Which files a report directory holds, and writing it atomically: a new directory is filled, then
swapped in. Used by ``mlgate check``, the Python API (``mlgate.check(..., out=DIR)``) and the error
report of a run that could not evaluate (mlgate.render.error_report), so that all three agree.

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
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.render.safe_paths import MARKER, carries_marker, check_report_dir, marker_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from mlgate.config import LoadedConfig
    from mlgate.result import Report


def report_files(
    report: Report, *, html: bool = True, charts: bool = True, report_url: str | None = None
) -> dict[str, str]:
    """The files of a report directory, by name: ``scorecard.md`` (with Mermaid charts unless
    ``charts`` is off), ``scorecard.json``, ``junit.xml`` and, unless ``html`` is off,
    ``scorecard.html`` (``report.html`` / ``report.charts`` of the config). ``report_url``: where CI
    keeps this run's report (linked from the top of scorecard.md)."""
    from mlgate.render.json import render_json
    from mlgate.render.junit import render_junit
    from mlgate.render.markdown import render_markdown
    from mlgate.render.mermaid import mermaid_charts

    files = {
        "scorecard.md": render_markdown(
            report, charts=mermaid_charts(report) if charts else None, artifact_url=report_url
        ),
        "scorecard.json": render_json(report),
        "junit.xml": render_junit(report),
    }
    if html:
        from mlgate.render.html import render_html

        files["scorecard.html"] = render_html(report)
    return files


def write_report(
    out: Path, report: Report, *, html: bool = True, charts: bool = True, report_url: str | None = None
) -> dict[str, str]:
    """Render ``report`` and replace ``out`` with it (:func:`write_report_dir`); returns the files."""
    files = report_files(report, html=html, charts=charts, report_url=report_url)
    write_report_dir(out, files)
    return files


def write_run(
    out: Path,
    config_path: Path,
    load: Callable[[], LoadedConfig],
    evaluate: Callable[[LoadedConfig], Report],
    *,
    advisory: bool = False,
) -> Report:
    """Load, evaluate and write the report directory (``mlgate.check(..., out=DIR)``). When the
    config or the inputs cannot be evaluated, ``out`` gets the error report before the error is
    raised, so that no earlier verdict stays there (mlgate.render.error_report)."""
    from mlgate.errors import MlgateError
    from mlgate.render.error_report import error_report

    check_report_dir(out)  # refused before any work, like ``mlgate check``
    loaded: LoadedConfig | None = None
    try:
        loaded = load()
        report = evaluate(loaded)
    except MlgateError as exc:
        failed = error_report(str(exc), exit_code=exc.exit_code, config_path=config_path, loaded=loaded,
                              advisory=advisory)
        write_report(out, failed, html=loaded.config.report.html if loaded else True, charts=False)
        raise
    write_report(out, report, html=loaded.config.report.html, charts=loaded.config.report.charts)
    return report


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
