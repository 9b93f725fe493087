"""When a forge request may be sent again, and how long to wait first.

Rules follow GitHub's "Rate limits for the REST API" (primary limit: wait until
``x-ratelimit-reset``; secondary limit: honour ``retry-after``, else wait at least a minute, then
back off exponentially and give up after a bounded number of tries) and GitLab's rate-limit headers
(``Retry-After``, ``RateLimit-Reset``). Only transient failures are retried: timeouts, a connection
dropped mid-request, 502/503/504 and rate limits. Backoff uses "equal jitter" (AWS Architecture
Blog, "Exponential Backoff And Jitter", 2015) so that two racing jobs do not retry in lock-step.

A request that is not idempotent (``POST`` creating a comment) is different: a 502, a timeout or a
dropped connection says nothing about whether the server stored it (a gateway may time out while the
application commits). Sending it again blindly is how five identical comments appear, so the client
re-sends it only after the caller has looked and found nothing stored (RFC 9110 section 9.2.2,
"Idempotent Methods": a client "SHOULD NOT automatically retry a request with a non-idempotent
method unless it has some means to know that the request semantics are actually idempotent"). A
rate-limit answer (403/429) means the request was refused unprocessed, so it is always safe.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from dataclasses import dataclass

import httpx

# Gateway errors: the request did not reach (or was not finished by) the application; worth a retry.
# A 500 is the application failing on this request and is not retried (nor 501, 505...).
TRANSIENT_STATUSES = frozenset({502, 503, 504})
# RFC 9110 section 9.2.2; PATCH is not idempotent in general, but every PATCH mlgate sends replaces
# a whole field with the same value, so repeating it changes nothing.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})
# The connection broke after it was made: the server may answer the next attempt.
TRANSIENT_TRANSPORT: tuple[type[Exception], ...] = (
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)
# Failures that happen before a byte of the request left: repeating them cannot duplicate anything.
UNSENT: tuple[type[Exception], ...] = (httpx.ConnectTimeout, httpx.PoolTimeout)


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


def retry_after(headers: httpx.Headers, now: float) -> float | None:
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


def reset_wait(headers: httpx.Headers, now: float) -> float | None:
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


def backoff(policy: RetryPolicy, attempt: int, rng: Callable[[], float]) -> float:
    """Equal jitter: half the exponential delay, plus a random part of the other half."""
    delay = min(policy.max_delay_s, policy.base_delay_s * 2.0**attempt)
    return delay / 2 + rng() * delay / 2


def rate_limit_wait(
    resp: httpx.Response, attempt: int, policy: RetryPolicy, now: float, rng: Callable[[], float]
) -> float | None:
    """Seconds to wait before repeating a request the forge refused for its rate limit; None when
    ``resp`` is no rate-limit answer."""
    if resp.status_code not in (403, 429) or not is_rate_limited(resp):
        return None
    after = retry_after(resp.headers, now)
    if after is not None:
        return after
    reset = reset_wait(resp.headers, now)
    if reset is not None:
        return reset
    jittered = backoff(policy, attempt, rng)
    if resp.status_code == 403 or "secondary" in error_message(resp).lower():
        return max(policy.secondary_min_wait_s, jittered)
    return jittered


def gateway_wait(
    resp: httpx.Response, attempt: int, policy: RetryPolicy, now: float, rng: Callable[[], float]
) -> float | None:
    """Seconds to wait after a 502/503/504 (its ``Retry-After`` if any); None for other statuses."""
    if resp.status_code not in TRANSIENT_STATUSES:
        return None
    after = retry_after(resp.headers, now)
    return after if after is not None else backoff(policy, attempt, rng)
