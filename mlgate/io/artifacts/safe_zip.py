"""Unpack a downloaded artifact archive without trusting it.

The archive comes over the network and its entries are chosen by whoever wrote the artifact, so
every entry is checked before a byte is written (the "Zip Slip" class of path traversal, Snyk 2018;
Python's ``zipfile`` docs warn that ``extractall`` of untrusted archives needs such checks):

- names: relative, no ``..`` part, no backslash, drive or control character;
- types: regular files and folders only (the Unix mode in ``external_attr``): no symlinks, devices
  or FIFOs;
- sizes: at most ``max_entries`` entries, each file at most ``max_file_bytes`` and all together at
  most ``max_total_bytes`` *as actually decompressed* (the sizes a header declares can lie: a zip
  bomb), so reading stops at the cap whatever the header says.

Files are created with ``O_EXCL | O_NOFOLLOW`` inside a new folder, so nothing outside it is touched.
"""

from __future__ import annotations

import os
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlgate.errors import InputError

_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    max_total_bytes: int = 2 * 1024**3
    max_file_bytes: int = 1024**3
    max_entries: int = 1000


LIMITS = Limits()


def _check_name(name: str, where: str) -> PurePosixPath:
    bad = (
        not name
        or name.startswith("/")
        or "\\" in name
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)
        or (len(name) > 1 and name[1] == ":")
    )
    path = PurePosixPath(name)
    if bad or any(part in ("..", "") for part in name.rstrip("/").split("/")) or len(path.parts) > 20:
        raise InputError(
            f"{where}: the archive entry {name!r} is not a plain relative path (absolute, '..' or odd "
            "characters); refusing the whole artifact",
            hint="re-create the artifact with `mlgate baseline save` on the base branch",
        )
    return path


def _kind(info: zipfile.ZipInfo) -> str:
    """What the entry is by its Unix mode; archives written on Windows (or by ``writestr``) carry no
    file-type bits, which is a plain file (or a folder, by its trailing slash)."""
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == 0:
        return "dir" if info.is_dir() else "file"
    if stat.S_ISDIR(kind):
        return "dir"
    if stat.S_ISREG(kind) and not info.is_dir():
        return "file"
    return "symlink" if stat.S_ISLNK(kind) else "special file"


def extract(archive: Path, dest: Path, where: str, limits: Limits | None = None) -> list[Path]:
    """Unpack ``archive`` into the new folder ``dest``; returns the files written.
    Raises :class:`InputError` naming ``where`` (the artifact) on anything unsafe."""
    lim = limits or LIMITS
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{where}: the download is not a zip archive ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > lim.max_entries:
            raise InputError(f"{where}: {len(infos)} entries in the archive, more than {lim.max_entries}")
        for info in infos:
            _check_name(info.filename, where)
            kind = _kind(info)
            if kind != "file" and kind != "dir":
                raise InputError(
                    f"{where}: the archive entry {info.filename!r} is a {kind} (only files and "
                    "folders are accepted); refusing the whole artifact"
                )
        dest.mkdir(mode=0o700)
        total = 0
        written: list[Path] = []
        for info in infos:
            rel = _check_name(info.filename, where)
            target = dest.joinpath(*rel.parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            try:
                fd = os.open(target, flags, 0o600)
            except FileExistsError:
                raise InputError(f"{where}: the archive holds {info.filename!r} twice") from None
            size = 0
            with os.fdopen(fd, "wb") as out, zf.open(info) as src:
                while True:
                    try:
                        chunk = src.read(_CHUNK)
                    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                        raise InputError(f"{where}: {info.filename}: cannot decompress ({exc})") from None
                    if not chunk:
                        break
                    size += len(chunk)
                    total += len(chunk)
                    if size > lim.max_file_bytes or total > lim.max_total_bytes:
                        cap = "per file" if size > lim.max_file_bytes else "in total"
                        raise InputError(
                            f"{where}: {info.filename}: the archive unpacks to more than the "
                            f"{lim.max_file_bytes if size > lim.max_file_bytes else lim.max_total_bytes} "
                            f"bytes allowed {cap} (a zip bomb?); refusing it"
                        )
                    out.write(chunk)
            written.append(target)
        return written
