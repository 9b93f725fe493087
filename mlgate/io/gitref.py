"""``git:REF:PATH`` inputs: a file as it is at another commit, read with git (no checkout, no storage).

A pull request can compare against ``git:origin/main:baseline/predictions.csv``: what is on the main
branch. PATH is relative to the folder of mlgate.yaml like every other path, or to the repository
root when it starts with ``/``; it must stay inside the repository. REF must name a commit (branch,
tag, sha, ``HEAD~1``); it is validated before it reaches git and can never be read as an option.

The object is read with ``git ls-tree`` (mode, type, size) and ``git cat-file blob`` (raw bytes: no
filters or textconv run), see git-ls-tree(1) and git-cat-file(1). Symlinks and Git LFS pointers are
refused with a hint, since following them would read something other than the named file.
"""

from __future__ import annotations

import atexit
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

from mlgate.config import LoadedConfig
from mlgate.errors import InputError

MAX_BYTES = 2 * 1024**3
_TIMEOUT = 120
# Ref names and simple revision suffixes (git-check-ref-format(1), gitrevisions(7)): no leading '-',
# no whitespace, no ':' (it separates the path), no '..' (ranges) and nothing a shell would expand.
_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/+@{}~^-]{0,199}$")
# A branch name that is safe in a refspec: no revision syntax (~ ^ : @{ ..), no leading '-'.
_BRANCH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/-]{0,199}$")
_LFS_MAGIC = b"version https://git-lfs.github.com/spec/"
_cache_dir: Path | None = None


def parse(value: str) -> tuple[str, str]:
    """``git:REF:PATH`` -> (REF, PATH)."""
    body = value[len("git:") :]
    ref, sep, path = body.partition(":")
    if not sep or not ref or not path:
        raise ValueError("expected git:REF:PATH, e.g. git:origin/main:baseline/predictions.csv")
    return ref, path


def _git(args: list[str], cwd: Path, key: str, value: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, timeout=_TIMEOUT, env=env, check=False
        )
    except FileNotFoundError:
        raise InputError(
            f"{key}: {value}: git is not installed", hint="install git or use a local path"
        ) from None
    except subprocess.TimeoutExpired:
        raise InputError(f"{key}: {value}: git did not answer within {_TIMEOUT}s") from None


def _error_text(out: subprocess.CompletedProcess[bytes]) -> str:
    return out.stderr.decode("utf-8", "replace").strip().splitlines()[-1] if out.stderr.strip() else ""


def repository(start: Path, key: str, value: str) -> Path:
    out = _git(["rev-parse", "--show-toplevel"], start, key, value)
    if out.returncode != 0:
        why = _error_text(out)
        hint = "run mlgate inside a git checkout, or use a local path"
        if "dubious ownership" in why:
            hint = (
                "git refuses a repository owned by another user: "
                f"git config --global --add safe.directory {start}"
            )
        raise InputError(f"{key}: {value}: not inside a git repository ({why})", hint=hint)
    return Path(out.stdout.decode().strip()).resolve()


def repo_relative(loaded: LoadedConfig, root: Path, path: str, key: str, value: str) -> str:
    """PATH as a path from the repository root, refusing anything that leaves the repository."""
    if any(ord(ch) < 32 for ch in path) or "\\" in path:
        raise InputError(f"{key}: {value}: the path contains control characters or backslashes")
    if path.startswith("/"):
        joined = path.lstrip("/")
    else:
        try:
            base = loaded.base_dir.resolve().relative_to(root)
        except ValueError:
            raise InputError(f"{key}: {value}: mlgate.yaml is not inside the repository {root}") from None
        joined = str(PurePosixPath(base.as_posix()) / path)
    norm = posixpath.normpath(joined)
    if norm in (".", "") or norm.startswith("../") or norm == ".." or posixpath.isabs(norm):
        raise InputError(
            f"{key}: {value}: the path leaves the repository",
            hint="git: paths are relative to mlgate.yaml (or to the repository root with a leading /)",
        )
    return norm


def _commit(root: Path, ref: str, key: str, value: str) -> str | None:
    out = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root, key, value)
    return out.stdout.decode().strip() if out.returncode == 0 else None


def _resolve(root: Path, ref: str, key: str, value: str) -> str:
    """The commit REF names; ``origin/BRANCH`` missing from a shallow CI checkout is fetched first.

    CI checkouts hold one commit (actions/checkout's default fetch-depth: 1, GitLab's GIT_DEPTH), so
    ``origin/main`` is usually absent in a pull request job. Fetching that one branch tip (depth 1,
    into its usual remote-tracking ref) is what a user would add by hand; only the remote named
    ``origin`` and a plain branch name are fetched, never a revision expression or a URL.
    """
    commit = _commit(root, ref, key, value)
    if commit is not None:
        return commit
    branch = ref.removeprefix("refs/remotes/").removeprefix("origin/")
    why = ""
    if ref != branch and _BRANCH.match(branch) and ".." not in branch and "@{" not in branch:
        out = _git(["fetch", "--depth=1", "--no-tags", "--no-recurse-submodules", "--quiet", "--",
                    "origin", f"+refs/heads/{branch}:refs/remotes/origin/{branch}"], root, key, value)
        commit = _commit(root, ref, key, value) if out.returncode == 0 else None
        if commit is not None:
            return commit
        why = f"; `git fetch --depth=1 origin {branch}` failed: {_error_text(out) or 'no such branch'}"
    name = branch if ref != branch else "<branch>"
    raise InputError(
        f"{key}: {value}: unknown git ref '{ref}' in {root.name}{why}",
        hint=(f"fetch it before mlgate runs: a step `git fetch --depth=1 origin {name}`, or "
              "`fetch-depth: 0` on actions/checkout (GitLab: `GIT_DEPTH: 0`)"),
    )


def _cache() -> Path:
    global _cache_dir
    if _cache_dir is None:
        _cache_dir = Path(tempfile.mkdtemp(prefix="mlgate-git-"))
        atexit.register(shutil.rmtree, _cache_dir, True)
    return _cache_dir


def materialize(loaded: LoadedConfig, value: str, key: str) -> Path:
    """Write the blob named by ``git:REF:PATH`` to a private temporary file and return its path.

    The file keeps PATH's name (the readers dispatch on the suffix).
    """
    try:
        ref, path = parse(value)
    except ValueError as exc:
        raise InputError(f"{key}: {value}: {exc}") from None
    if not _REF.match(ref) or ".." in ref or ref.endswith((".lock", "/", ".")):
        raise InputError(
            f"{key}: {value}: '{ref}' is not a valid git ref",
            hint="use a branch, tag or commit, e.g. git:origin/main:path/to/file",
        )
    root = repository(loaded.base_dir, key, value)
    rel = repo_relative(loaded, root, path, key, value)
    commit = _resolve(root, ref, key, value)
    out = _git(["ls-tree", "-l", "-z", "--full-tree", commit, "--", rel], root, key, value)
    entry = out.stdout.decode("utf-8", "replace").split("\0")[0] if out.returncode == 0 else ""
    if not entry:
        raise InputError(
            f"{key}: {value}: no file '{rel}' at {ref} ({commit[:12]})",
            hint=f"check the path with `git ls-tree -r --name-only {ref}`",
        )
    meta, _, _name = entry.partition("\t")
    mode, kind, obj, size = [*meta.split(), "", "", "", ""][:4]
    if kind != "blob":
        raise InputError(f"{key}: {value}: '{rel}' at {ref} is a {kind or 'missing object'}, not a file")
    if mode == "120000":
        raise InputError(
            f"{key}: {value}: '{rel}' at {ref} is a symbolic link", hint="point at the file it links to"
        )
    if size.isdigit() and int(size) > MAX_BYTES:
        raise InputError(f"{key}: {value}: '{rel}' at {ref} is larger than {MAX_BYTES} bytes")
    dest = _cache() / f"{obj[:16]}-{posixpath.basename(rel)}"
    if not dest.exists():
        tmp = dest.with_name(dest.name + ".part")
        with tmp.open("wb") as fh:
            try:
                done = subprocess.run(
                    ["git", "cat-file", "blob", obj],
                    cwd=root,
                    stdout=fh,
                    stderr=subprocess.PIPE,
                    timeout=_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise InputError(f"{key}: {value}: git did not answer within {_TIMEOUT}s") from None
        if done.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise InputError(f"{key}: {value}: git cat-file failed: {_error_text(done)}")
        with tmp.open("rb") as fh:
            head = fh.read(len(_LFS_MAGIC))
        if head == _LFS_MAGIC:
            tmp.unlink(missing_ok=True)
            raise InputError(
                f"{key}: {value}: '{rel}' at {ref} is a Git LFS pointer, not the data",
                hint="store the baseline without LFS, or use a local path after `git lfs pull`",
            )
        os.replace(tmp, dest)
    return dest
