"""Stream an archive to a file: the token goes only to the API host, never to a redirect target.

GitHub's "Download an artifact" answers ``302 Found`` with a short-lived URL on another host (blob
storage) that carries its own signature; GitLab may redirect to object storage the same way. The
API client never follows redirects (see :mod:`mlgate.net.http`), so the ``Location`` is fetched here
by a separate client that sends no ``Authorization``, ``JOB-TOKEN`` or ``PRIVATE-TOKEN`` header.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import httpx

from mlgate.errors import InputError
from mlgate.net.http import USER_AGENT

MAX_REDIRECTS = 3
MAX_ARCHIVE_BYTES = 2 * 1024**3
TIMEOUT_S = 60.0


def _checked_location(resp: httpx.Response, api_scheme: str, where: str) -> str:
    location = resp.headers.get("location", "")
    url = str(resp.url.join(location)) if location else ""
    parts = urlsplit(url)
    # https always; plain http only when the API itself is plain http (a local test server).
    if not parts.netloc or parts.scheme not in ("https", api_scheme):
        raise InputError(f"{where}: the download answered a redirect to an unusable address")
    return url


def save_stream(resp: httpx.Response, dest: Path, where: str, limit: int) -> int:
    """Write ``resp``'s body to ``dest``, stopping at ``limit`` bytes."""
    size = 0
    with dest.open("xb") as out:
        for chunk in resp.iter_bytes(1 << 16):
            size += len(chunk)
            if size > limit:
                raise InputError(f"{where}: the archive is larger than {limit} bytes; refusing it")
            out.write(chunk)
    return size


def follow(first: httpx.Response, api_scheme: str, dest: Path, where: str,
           limit: int = MAX_ARCHIVE_BYTES) -> int:
    """``first`` is the API's answer (a 302, or the archive itself); returns the bytes written."""
    if first.status_code == 200:
        return save_stream(first, dest, where, limit)
    url = _checked_location(first, api_scheme, where)
    with httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=httpx.Timeout(TIMEOUT_S),
                      follow_redirects=False, verify=True) as plain:
        for _ in range(MAX_REDIRECTS):
            try:
                with plain.stream("GET", url) as resp:
                    if resp.status_code in (301, 302, 303, 307, 308):
                        url = _checked_location(resp, api_scheme, where)
                        continue
                    if resp.status_code != 200:
                        raise InputError(f"{where}: the archive download answered HTTP {resp.status_code}")
                    return save_stream(resp, dest, where, limit)
            except httpx.HTTPError as exc:
                # The signed URL is a credential of its own: never shown, only the host.
                raise InputError(
                    f"{where}: downloading the archive from {urlsplit(url).hostname} failed "
                    f"({type(exc).__name__})"
                ) from None
    raise InputError(f"{where}: more than {MAX_REDIRECTS} redirects while downloading the archive")
