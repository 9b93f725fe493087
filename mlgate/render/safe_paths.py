"""Where mlgate may write or replace: never a folder or file it did not write itself.

mlgate runs on pull requests: every path below the repository root is content the pull request
controls (it can commit a symbolic link named ``mlgate-report`` that points anywhere). Paths are
therefore checked with ``os.lstat`` and never followed, and a folder is only ever replaced when it is
empty or carries mlgate's marker file. Components above the repository root (``/tmp`` on macOS, the
runner's temp folder) belong to the machine and the workflow, not to the pull request, and may be links.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

from mlgate.errors import InputError

#: The marker written into every folder mlgate owns; its JSON names the tool, the version and the kind.
MARKER = ".mlgate-report"
MARKER_MAX_BYTES = 4096
#: A report folder written before the marker existed holds only these files: still mlgate's own.
LEGACY_REPORT_FILES = frozenset({"scorecard.md", "scorecard.json", "junit.xml", "scorecard.html"})


def marker_text(kind: str) -> str:
    """The marker's JSON. ``MLGATE_REPORT_NONCE`` (set by the GitHub Action to a fresh random value per
    run) is copied in, so the Action can tell the report this run wrote from a folder the pull request
    committed with a copied marker."""
    from mlgate._version import __version__

    doc = {"tool": "mlgate", "version": __version__, "kind": kind}
    nonce = os.environ.get("MLGATE_REPORT_NONCE", "")
    if nonce.isalnum() and len(nonce) <= 64:
        doc["nonce"] = nonce
    return json.dumps(doc, sort_keys=True) + "\n"


def carries_marker(folder: Path, kind: str) -> bool:
    """``folder`` is a real folder (not a link) holding mlgate's marker of this ``kind``."""
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return False
        info = os.lstat(folder / MARKER)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size > MARKER_MAX_BYTES:
        return False
    try:
        doc = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("tool") == "mlgate" and doc.get("kind") == kind


def is_legacy_report(folder: Path) -> bool:
    """A report of an older mlgate: nothing but regular files with the report's own names."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    return bool(entries) and all(
        e.name in LEGACY_REPORT_FILES and e.is_file(follow_symlinks=False) for e in entries
    )


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def _git_toplevel(cwd: Path) -> Path | None:
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    top = proc.stdout.strip()
    return Path(os.path.realpath(top)) if proc.returncode == 0 and top else None


def repository_roots(start: Path) -> set[Path]:
    """Git's toplevel and every folder holding ``.git`` (a folder, or a file in a worktree) from
    ``start`` upwards."""
    roots = {p for p in (start, *start.parents) if os.path.lexists(p / ".git")}
    top = _git_toplevel(start)
    if top is not None:
        roots.add(top)
    return roots


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_target(out: Path, *, option: str, what: str, allow_cwd: bool = False) -> Path:
    """The absolute path for ``out`` once it is safe to create or replace; else an ``InputError``.

    Refused: a symbolic link (the path itself, or a folder on the way to it below the repository
    root), the working directory (unless ``allow_cwd``), any folder holding it, and a repository root.
    """
    hint = f"pass {option} a new folder, e.g. {option} mlgate-report"
    cwd = Path(os.path.realpath(os.getcwd()))
    target = Path(os.path.abspath(out))  # lexical: '..' and links are not resolved here
    if _is_link(target):
        raise InputError(
            f"{out}: is a symbolic link (to {os.readlink(target)}); mlgate never writes {what} through "
            "a link or replaces one", hint=f"remove the link, or {hint}")
    roots = repository_roots(cwd)
    anchor = min((r for r in roots if _within(cwd, r)), key=lambda r: len(r.parts), default=cwd)
    if _within(target, anchor):
        # Folders inside the repository come from the pull request: a link there points anywhere.
        for folder in target.relative_to(anchor).parents:
            if folder != Path(".") and _is_link(anchor / folder):
                raise InputError(
                    f"{out}: the folder {folder} on the way is a symbolic link (to "
                    f"{os.readlink(anchor / folder)}); mlgate never writes {what} through a link",
                    hint=hint)
    real = Path(os.path.realpath(target))
    if real == cwd and not allow_cwd:
        raise InputError(f"{out}: is the working directory; mlgate would replace it with {what}",
                         hint=hint)
    if real != cwd and _within(cwd, real):
        raise InputError(f"{out}: holds the working directory; mlgate would replace it with {what}",
                         hint=hint)
    if real in roots or any(_within(r, real) for r in roots) or os.path.lexists(real / ".git"):
        raise InputError(f"{out}: is (or holds) a git repository; mlgate never replaces one with {what}",
                         hint=hint)
    return real


def check_report_dir(out: Path, *, option: str = "--out", kind: str = "report") -> Path:
    """``check_target`` plus: an existing ``out`` is an empty folder or one mlgate wrote (its marker)."""
    real = check_target(out, option=option, what="a report")
    try:
        info = os.lstat(real)
    except FileNotFoundError:
        return real
    except OSError as exc:
        raise InputError(f"{out}: cannot read it: {exc.strerror}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise InputError(f"{out}: exists and is not a folder; mlgate never replaces a file with a report",
                         hint=f"pass {option} a new folder, or move the file away")
    try:
        empty = not any(os.scandir(real))
    except OSError as exc:
        raise InputError(f"{out}: cannot read the folder: {exc.strerror}") from None
    if empty or carries_marker(real, kind) or (kind == "report" and is_legacy_report(real)):
        return real
    raise InputError(
        f"{out}: is a folder that mlgate did not write (it has files and no {MARKER} marker); "
        "mlgate replaces only its own reports",
        hint=f"pass {option} a new or empty folder, or move {out} away yourself")


def write_own_file(out: Path, text: str, *, option: str, what: str,
                   is_own: Callable[[str], bool] = lambda _old: False, force: bool = False,
                   force_option: str | None = None) -> None:
    """Write one file atomically at ``out``; an existing file is replaced only if ``is_own(its text)``
    (mlgate wrote it) or ``force``. A link, or a folder on the way below the repository root that is a
    link, is always refused."""
    real = check_target(out, option=option, what=what)
    try:
        info = os.lstat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"{out}: cannot read it: {exc.strerror}") from None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{out}: exists and is not a regular file; mlgate never replaces it",
                             hint=f"pass {option} another path")
        if not force and not is_own(_read_small(real)):
            raise InputError(
                f"{out}: exists and is not {what} written by mlgate; mlgate never overwrites it",
                hint=f"pass {force_option} to replace it, or {option} another path" if force_option
                else f"pass {option} another path, or move the file away")
    import tempfile

    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"{out}: cannot write it: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, real)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write it: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_small(path: Path, limit: int = 16 * 1024 * 1024) -> str:
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError:
        return ""
    return "" if len(data) > limit else data.decode("utf-8", errors="replace")


def claim_folder(folder: Path, *, kind: str, option: str, what: str) -> Path:
    """Make ``folder`` mlgate's to write into (not to replace): it must be new, empty or already
    carry the marker of this ``kind``; the marker is written before anything else."""
    real = check_target(folder, option=option, what=what, allow_cwd=True)
    if os.path.lexists(real):
        if not stat.S_ISDIR(os.lstat(real).st_mode):
            raise InputError(f"{folder}: exists and is not a folder", hint=f"pass {option} a new folder")
        try:
            empty = not any(os.scandir(real))
        except OSError as exc:
            raise InputError(f"{folder}: cannot read the folder: {exc.strerror}") from None
        if not empty and not carries_marker(real, kind):
            raise InputError(
                f"{folder}: is a folder with files that mlgate did not write (no {MARKER} marker); "
                f"mlgate would overwrite them with {what}",
                hint=f"pass {option} a new or empty folder")
    try:
        real.mkdir(parents=True, exist_ok=True)
        (real / MARKER).write_text(marker_text(kind), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the folder: {exc.strerror}") from None
    return real
