"""The REST client: retry policy, budgets, timeouts, refused connections, origin pinning, no leaks."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from mlgate.publish.http import ApiClient, ApiError, RetryPolicy
from tests.publish.conftest import FAST, TOKEN
from tests.publish.forge_server import Fault, Forge, ForgeServer, User


def client(server: ForgeServer, delays: list[float], policy: RetryPolicy = FAST, **kw: object) -> ApiClient:
    return ApiClient(
        f"{server.url}/api/v3",
        {"Authorization": f"Bearer {TOKEN}"},
        secret=TOKEN,
        policy=policy,
        extra_headers={"X-GitHub-Api-Version": "2022-11-28"},
        sleep=delays.append,
        **kw,
    )  # type: ignore[arg-type]


def test_primary_rate_limit_waits_for_reset(server: ForgeServer, forge: Forge) -> None:
    now = 1_700_000_000.0
    forge.faults.append(
        Fault(
            "GET",
            "/user",
            status=403,
            body={"message": "API rate limit exceeded"},
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(now) + 5)},
        )
    )
    delays: list[float] = []
    resp = client(server, delays, now=lambda: now).request("GET", "/user")
    assert resp.status_code == 200 and delays == [6.0]


def test_wait_beyond_budget_gives_up_at_once(server: ForgeServer, forge: Forge) -> None:
    forge.faults.append(
        Fault("GET", "/user", status=429, headers={"Retry-After": "3600"}, body={"message": "x"})
    )
    delays: list[float] = []
    with pytest.raises(ApiError) as info:
        client(server, delays).request("GET", "/user")
    assert delays == [] and "3600s" in str(info.value) and "budget" in str(info.value)


def test_persistent_5xx_bounded_attempts(server: ForgeServer, forge: Forge) -> None:
    forge.faults.append(Fault("GET", "/user", status=503, body={"message": "unavailable"}, times=99))
    delays: list[float] = []
    with pytest.raises(ApiError) as info:
        client(server, delays).request("GET", "/user")
    assert "gave up after 4 attempts" in str(info.value) and len(delays) == 3
    assert sum(1 for _, p, _ in forge.log if p.endswith("/user")) == 4


def test_secondary_rate_limit_without_header_waits_a_minute(server: ForgeServer, forge: Forge) -> None:
    forge.faults.append(
        Fault("GET", "/user", status=403, body={"message": "You have exceeded a secondary rate limit."})
    )
    delays: list[float] = []
    policy = RetryPolicy(max_attempts=3, max_total_s=200, base_delay_s=0.01)
    assert client(server, delays, policy).request("GET", "/user").status_code == 200
    assert delays == [60.0]


def test_permission_403_is_not_retried(server: ForgeServer, forge: Forge) -> None:
    forge.faults.append(
        Fault("GET", "/user", status=403, body={"message": "Resource not accessible by integration"})
    )
    delays: list[float] = []
    assert client(server, delays).request("GET", "/user").status_code == 403 and delays == []


def test_timeout_is_retried_then_reported(server: ForgeServer, forge: Forge) -> None:
    forge.faults.append(Fault("GET", "/user", delay=1.0, times=5))
    policy = RetryPolicy(max_attempts=2, max_total_s=5, base_delay_s=0.01, timeout_s=0.2)
    start = time.monotonic()
    with pytest.raises(ApiError) as info:
        client(server, [], policy).request("GET", "/user")
    assert "timed out after 0.2s" in str(info.value) and time.monotonic() - start < 3


def test_real_sleep_honours_retry_after() -> None:
    with ForgeServer() as srv:
        srv.forge.users = {TOKEN: User("mlgate-bot", 11)}
        srv.forge.faults.append(
            Fault("GET", "/user", status=429, headers={"Retry-After": "1"}, body={"message": "x"})
        )
        c = ApiClient(
            f"{srv.url}/api/v3",
            {"Authorization": f"Bearer {TOKEN}"},
            secret=TOKEN,
            policy=FAST,
            extra_headers={"X-GitHub-Api-Version": "2022-11-28"},
        )
        start = time.monotonic()
        assert c.request("GET", "/user").status_code == 200
        assert time.monotonic() - start >= 1.0


def test_connection_refused_is_not_retried() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    delays: list[float] = []
    c = ApiClient(
        f"http://127.0.0.1:{port}/api/v3",
        {"Authorization": f"Bearer {TOKEN}"},
        secret=TOKEN,
        policy=FAST,
        sleep=delays.append,
    )
    with pytest.raises(ApiError) as info:
        c.request("GET", "/user")
    # A refused connection (bad URL, nothing listening) fails the same way every time.
    assert "connection failed (ConnectError" in str(info.value) and delays == []
    assert "GITHUB_API_URL" in str(info.value)
    assert TOKEN not in str(info.value)


def test_token_never_sent_outside_the_base_url(server: ForgeServer, forge: Forge) -> None:
    c = client(server, [])
    for url in ("https://evil.example/api/v3/user", f"{server.url}/api/v30/user", f"{server.url}/other"):
        with pytest.raises(ApiError, match="refusing to send the token"):
            c.request("GET", url)
    assert not forge.log


def test_hostile_pagination_link_refused(server: ForgeServer, forge: Forge) -> None:
    forge.faults.append(
        Fault(
            "GET",
            "/comments$",
            status=200,
            body=[],
            headers={"Link": '<https://evil.example/steal?page=2>; rel="next"'},
        )
    )
    with pytest.raises(ApiError, match=r"refusing to send the token to 'https://evil\.example/steal'"):
        list(client(server, []).paginate("/repos/o/r/issues/1/comments", {"per_page": 100}))


def test_server_echoing_the_token_is_masked(server: ForgeServer, forge: Forge) -> None:
    forge.faults.append(Fault("GET", "/user", status=400, body={"message": f"bad header Bearer {TOKEN}"}))
    c = client(server, [])
    with pytest.raises(ApiError) as info:
        c.expect(c.request("GET", "/user"), "GET", (200,))
    assert TOKEN not in str(info.value) and "***" in str(info.value)


def test_requests_carry_headers_and_verify_tls(server: ForgeServer, forge: Forge) -> None:
    c = client(server, [])
    c.request("GET", "/user")
    h = forge.seen_headers[-1]
    assert h["user-agent"].startswith("mlgate/") and h["authorization"] == f"Bearer {TOKEN}"
    # TLS verification is on (an SSLContext that requires certificates).
    import ssl

    pool = c._client._transport._pool  # type: ignore[attr-defined]
    assert pool._ssl_context.verify_mode == ssl.CERT_REQUIRED


def _requests(forge: Forge, path: str) -> int:
    """How many requests for ``path`` the server received (counted server-side)."""
    return sum(1 for _, p, _ in forge.log if p.split("?")[0].endswith(path))


@pytest.mark.parametrize(
    ("status", "headers", "sent"),
    [
        (500, {}, 1),  # the application failed on this request: the same request fails again
        (400, {}, 1),
        (404, {}, 1),
        (422, {}, 1),
        (401, {}, 1),
        (502, {}, 2),
        (503, {}, 2),
        (504, {}, 2),
        (429, {"Retry-After": "1"}, 2),
        (429, {}, 2),
    ],
)
def test_only_transient_statuses_are_retried(
    server: ForgeServer, forge: Forge, status: int, headers: dict[str, str], sent: int
) -> None:
    forge.faults.append(Fault("GET", "/user", status=status, headers=headers, body={"message": "x"}))
    delays: list[float] = []
    resp = client(server, delays).request("GET", "/user")
    assert _requests(forge, "/user") == sent and len(delays) == sent - 1
    assert resp.status_code == (200 if sent == 2 else status)


def test_invalid_header_value_is_local_and_masked(server: ForgeServer, forge: Forge) -> None:
    # What a secret stored with `echo` holds. httpx/h11 quote the header as a bytes repr in the
    # error ("Illegal header value b'Bearer ghp_...\\n'"): that form must be masked too.
    bad = TOKEN + "\n"
    delays: list[float] = []
    c = ApiClient(
        f"{server.url}/api/v3",
        {"Authorization": f"Bearer {bad}"},
        secret=bad,
        policy=FAST,
        sleep=delays.append,
    )
    with pytest.raises(ApiError) as info:
        c.request("GET", "/user")
    text = f"{info.value} {info.value!r} {info.value.hint}"
    assert "LocalProtocolError" in text and "***" in text
    assert TOKEN[4:] not in text and "S3cretT0ken" not in text
    assert delays == [] and not forge.log  # never sent, never retried


def test_tls_failure_is_not_retried(server: ForgeServer, forge: Forge) -> None:
    # https:// to a plain-HTTP server: the TLS handshake fails, and would on every attempt.
    delays: list[float] = []
    c = ApiClient(
        server.url.replace("http://", "https://") + "/api/v3",
        {"Authorization": f"Bearer {TOKEN}"},
        secret=TOKEN,
        policy=FAST,
        sleep=delays.append,
    )
    with pytest.raises(ApiError, match="connection failed"):
        c.request("GET", "/user")
    assert delays == [] and not forge.log


def test_tls_configuration_error_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing-ca.pem"))
    with pytest.raises(ApiError) as info:
        ApiClient("https://api.github.com", {"Authorization": f"Bearer {TOKEN}"}, secret=TOKEN)
    assert "cannot set up the HTTP client" in str(info.value) and "SSL_CERT_FILE" in str(info.value)
    assert TOKEN not in str(info.value)


def test_dropped_connection_is_retried(server: ForgeServer, forge: Forge) -> None:
    # The server closes the connection without answering (RemoteProtocolError): transient.
    forge.faults.append(Fault("GET", "/user", status=-1))
    delays: list[float] = []
    assert client(server, delays).request("GET", "/user").status_code == 200
    assert _requests(forge, "/user") == 2 and len(delays) == 1
