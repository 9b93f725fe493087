"""A small REST client for the forges: timeouts, bounded retries with backoff, one origin, no token leaks.

When to retry and how long to wait is :mod:`mlgate.net.retry`. A local error (connection refused,
unknown host, TLS verification or configuration, an invalid header value) or any 4xx/5xx other than
a rate limit or a gateway error fails the same way on every try, so it is reported at once. A
request that is not idempotent is re-sent after an ambiguous failure (a 502, a timeout) only when
the caller checked that the server did not store it (``resend_ok``), never blindly.
"""

from __future__ import annotations

import random
import ssl
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypedDict, Unpack
from urllib.parse import urlsplit

import httpx

from mlgate.errors import PublishError
from mlgate.net.retry import (
    IDEMPOTENT_METHODS,
    TRANSIENT_STATUSES,
    TRANSIENT_TRANSPORT,
    UNSENT,
    RetryPolicy,
    backoff,
    error_message,
    gateway_wait,
    is_rate_limited,
    rate_limit_wait,
)
from mlgate.net.retry import reset_wait as _reset_wait
from mlgate.net.retry import retry_after as _retry_after
from mlgate.net.tokens import redact

__all__ = [
    "MAX_PAGES",
    "TRANSIENT_STATUSES",
    "USER_AGENT",
    "AlreadyStored",
    "ApiClient",
    "ApiError",
    "MaybeStored",
    "RetryPolicy",
    "_reset_wait",
    "_retry_after",
    "error_message",
    "is_rate_limited",
]

# The version from the already imported package object: importing ``mlgate`` by name would make this
# leaf depend (for the import contracts) on everything the package's type hints name.
USER_AGENT = f"mlgate/{sys.modules['mlgate'].__version__} (+https://github.com/mlgate/mlgate)"
MAX_PAGES = 100
_TRANSIENT_TRANSPORT = TRANSIENT_TRANSPORT


class ApiError(PublishError):
    """A forge request failed for good; ``status`` is the HTTP status (None: no response)."""

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class MaybeStored(ApiError):
    """A request that is not safe to repeat failed without telling whether the server stored it;
    it was not sent again (no ``resend_ok`` to check with)."""


class AlreadyStored(ApiError):
    """A request that failed ambiguously had in fact been stored (``resend_ok`` found it): the
    caller reconciles (updates what it finds) instead of creating it again."""


class RequestOptions(TypedDict, total=False):
    """What a request may carry besides its method and URL (see :meth:`ApiClient.request`)."""

    json: Any
    params: Mapping[str, Any] | None
    # Whether repeating the request is harmless; default: by method.
    idempotent: bool | None
    # Called after an ambiguous failure of a request that is not idempotent: True when nothing was stored.
    resend_ok: Callable[[], bool] | None


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

    def request(self, method: str, path_or_url: str, **options: Unpack[RequestOptions]) -> httpx.Response:
        """Send with retries; returns the final response (also 4xx); raises ApiError when giving up.

        ``idempotent`` (default: by method) says whether repeating the request is harmless. One that
        is not is repeated after an ambiguous failure only if ``resend_ok()`` (called after the wait)
        returns True, i.e. the caller looked and found nothing stored; False raises
        :class:`AlreadyStored`, no ``resend_ok`` raises :class:`MaybeStored`."""
        url = self._url(path_or_url)
        shown = f"{method} {self._shown(url)}"
        json, params, resend_ok = options.get("json"), options.get("params"), options.get("resend_ok")
        idempotent = options.get("idempotent")
        safe = method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent
        start = self._clock()
        attempt = 0
        while True:
            attempt += 1
            resp: httpx.Response | None = None
            wait: float | None = None
            ambiguous = True
            try:
                resp = self._client.request(method, url, json=json, params=params)
            except UNSENT:
                reason, ambiguous = f"could not connect within {self.policy.timeout_s:g}s", False
            except httpx.TimeoutException:
                reason = f"timed out after {self.policy.timeout_s:g}s"
            except TRANSIENT_TRANSPORT as exc:
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
                now = self._now()
                # A rate-limit answer is a refusal: nothing was done, repeating is always safe.
                wait = rate_limit_wait(resp, attempt - 1, self.policy, now, self._rng)
                ambiguous = wait is None
                if wait is None:
                    wait = gateway_wait(resp, attempt - 1, self.policy, now, self._rng)
                    if wait is None:
                        return resp
                reason = f"HTTP {resp.status_code}: {self.clean(error_message(resp))}"
            if wait is None:
                wait = backoff(self.policy, attempt - 1, self._rng)
            status = resp.status_code if resp is not None else None
            elapsed = self._clock() - start
            if ambiguous and not safe and resend_ok is None:
                raise MaybeStored(
                    f"{shown}: {reason}; not sent again: the server may have stored it", status=status
                )
            if attempt >= self.policy.max_attempts or elapsed + wait > self.policy.max_total_s:
                why = (
                    f"the server asks to wait {wait:.0f}s, beyond the {self.policy.max_total_s:g}s budget"
                    if attempt < self.policy.max_attempts
                    else f"gave up after {attempt} attempts"
                )
                # An ambiguous last failure of a request that is not safe to repeat: maybe stored.
                error = MaybeStored if ambiguous and not safe else ApiError
                raise error(f"{shown}: {reason}; {why} ({elapsed:.1f}s)", status=status) from None
            self._sleep(wait)
            if ambiguous and not safe and resend_ok is not None and not resend_ok():
                raise AlreadyStored(f"{shown}: {reason}, but the server had stored it", status=status)

    def json(
        self, method: str, path_or_url: str, *, ok: tuple[int, ...] = (200, 201),
        **options: Unpack[RequestOptions],
    ) -> Any:
        """Like :meth:`request`, but a status outside ``ok`` is an :class:`ApiError`; returns the JSON."""
        resp = self.request(method, path_or_url, **options)
        self.expect(resp, method, ok)
        if resp.status_code == 204 or not resp.content:
            return None
        return self.decode(resp, method)

    def decode(self, resp: httpx.Response, method: str) -> Any:
        """The JSON body of ``resp``; a body that is not JSON (a proxy's HTML page answered with 200)
        is an :class:`ApiError` naming the request, never a ``ValueError`` out of a publisher."""
        try:
            return resp.json()
        except ValueError:
            kind = (resp.headers.get("content-type") or "no content type").split(";")[0][:60]
            raise ApiError(
                f"{method} {self._shown(str(resp.url))}: HTTP {resp.status_code} answer is not JSON "
                f"({self.clean(kind)})",
                status=resp.status_code,
                hint="a proxy or gateway may have answered instead of the API: check the API base URL",
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
            items = self.decode(resp, "GET")
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
