"""The ``mlgate-baseline`` job's artifacts of the target branch's latest successful pipeline (GitLab CI).

``GET /projects/:id/jobs/artifacts/:ref_name/download?job=NAME`` (docs.gitlab.com/api/job_artifacts,
"Download the artifacts archive"): the archive of the job NAME in the latest successful pipeline of
the ref, authenticated in a CI job with ``JOB-TOKEN: $CI_JOB_TOKEN``; 404 when there is none yet.
The archive may come as a redirect to object storage, fetched without the token.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx

from mlgate.errors import InputError
from mlgate.net.http import USER_AGENT
from mlgate.net.tokens import redact

TIMEOUT_S = 60.0


def download(api_url: str, project: str, ref: str, job: str, token: str, dest: Path, where: str) -> bool:
    """Write the archive to ``dest``; False when the ref has no such successful job yet (404)."""
    from mlgate.io.artifacts.download import MAX_ARCHIVE_BYTES, follow

    base = api_url.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InputError(f"{where}: CI_API_V4_URL {base!r} is not an http(s) URL")
    url = (f"{base}/projects/{quote(project, safe='')}/jobs/artifacts/{quote(ref, safe='')}/download")
    headers = {"User-Agent": USER_AGENT, "JOB-TOKEN": token}
    try:
        with httpx.Client(headers=headers, timeout=httpx.Timeout(TIMEOUT_S), follow_redirects=False,
                          verify=True) as client, client.stream("GET", url, params={"job": job}) as resp:
            if resp.status_code == 404:
                return False
            if resp.status_code not in (200, 301, 302, 303, 307, 308):
                raise InputError(f"{where}: GET /projects/{project}/jobs/artifacts/{ref}/download "
                                 f"answered HTTP {resp.status_code}",
                                 hint="the job token needs read access to the project's artifacts")
            follow(resp, parts.scheme, dest, where, MAX_ARCHIVE_BYTES)
    except httpx.HTTPError as exc:
        raise InputError(f"{where}: GitLab job artifacts request failed ({type(exc).__name__}: "
                         f"{redact(str(exc), [token])[:200]})") from None
    return True
