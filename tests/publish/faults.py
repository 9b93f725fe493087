"""Fault injection for the fake forge: the failures a real forge, proxy or network produces.

Each builder returns a :class:`~tests.publish.forge_server.Fault` for ``forge.faults``; the request
still goes through the server's API checks (forge_specs), only the answer is changed:

- :func:`stored_then` -- the server does the work (stores the comment), then answers a gateway
  error, like a proxy timing out while the application commits;
- :func:`slow` -- the work is done but the answer comes after the client's timeout;
- :func:`not_json` -- a 200 (or any status) whose body is an HTML page, as a captive proxy or an
  SSO login page answers;
- :func:`rate_limited` -- GitHub's primary (``x-ratelimit-remaining: 0`` + ``x-ratelimit-reset``)
  and secondary (``retry-after``) limits, and GitLab's 429 with ``Retry-After``/``RateLimit-Reset``.
"""

from __future__ import annotations

import time

from tests.publish.forge_server import Fault

HTML = b"<!DOCTYPE html><html><body><h1>Sign in to continue</h1></body></html>"


def stored_then(method: str, path: str, status: int = 502, *, times: int = 99) -> Fault:
    return Fault(method, path, status=status, after=True, times=times,
                 body={"message": "Server Error"} if status != 504 else None)


def slow(method: str, path: str, seconds: float, *, times: int = 1) -> Fault:
    return Fault(method, path, delay=seconds, times=times)


def not_json(method: str, path: str, status: int = 200, *, times: int = 99) -> Fault:
    return Fault(method, path, status=status, raw=HTML, times=times)


def rate_limited(
    method: str,
    path: str,
    *,
    status: int = 403,
    retry_after: float | None = None,
    reset_in: float | None = None,
    gitlab: bool = False,
    times: int = 1,
) -> Fault:
    headers: dict[str, str] = {}
    if retry_after is not None:
        headers["Retry-After"] = str(int(retry_after))
    if reset_in is not None:
        prefix = "RateLimit" if gitlab else "x-ratelimit"
        headers[f"{prefix}-Remaining"] = "0"
        headers[f"{prefix}-Reset"] = str(int(time.time() + reset_in))
    message = "Retry later" if gitlab else "API rate limit exceeded for installation."
    return Fault(method, path, status=status, headers=headers, body={"message": message}, times=times)
