"""A small REST client for the forges: timeouts, bounded retries with backoff, one origin, no token leaks.

Retry rules follow GitHub's "Rate limits for the REST API" (primary limit: wait until
``x-ratelimit-reset``; secondary limit: honour ``retry-after``, else wait at least a minute, then
back off exponentially and give up after a bounded number of tries) and GitLab's rate-limit headers
(``Retry-After``, ``RateLimit-Reset``). Only transient failures are retried: timeouts, a connection
dropped mid-request, 502/503/504 and rate limits. A local error (connection refused, unknown host,
TLS verification or configuration, an invalid header value) or any other 4xx/5xx fails the same
way on every try, so it is reported at once. Backoff uses "equal jitter" (AWS Architecture Blog,
"Exponential Backoff And Jitter", 2015) so that two racing jobs do not retry in lock-step.
"""

from __future__ import annotations

import email.utils
import random
import ssl
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from mlgate.errors import PublishError
from mlgate.net.tokens import redact

# The version from the already imported package object: importing ``mlgate`` by name would make this
# leaf depend (for the import contracts) on everything the package's type hints name.
USER_AGENT = f"mlgate/{sys.modules['mlgate'].__version__} (+https://github.com/mlgate/mlgate)"
MAX_PAGES = 100
# Gateway errors: the request did not reach (or was not finished by) the application; worth a retry.
# A 500 is the application failing on this request and is not retried (nor 501, 505...).
TRANSIENT_STATUSES = frozenset({502, 503, 504})
# The connection broke after it was made: the server may answer the next attempt.
_TRANSIENT_TRANSPORT: tuple[type[Exception], ...] = (
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


class ApiError(PublishError):
    """A forge request failed for good; ``status`` is the HTTP status (None: no response)."""

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    # Total time budget of one request including waits: a CI step must not hang on a rate limit.
    max_total_s: float = 90.0
    base_delay_s: float = 1.0
    max_delay_s: float = 30.0
    timeout_s: float = 10.0
    # GitHub: "If you exceed a secondary rate limit [...] without retry-after [...] wait for at least
    # one minute before retrying."
    secondary_min_wait_s: float = 60.0


def _retry_after(headers: httpx.Headers, now: float) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def _reset_wait(headers: httpx.Headers, now: float) -> float | None:
    """Seconds until a primary rate-limit window resets (GitHub x-ratelimit-*, GitLab RateLimit-*)."""
    for remaining, reset in (
        ("x-ratelimit-remaining", "x-ratelimit-reset"),
        ("ratelimit-remaining", "ratelimit-reset"),
    ):
        if headers.get(remaining) == "0" and (headers.get(reset) or "").isdigit():
            return max(0.0, float(headers[reset]) - now) + 1.0
    return None


def error_message(resp: httpx.Response) -> str:
    """The forge's own one-line explanation (GitHub ``message``, GitLab ``message``/``error``)."""
    try:
        data = resp.json()
    except ValueError:
        return resp.reason_phrase
    if isinstance(data, dict):
        msg = data.get("message") or data.get("error") or ""
        if isinstance(msg, (dict, list)):
            msg = str(msg)
        return str(msg)[:300] or resp.reason_phrase
    return resp.reason_phrase


def is_rate_limited(resp: httpx.Response) -> bool:
    if resp.status_code == 429:
        return True
    if resp.status_code != 403:
        return False
    h = resp.headers
    return (
        h.get("x-ratelimit-remaining") == "0"
        or "retry-after" in h
        or "rate limit" in error_message(resp).lower()
    )


def _local_hint(exc: Exception) -> str | None:
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "certificate" in text or "ssl" in text:
            return "TLS verification failed: for a private CA set SSL_CERT_FILE to its bundle"
        return "check the API base URL (GITHUB_API_URL / CI_API_V4_URL) and the network"
    if isinstance(exc, httpx.LocalProtocolError):
        return "a request header is invalid: check that the token has no whitespace or newline"
    return None


class ApiClient:
    """One API base URL, one token. Requests elsewhere (e.g. a crafted pagination link) are refused."""

    def __init__(
        self,
        base_url: str,
        auth_headers: Mapping[str, str],
        *,
        secret: str,
        policy: RetryPolicy | None = None,
        extra_headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise PublishError(f"API base URL {self.base_url!r} is not an http(s) URL")
        self.policy = policy or RetryPolicy()
        self._secret = secret
        self._sleep, self._clock, self._now, self._rng = sleep, clock, now, rng
        headers = {"User-Agent": USER_AGENT, **(extra_headers or {}), **auth_headers}
        # TLS verification stays on (custom CAs: SSL_CERT_FILE); redirects are not followed so the
        # token is never sent to another host.
        try:
            self._client = httpx.Client(
                headers=headers,
                timeout=httpx.Timeout(self.policy.timeout_s),
                verify=True,
                follow_redirects=False,
            )
        except (OSError, ssl.SSLError, ValueError) as exc:
            # A header value httpx cannot encode, or a TLS setup that cannot load (SSL_CERT_FILE
            # naming a missing or invalid file): local, never retried, never shown with the value.
            raise ApiError(
                f"cannot set up the HTTP client for {self.base_url}: {type(exc).__name__}: "
                f"{self.clean(str(exc))[:200]}",
                hint="check SSL_CERT_FILE / SSL_CERT_DIR and the token's characters",
            ) from None

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def clean(self, text: str) -> str:
        """``text`` without any form of the token (raw, escaped, URL-encoded, base64)."""
        return redact(text, [self._secret])

    def _url(self, path_or_url: str) -> str:
        if path_or_url.startswith("/"):
            return self.base_url + path_or_url
        if path_or_url == self.base_url or path_or_url.startswith(self.base_url + "/"):
            return path_or_url
        raise ApiError(
            f"refusing to send the token to {self.clean(path_or_url.split('?')[0])!r}: "
            f"it is outside the API base URL {self.base_url}"
        )

    def _shown(self, url: str) -> str:
        return self.clean(url[len(self.base_url) :].split("?")[0] or "/")

    def _wait(self, resp: httpx.Response | None, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when the response must not be retried.
        ``resp`` None: a transient transport failure (timeout, dropped connection)."""
        backoff = min(self.policy.max_delay_s, self.policy.base_delay_s * 2.0**attempt)
        jittered = backoff / 2 + self._rng() * backoff / 2
        if resp is None:
            return jittered
        if resp.status_code in TRANSIENT_STATUSES:
            after = _retry_after(resp.headers, self._now())
            return after if after is not None else jittered
        if resp.status_code in (403, 429) and is_rate_limited(resp):
            after = _retry_after(resp.headers, self._now())
            if after is not None:
                return after
            reset = _reset_wait(resp.headers, self._now())
            if reset is not None:
                return reset
            if resp.status_code == 403 or "secondary" in error_message(resp).lower():
                return max(self.policy.secondary_min_wait_s, jittered)
            return jittered
        return None

    def request(
        self, method: str, path_or_url: str, *, json: Any = None, params: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        """Send with retries; returns the final response (also 4xx); raises ApiError when giving up."""
        url = self._url(path_or_url)
        shown = f"{method} {self._shown(url)}"
        start = self._clock()
        attempt = 0
        while True:
            attempt += 1
            resp: httpx.Response | None = None
            try:
                resp = self._client.request(method, url, json=json, params=params)
            except httpx.TimeoutException:
                reason = f"timed out after {self.policy.timeout_s:g}s"
            except _TRANSIENT_TRANSPORT as exc:
                reason = f"connection lost ({type(exc).__name__}: {self.clean(str(exc))[:200]})"
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                # Refused, unknown host, TLS failure, an invalid header value ("Illegal header
                # value b'Bearer ...'"): the next attempt would fail the same way. The text may
                # quote the header; it is masked in every form.
                raise ApiError(
                    f"{shown}: connection failed ({type(exc).__name__}: {self.clean(str(exc))[:200]})",
                    hint=_local_hint(exc),
                ) from None
            else:
                wait = self._wait(resp, attempt - 1)
                if wait is None:
                    return resp
                reason = f"HTTP {resp.status_code}: {self.clean(error_message(resp))}"
            if resp is None:
                wait = self._wait(None, attempt - 1)
            assert wait is not None
            elapsed = self._clock() - start
            if attempt >= self.policy.max_attempts or elapsed + wait > self.policy.max_total_s:
                why = (
                    f"the server asks to wait {wait:.0f}s, beyond the {self.policy.max_total_s:g}s budget"
                    if attempt < self.policy.max_attempts
                    else f"gave up after {attempt} attempts"
                )
                raise ApiError(
                    f"{shown}: {reason}; {why} ({elapsed:.1f}s)",
                    status=resp.status_code if resp is not None else None,
                ) from None
            self._sleep(wait)

    def json(
        self,
        method: str,
        path_or_url: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        ok: tuple[int, ...] = (200, 201),
    ) -> Any:
        """Like :meth:`request`, but a status outside ``ok`` is an :class:`ApiError`; returns the JSON."""
        resp = self.request(method, path_or_url, json=json, params=params)
        self.expect(resp, method, ok)
        if resp.status_code == 204 or not resp.content:
            return None
        try:
            return resp.json()
        except ValueError:
            raise ApiError(
                f"{method} {self._shown(str(resp.url))}: response is not JSON", status=resp.status_code
            ) from None

    def expect(self, resp: httpx.Response, method: str, ok: tuple[int, ...]) -> None:
        if resp.status_code not in ok:
            raise ApiError(
                f"{method} {self._shown(str(resp.url))}: HTTP {resp.status_code}: "
                f"{self.clean(error_message(resp))}",
                status=resp.status_code,
            )

    def paginate(self, path: str, params: Mapping[str, Any]) -> Iterator[Any]:
        """Every item of a list endpoint, following ``Link: rel="next"`` or GitLab's ``X-Next-Page``."""
        url: str | None = path
        query: dict[str, Any] | None = dict(params)
        for _ in range(MAX_PAGES):
            assert url is not None
            resp = self.request("GET", url, params=query)
            self.expect(resp, "GET", (200,))
            try:
                items = resp.json()
            except ValueError:
                raise ApiError(
                    f"GET {self._shown(url if url.startswith('http') else self.base_url + url)}: "
                    "response is not JSON",
                    status=resp.status_code,
                ) from None
            if not isinstance(items, list):
                raise ApiError(
                    f"GET {self._shown(self._url(url))}: expected a JSON list", status=resp.status_code
                )
            yield from items
            nxt = resp.links.get("next", {}).get("url")
            if nxt:
                url, query = self._url(nxt), None  # the link carries the query
            elif (resp.headers.get("x-next-page") or "").isdigit():
                url, query = path, {**dict(params), "page": resp.headers["x-next-page"]}
            else:
                return
        raise ApiError(f"GET {path}: more than {MAX_PAGES} pages; stopping")
