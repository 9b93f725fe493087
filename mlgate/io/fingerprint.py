"""Fingerprints of what a scorecard was computed from: file hashes and the commit."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def git_sha(cwd: Path) -> str | None:
    """The commit being checked: the CI's own variable first (a PR merge ref), else ``git rev-parse``."""
    env_sha = os.environ.get("GITHUB_SHA") or os.environ.get("CI_COMMIT_SHA")
    if env_sha:
        return env_sha
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None
