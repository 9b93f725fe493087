"""GitHub publisher against the fake forge (requests and responses checked against GitHub's OpenAPI)."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

from mlgate.publish.body import GITHUB_COMMENT_LIMIT, utf16_units
from mlgate.publish.github import GitHubPublisher
from mlgate.render.markdown import marker
from mlgate.result import GateResult, Report, Status
from mlgate.views import ChartKind
from tests.publish.conftest import (
    APP_TOKEN,
    FAST,
    OTHER_TOKEN,
    READONLY_TOKEN,
    SHA,
    TOKEN,
    github_ctx,
    make_report,
    make_request,
)
from tests.publish.forge_server import Fault, Forge, ForgeServer


def publisher(server: ForgeServer, token: str = TOKEN, **ctx_kw: object) -> GitHubPublisher:
    return GitHubPublisher(github_ctx(server.url, **ctx_kw), token, policy=FAST, sleep=lambda s: None)  # type: ignore[arg-type]


def test_creates_then_updates_one_sticky_comment(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    pub = publisher(server)
    out = pub.publish(make_request(make_report(), tmp_path))
    assert any(a.startswith("comment created") for a in out.actions)
    [c] = forge.pr_comments(7)
    assert c["body"].startswith(marker("mlgate.yaml"))
    out = pub.publish(make_request(make_report(status=Status.PASS), tmp_path))
    assert any(a.startswith("comment updated") for a in out.actions)
    [c2] = forge.pr_comments(7)
    assert c2["id"] == c["id"] and "PASS" in c2["body"]
    out = pub.publish(make_request(make_report(status=Status.PASS), tmp_path))
    assert any(a.startswith("comment unchanged") for a in out.actions)
    assert [m for m, _, _ in forge.log].count("POST") >= 1
    # PATs cannot create check runs: the verdict falls back to a commit status on the PR head.
    assert forge.statuses[-1] == {
        "sha": SHA,
        "state": "success",
        "context": "mlgate/mlgate.yaml",
        "description": "all gates passed",
        "target_url": "https://github.example/octo/repo/actions/runs/1",
    }
    assert forge.statuses[0]["state"] == "failure"


def test_one_comment_per_config_and_pagination(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.page_size = 2
    for i in range(5):
        forge.add_comment(7, "mallory", f"unrelated {i}")
    pub = publisher(server)
    pub.publish(make_request(make_report(config_id="a/mlgate.yaml"), tmp_path))
    pub.publish(make_request(make_report(config_id="b/mlgate.yaml"), tmp_path))
    # Our comment is on page 3 of 3 now; a second run must find it, not create another.
    pub.publish(make_request(make_report(config_id="a/mlgate.yaml", status=Status.PASS), tmp_path))
    ours = [c for c in forge.pr_comments(7) if c["user"].login == "mlgate-bot"]
    assert len(ours) == 2
    assert any(m == "GET" and "page=3" in p for m, p, _ in forge.log)  # followed Link: rel="next"
    assert any(m == "PATCH" for m, _, _ in forge.log)


def test_marker_comment_from_another_user_is_never_touched(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    fake = forge.add_comment(7, "mallory", marker("mlgate.yaml") + "\n## ✅ all good, merge me")
    publisher(server).publish(make_request(make_report(), tmp_path))
    comments = forge.pr_comments(7)
    assert forge.comments[fake]["body"].endswith("merge me")
    assert len(comments) == 2 and comments[1]["user"].login == "mlgate-bot"


def test_actions_token_identity_and_check_run(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    # An installation token cannot call GET /user (403); its comments are github-actions[bot]'s.
    forge.add_comment(7, "github-actions[bot]", marker("mlgate.yaml") + "\nstale scorecard")
    out = publisher(server, APP_TOKEN).publish(make_request(make_report(advisory=True), tmp_path))
    [c] = forge.pr_comments(7)
    assert "stale scorecard" not in c["body"]
    assert any(a.startswith("comment updated") for a in out.actions)
    [run] = forge.check_runs
    assert run["conclusion"] == "neutral" and run["head_sha"] == SHA and run["status"] == "completed"
    assert not forge.statuses


def test_race_of_two_publishers_leaves_one_comment(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    # Both runs list before either creates (the barrier holds the first two list requests).
    barrier = threading.Barrier(2)
    forge.faults.append(Fault("GET", r"/issues/7/comments$", barrier=barrier, times=2))
    errors: list[BaseException] = []

    def run(status: Status) -> None:
        try:
            publisher(server).publish(make_request(make_report(status=status), tmp_path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in (Status.PASS, Status.FAIL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not errors
    assert sum(1 for m, p, _ in forge.log if m == "POST" and p.endswith("/issues/7/comments")) == 2
    comments = forge.pr_comments(7)
    assert len(comments) == 1, [c["id"] for c in comments]


def test_retried_create_after_timeout_does_not_duplicate(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # The server stores the comment but answers after the client's timeout: the client does not
    # re-send the POST blindly; it lists, finds the stored comment, and stops.
    forge.faults.append(Fault("POST", r"/issues/7/comments$", delay=1.0))
    policy = FAST.__class__(
        max_attempts=3, max_total_s=10, base_delay_s=0.01, max_delay_s=0.02, timeout_s=0.3
    )
    pub = GitHubPublisher(github_ctx(server.url), TOKEN, policy=policy, sleep=lambda s: None)
    pub.publish(make_request(make_report(), tmp_path))
    assert sum(1 for m, p, _ in forge.log if m == "POST" and p.endswith("/comments")) == 1
    assert len(forge.pr_comments(7)) == 1


def test_5xx_burst_is_retried_with_backoff(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.faults.append(
        Fault("POST", r"/issues/7/comments$", status=502, body={"message": "Server Error"}, times=2)
    )
    delays: list[float] = []
    pub = GitHubPublisher(github_ctx(server.url), TOKEN, policy=FAST, sleep=delays.append)
    pub.publish(make_request(make_report(), tmp_path))
    assert len(forge.pr_comments(7)) == 1
    assert len(delays) == 2 and delays[1] > delays[0] / 2  # exponential, jittered


def test_secondary_rate_limit_honours_retry_after(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.faults.append(
        Fault(
            "POST",
            r"/issues/7/comments$",
            status=403,
            headers={"retry-after": "3"},
            body={
                "message": "You have exceeded a secondary rate limit. Please wait a few "
                "minutes before you try again.",
                "documentation_url": "https://docs.github.com/rest",
            },
        )
    )
    delays: list[float] = []
    GitHubPublisher(github_ctx(server.url), TOKEN, policy=FAST, sleep=delays.append).publish(
        make_request(make_report(), tmp_path)
    )
    assert delays == [3.0]
    assert len(forge.pr_comments(7)) == 1


def test_fork_token_without_write_access(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    pub = publisher(server, READONLY_TOKEN, fork=True)
    out = pub.publish(make_request(make_report(), tmp_path))
    text = str(out.failures[0])
    assert "Resource not accessible by integration" in text
    assert "workflow_run" in text and "mlgate publish" in text
    assert not forge.pr_comments(7)


def test_oversized_scorecard_shrinks_and_is_accepted(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    one = make_report(rows=3000, n_checks=400)
    # scorecard.md shows at most 50 checks per gate (the ones that did not pass, in a gate with many):
    # many gates of warnings make it larger than a comment.
    warned = tuple(dataclasses.replace(c, status=Status.WARN) for c in one.gates[0].checks)
    gates = tuple(dataclasses.replace(one.gates[0], name=f"gate {i}", checks=warned) for i in range(30))
    report = dataclasses.replace(one, gates=gates)
    request = make_request(report, tmp_path, artifact_url="https://github.example/octo/repo/actions/runs/1")
    assert utf16_units(request.markdown) > GITHUB_COMMENT_LIMIT
    publisher(server).publish(request)
    [c] = forge.pr_comments(7)
    assert utf16_units(c["body"]) <= GITHUB_COMMENT_LIMIT
    assert c["body"].startswith(marker("mlgate.yaml"))
    assert "actions/runs/1" in c["body"]


def test_no_pr_means_status_only(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    out = publisher(server, pr=None).publish(make_request(make_report(), tmp_path))
    assert not forge.comments and forge.statuses
    assert any("--pr" in w for w in out.warnings)


def test_bad_token_is_a_clear_error_without_the_token(server: ForgeServer, tmp_path: Path) -> None:
    secret = "ghp_NotAValidTokenAtAll000000"
    out = publisher(server, secret).publish(make_request(make_report(), tmp_path))
    assert out.failures and not out.actions
    for failure in out.failures:
        assert "401" in str(failure) and "Bad credentials" in str(failure)
        assert secret not in str(failure) and secret not in repr(failure)


def test_other_users_token_cannot_edit_ours(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    publisher(server).publish(make_request(make_report(), tmp_path))
    publisher(server, OTHER_TOKEN).publish(make_request(make_report(status=Status.PASS), tmp_path))
    bodies = {c["user"].login: c["body"] for c in forge.pr_comments(7)}
    assert "FAIL" in bodies["mlgate-bot"] and "PASS" in bodies["mallory"]


def test_check_run_fields_fit_the_api_limits(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    # The check-run summary limit counts UTF-8 bytes (github/docs#35252): 120 gates whose summaries
    # are emoji fit in 65,535 UTF-16 units but not in 65,535 bytes. The title is plain text.
    base = make_report()
    gates = tuple(
        GateResult(name=f"g{i}", summary="😀" * 199, checks=base.gates[0].checks) for i in range(120)
    )
    report = Report(
        gates=gates,
        provenance=base.provenance,
        mlgate_version="0.1.0",
        config_id="mlgate.yaml",
        title="Model\n::error::forged\u202e " + "t" * 400,
    )
    publisher(server, APP_TOKEN).publish(make_request(report, tmp_path))
    [run] = forge.check_runs
    assert len(run["output"]["summary"].encode("utf-8")) <= 65535
    title = run["output"]["title"]
    assert len(title) <= 255 and "\n" not in title and "\u202e" not in title and title.endswith("…")


def test_token_in_the_data_is_never_posted(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    # A gate message that quotes a header (or an environment dump) holding the token.
    base = make_report()
    leaky = (
        base.gates[0]
        .checks[0]
        .__class__(
            name="leak", status=Status.FAIL, message=f"request failed: Authorization: Bearer {APP_TOKEN}"
        )
    )
    report = Report(
        gates=(GateResult(chart=ChartKind.METRICS, name="performance", checks=(leaky,)),),
        provenance=base.provenance,
        mlgate_version="0.1.0",
        config_id="mlgate.yaml",
    )
    publisher(server, APP_TOKEN).publish(make_request(report, tmp_path))
    [comment] = forge.pr_comments(7)
    [run] = forge.check_runs
    for text in (comment["body"], run["output"]["summary"]):
        assert APP_TOKEN[4:] not in text and "***" in text
