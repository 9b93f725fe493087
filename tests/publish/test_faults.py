"""Publishers against a faulty forge (tests/publish/faults.py): every fault ends in one comment at
most, the steps that can still succeed do, and each failure is one reported line."""

from __future__ import annotations

from pathlib import Path

from mlgate.ci import CIContext
from mlgate.publish import PublishResult, Target, publish
from mlgate.publish.http import RetryPolicy
from mlgate.result import Status
from tests.publish.conftest import (
    APP_TOKEN,
    FAST,
    SHA,
    TOKEN,
    github_ctx,
    gitlab_ctx,
    make_report,
    make_request,
)
from tests.publish.faults import not_json, rate_limited, slow, stored_then
from tests.publish.forge_server import Fault, Forge, ForgeServer

# A short client timeout, so that a "slow" answer is beyond it without slowing the suite.
QUICK = RetryPolicy(max_attempts=4, max_total_s=30.0, base_delay_s=0.01, max_delay_s=0.02, timeout_s=1.5)


def run(
    server: ForgeServer,
    tmp_path: Path,
    *,
    target: Target = Target.GITHUB,
    token: str = TOKEN,
    status: Status = Status.FAIL,
    policy: RetryPolicy = FAST,
    delays: list[float] | None = None,
    ctx: CIContext | None = None,
) -> PublishResult:
    if ctx is None:
        ctx = github_ctx(server.url, tmp=tmp_path) if target is Target.GITHUB else gitlab_ctx(server.url)
    return publish(
        make_request(make_report(status=status), tmp_path),
        target=target,
        ctx=ctx,
        token=token,
        environ={},
        client_kw={"policy": policy, "sleep": (delays if delays is not None else []).append},
    )


def posts(forge: Forge, suffix: str) -> int:
    return sum(1 for m, p, _ in forge.log if m == "POST" and p.split("?")[0].endswith(suffix))


def actions(result: PublishResult) -> list[str]:
    return [a for o in result.outcomes for a in o.actions]


# ------------------------------------------------------------------------------------------ GitHub


def test_github_comment_stored_then_502_every_time_is_posted_once(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # Each POST is stored and answered 502: re-sending it blindly leaves one comment per attempt.
    forge.faults.append(stored_then("POST", r"/issues/7/comments$"))
    result = run(server, tmp_path)
    assert len(forge.pr_comments(7)) == 1 and posts(forge, "/issues/7/comments") == 1
    assert any(a.startswith("comment created") for a in actions(result))
    assert result.ok and forge.statuses[-1]["state"] == "failure"


def test_github_comment_update_after_stored_502_patches_not_posts(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    run(server, tmp_path)
    forge.faults.append(stored_then("POST", r"/issues/7/comments$"))
    run(server, tmp_path, status=Status.PASS)
    [comment] = forge.pr_comments(7)
    assert "PASS" in comment["body"] and posts(forge, "/issues/7/comments") == 1


def test_github_comment_timeout_after_storing_is_posted_once(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(slow("POST", r"/issues/7/comments$", 3.0))
    result = run(server, tmp_path, policy=QUICK)
    assert result.ok, result.failures
    assert len(forge.pr_comments(7)) == 1 and posts(forge, "/issues/7/comments") == 1


def test_github_comment_502_before_storing_is_sent_again(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # Nothing stored: the listing finds no comment, so the POST is sent again and succeeds.
    forge.faults.append(Fault("POST", r"/issues/7/comments$", status=502, body={"message": "x"}, times=2))
    result = run(server, tmp_path)
    assert result.ok and len(forge.pr_comments(7)) == 1 and posts(forge, "/issues/7/comments") == 3


def test_github_non_json_user_answer_still_sets_the_status(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # A proxy's HTML page with 200: the comment cannot be attributed, the status is still set and
    # the step summary still written; one failure, naming the request.
    forge.faults.append(not_json("GET", r"^/api/v3/user$"))
    result = run(server, tmp_path)
    [failure] = result.failures
    assert "GET /user" in str(failure) and "not JSON" in str(failure)
    assert forge.statuses and forge.statuses[-1]["state"] == "failure"
    assert not forge.comments
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").strip()


def test_github_non_json_comment_list_still_sets_the_status(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(not_json("GET", r"/issues/7/comments$"))
    result = run(server, tmp_path)
    [failure] = result.failures
    assert "not JSON" in str(failure) and forge.statuses and not forge.comments


def test_github_status_502_after_storing_is_retried(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # The same state for the same context again changes nothing: safe to re-send.
    forge.faults.append(stored_then("POST", r"/statuses/", times=1))
    result = run(server, tmp_path)
    assert result.ok and [s["state"] for s in forge.statuses] == ["failure", "failure"]


def test_github_status_failing_does_not_stop_the_comment(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(not_json("POST", r"/statuses/", status=500))
    result = run(server, tmp_path)
    [failure] = result.failures
    assert "commit status" in str(failure)
    assert len(forge.pr_comments(7)) == 1


def test_github_check_run_stored_then_502_is_created_once(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(stored_then("POST", r"/check-runs$"))
    result = run(server, tmp_path, token=APP_TOKEN)
    assert result.ok, result.failures
    assert len(forge.check_runs) == 1 and posts(forge, "/check-runs") == 1
    assert not forge.statuses  # not taken for a refusal of check runs


def test_github_check_run_timeout_is_created_once(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.faults.append(slow("POST", r"/check-runs$", 3.0))
    result = run(server, tmp_path, token=APP_TOKEN, policy=QUICK)
    assert result.ok, result.failures
    assert len(forge.check_runs) == 1


def test_github_secondary_rate_limit_on_the_comment_waits(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # A rate-limit answer is a refusal: the POST was not processed and is simply repeated.
    forge.faults.append(rate_limited("POST", r"/issues/7/comments$", retry_after=7))
    delays: list[float] = []
    result = run(server, tmp_path, delays=delays)
    assert result.ok and delays == [7.0] and len(forge.pr_comments(7)) == 1


def test_github_primary_rate_limit_waits_for_the_reset(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(rate_limited("POST", r"/statuses/", status=429, reset_in=5))
    delays: list[float] = []
    result = run(server, tmp_path, delays=delays)
    assert result.ok and len(delays) == 1 and 4.0 <= delays[0] <= 7.0 and len(forge.statuses) == 1


def test_github_rate_limit_beyond_the_budget_fails_that_step_only(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(rate_limited("POST", r"/issues/7/comments$", retry_after=3600))
    delays: list[float] = []
    result = run(server, tmp_path, delays=delays)
    [failure] = result.failures
    assert "3600s" in str(failure) and "budget" in str(failure) and delays == []
    assert forge.statuses and not forge.comments


def test_github_everything_failing_still_writes_the_step_summary(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(not_json("GET", r"^/api/v3/user$"))
    forge.faults.append(stored_then("POST", r"/statuses/", status=500))
    result = run(server, tmp_path)
    assert len(result.failures) == 2
    assert "mlgate scorecard" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "status=fail" in (tmp_path / "output.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------ GitLab


def test_gitlab_note_stored_then_502_every_time_is_posted_once(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(stored_then("POST", r"/merge_requests/5/notes$"))
    result = run(server, tmp_path, target=Target.GITLAB)
    assert result.ok, result.failures
    assert len(forge.notes) == 1 and posts(forge, "/notes") == 1


def test_gitlab_note_timeout_after_storing_is_posted_once(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(slow("POST", r"/merge_requests/5/notes$", 3.0))
    result = run(server, tmp_path, target=Target.GITLAB, policy=QUICK)
    assert result.ok, result.failures
    assert len(forge.notes) == 1


def test_gitlab_sets_the_commit_status(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    result = run(server, tmp_path, target=Target.GITLAB)
    assert result.ok
    [status] = forge.gl_statuses
    assert status["sha"] == SHA and status["state"] == "failed" and status["name"] == "mlgate/mlgate.yaml"
    assert status["description"] == "1 blocking check(s) failed"
    run(server, tmp_path, target=Target.GITLAB, status=Status.PASS)
    assert forge.gl_statuses[-1]["state"] == "success"


def test_gitlab_status_stored_then_502_is_sent_once(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(stored_then("POST", r"/statuses/"))
    result = run(server, tmp_path, target=Target.GITLAB)
    assert result.ok, result.failures
    assert len(forge.gl_statuses) == 1 and posts(forge, SHA) == 1


def test_gitlab_non_json_user_answer_still_sets_the_status(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forge.faults.append(not_json("GET", r"^/api/v4/user$"))
    result = run(server, tmp_path, target=Target.GITLAB)
    [failure] = result.failures
    assert "GET /user" in str(failure) and "not JSON" in str(failure)
    assert not forge.notes and [s["state"] for s in forge.gl_statuses] == ["failed"]
    assert (tmp_path / "gl-code-quality-report.json").is_file()


def test_gitlab_rate_limit_reset_is_honoured(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.faults.append(rate_limited("POST", r"/notes$", status=429, reset_in=3, gitlab=True))
    delays: list[float] = []
    result = run(server, tmp_path, target=Target.GITLAB, delays=delays)
    assert result.ok and len(delays) == 1 and 2.0 <= delays[0] <= 5.0 and len(forge.notes) == 1


# --------------------------------------------------------------------------------------------- CLI


def test_cli_prints_one_masked_line_per_failure(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    from tests.conftest import run_cli
    from tests.publish.test_cli_publish import github_env
    from tests.publish.test_error_report import scorecard

    # The comment fails (an HTML page for GET /user), the commit status fails (a 500 quoting the
    # token): two lines, each naming its step, the token masked; the step summary is still written.
    forge.faults.append(not_json("GET", r"^/api/v3/user$"))
    forge.faults.append(Fault("POST", r"/statuses/", status=500, body={"message": f"boom {TOKEN}"}))
    from mlgate.render.json import render_json
    from mlgate.render.markdown import render_markdown

    report = tmp_path / "report"
    report.mkdir()
    (report / "scorecard.json").write_text(render_json(make_report()), encoding="utf-8")
    (report / "scorecard.md").write_text(render_markdown(make_report()), encoding="utf-8")
    assert scorecard(report)["status"] == "fail"
    env = github_env(server, tmp_path, token=TOKEN)
    res = run_cli(["publish", str(report), "--require-publish"], env=env)
    assert res.exit_code == 3
    lines = [ln for ln in res.stderr.splitlines() if "publishing failed" in ln]
    assert len(lines) == 2, res.stderr
    assert "comment on the pull request" in lines[0] and "not JSON" in lines[0]
    assert "commit status" in lines[1] and "***" in lines[1]
    assert TOKEN not in res.output and "hint:" not in res.stderr.replace("(hint:", "")
    assert (tmp_path / "summary.md").read_text(encoding="utf-8").strip()
