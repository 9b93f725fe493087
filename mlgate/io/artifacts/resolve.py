"""Where ``baseline.artifact`` comes from: a folder given by hand, GitHub Actions or GitLab CI.

The result says which on one line (``how``), names the artifact, its run and its commit for the
scorecard's provenance (``origin``), and is ``folder=None`` when the base branch has no artifact
yet: the first pull request is judged on absolute limits only.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlgate.errors import InputError

NO_BASELINE_YET = "no baseline on main yet: it appears after the first merge"
ENV_DIR = "MLGATE_BASELINE_DIR"
_REMOTE = re.compile(r"github\.com[:/]([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class Fetched:
    folder: Path | None
    how: str
    origin: Mapping[str, str] = field(default_factory=dict)


def _tmp() -> Path:
    root = Path(tempfile.mkdtemp(prefix="mlgate-baseline-"))
    atexit.register(shutil.rmtree, root, True)
    return root


def _unpack(archive: Path, root: Path, where: str) -> Path:
    from mlgate.io.artifacts.safe_zip import extract

    dest = root / "unpacked"
    extract(archive, dest, where)
    archive.unlink()
    return dest


def _git_remote_repo(start: Path) -> str | None:
    try:
        out = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=start,
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    m = _REMOTE.search(out.stdout.strip())
    return m.group(1) if m else None


def _github(name: str, repo: str, token: str, environ: Mapping[str, str], where: str) -> Fetched:
    from mlgate.io.artifacts import github
    from mlgate.net.http import ApiClient, ApiError

    api = environ.get("GITHUB_API_URL") or "https://api.github.com"
    path = github.repo_path(repo)
    try:
        with ApiClient(api, {"Authorization": f"Bearer {token}"}, secret=token,
                       extra_headers={"Accept": "application/vnd.github+json",
                                      "X-GitHub-Api-Version": "2022-11-28"}) as client:
            branch, sha = github.base_of_event(environ)
            branch = branch or github.default_branch(client, path)
            found = github.find(client, path, name, branch, sha)
            if found is None:
                return Fetched(None, f"baseline: no {name} artifact on {branch} of {repo} yet",
                               {"artifact": name, "branch": branch, "source": "github"})
            root = _tmp()
            archive = root / "artifact.zip"
            github.download(client, path, found, archive, where)
    except ApiError as exc:
        hint = "the workflow needs `permissions: actions: read`" if exc.status in (401, 403, 404) else None
        raise InputError(f"{where}: {exc.message}", hint=exc.hint or hint) from None
    origin = {"artifact": name, "artifact_id": str(found.artifact_id), "run_id": str(found.run_id),
              "commit": found.commit, "branch": branch, "source": "github"}
    if found.run_url:
        origin["run_url"] = found.run_url
    return Fetched(_unpack(archive, root, where),
                   f"baseline: artifact {name} of run {found.run_id} on {branch} "
                   f"(commit {found.commit[:12]}) via the GitHub API", origin)


def _gitlab(name: str, environ: Mapping[str, str], where: str) -> Fetched:
    from mlgate.io.artifacts import gitlab

    api, project = environ.get("CI_API_V4_URL"), environ.get("CI_PROJECT_ID")
    token = environ.get("CI_JOB_TOKEN")
    ref = environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or environ.get("CI_DEFAULT_BRANCH")
    if not (api and project and token and ref):
        raise InputError(f"{where}: CI_API_V4_URL, CI_PROJECT_ID, CI_JOB_TOKEN and the target branch "
                         "are needed to fetch the artifact", hint="run inside a GitLab CI job")
    root = _tmp()
    archive = root / "artifact.zip"
    if not gitlab.download(api, project, ref, name, token, archive, where):
        return Fetched(None, f"baseline: no successful {name} job on {ref} yet",
                       {"artifact": name, "branch": ref, "source": "gitlab"})
    return Fetched(_unpack(archive, root, where),
                   f"baseline: artifacts of job {name} on {ref} via the GitLab API",
                   {"artifact": name, "branch": ref, "source": "gitlab"})


def fetch(name: str, base_dir: Path, folder: Path | None = None,
          environ: Mapping[str, str] | None = None) -> Fetched:
    """The stored baseline of ``baseline.artifact: name``."""
    from mlgate.net.tokens import GITHUB_TOKEN_VARS, check_token, pick_token

    env = os.environ if environ is None else environ
    where = f"baseline.artifact: {name}"
    given = folder or (Path(env[ENV_DIR]) if env.get(ENV_DIR) else None)
    if given is not None:
        if not given.is_dir():
            raise InputError(f"{where}: {given}: not a folder",
                             hint="pass --baseline-dir the unzipped artifact (gh run download -n NAME)")
        via = "--baseline-dir" if folder is not None else ENV_DIR
        return Fetched(given, f"baseline: folder {given} ({via})",
                       {"artifact": name, "source": "folder"})
    if env.get("GITHUB_ACTIONS") == "true" or (env.get("GITLAB_CI") != "true"
                                               and pick_token(None, env, GITHUB_TOKEN_VARS)):
        token = pick_token(None, env, GITHUB_TOKEN_VARS)
        repo = env.get("GITHUB_REPOSITORY") or _git_remote_repo(base_dir)
        if token is None or not repo:
            raise InputError(f"{where}: downloading the artifact needs GITHUB_TOKEN and the repository",
                             hint="pass `GITHUB_TOKEN: ${{ github.token }}` to the step, with "
                                  "`permissions: actions: read`")
        return _github(name, repo, check_token(*token), env, where)
    if env.get("GITLAB_CI") == "true":
        return _gitlab(name, env, where)
    raise InputError(
        f"{where}: outside CI mlgate needs the artifact: pass --baseline-dir DIR (an unzipped "
        f"download) or set GITHUB_TOKEN (the repository comes from the git remote)",
        hint=f"e.g. gh run download --name {name} --dir {name}, then --baseline-dir {name}")
