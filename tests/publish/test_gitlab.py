"""GitLab publisher against the fake forge (shapes from GitLab's Notes API documentation)."""

from __future__ import annotations

import json
from pathlib import Path

from mlgate.ci import CIContext
from mlgate.publish import Target, publish
from mlgate.publish.gitlab import GitLabPublisher
from mlgate.publish.local import CODE_QUALITY_FILE
from mlgate.render.markdown import marker
from mlgate.result import Status
from tests.publish.conftest import FAST, OTHER_TOKEN, TOKEN, gitlab_ctx, make_report, make_request
from tests.publish.forge_server import Fault, Forge, ForgeServer, User


def notes(forge: Forge) -> list[dict[str, object]]:
    return sorted(forge.notes.values(), key=lambda n: int(n["id"]))  # type: ignore[call-overload]


def test_sticky_note_paginated_update(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.page_size = 2
    bot = forge.users[TOKEN]
    forge.add_note(5, bot, "added 3 commits", system=True)
    for i in range(4):
        forge.add_note(5, forge.users[OTHER_TOKEN], f"review {i}")
    pub = GitLabPublisher(gitlab_ctx(server.url), TOKEN, policy=FAST, sleep=lambda s: None)
    out = pub.publish(make_request(make_report(), tmp_path))
    assert out.actions[0].startswith("merge request note created")
    pub.publish(make_request(make_report(status=Status.PASS), tmp_path))
    ours = [n for n in notes(forge) if n["user"] is bot and not n["system"]]
    assert len(ours) == 1 and "PASS" in str(ours[0]["body"])
    # The note was on page 3: found by following X-Next-Page / Link.
    assert any("page=3" in p for m, p, _ in forge.log if m == "GET")


def test_hijack_note_ignored(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    fake = forge.add_note(5, forge.users[OTHER_TOKEN], marker("mlgate.yaml") + "\nall good")
    GitLabPublisher(gitlab_ctx(server.url), TOKEN, policy=FAST).publish(make_request(make_report(), tmp_path))
    assert forge.notes[fake]["body"].endswith("all good")
    assert len(forge.notes) == 2


def test_rate_limited_then_ok(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.faults.append(
        Fault("POST", r"/notes$", status=429, headers={"Retry-After": "2"}, body={"message": "Retry later"})
    )
    delays: list[float] = []
    GitLabPublisher(gitlab_ctx(server.url), TOKEN, policy=FAST, sleep=delays.append).publish(
        make_request(make_report(), tmp_path)
    )
    assert delays == [2.0] and len(forge.notes) == 1


def test_token_without_rights(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    forge.users["glpat-readonly-000000000000"] = User("guest", 77, write=False)
    pub = GitLabPublisher(gitlab_ctx(server.url), "glpat-readonly-000000000000", policy=FAST)
    out = pub.publish(make_request(make_report(), tmp_path))
    assert out.failures and not out.actions
    for failure in out.failures:
        assert "403" in str(failure) and "MLGATE_GITLAB_TOKEN" in str(failure)
        assert "glpat-readonly" not in str(failure)


def test_job_token_only_and_code_quality(server: ForgeServer, tmp_path: Path) -> None:
    ctx = gitlab_ctx(server.url)
    result = publish(
        make_request(make_report(), tmp_path),
        target=Target.GITLAB,
        ctx=ctx,
        token=None,
        environ={"CI_JOB_TOKEN": "job-token-value-123"},
    )
    [failure] = result.failures
    assert "CI_JOB_TOKEN" in str(failure) and "cannot write notes" in str(failure)
    issues = json.loads((tmp_path / CODE_QUALITY_FILE).read_text())
    assert [i["severity"] for i in issues] == ["major"]
    assert set(issues[0]) == {"description", "check_name", "fingerprint", "severity", "location"}
    assert issues[0]["location"] == {"path": "mlgate.yaml", "lines": {"begin": 1}}


def test_not_a_merge_request_pipeline(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    out = GitLabPublisher(gitlab_ctx(server.url, iid=None), TOKEN).publish(
        make_request(make_report(), tmp_path)
    )
    # Like GitHub without a pull request: no note, the commit status only.
    assert "merge_request_event" in out.warnings[0] and not forge.notes
    assert [(m, p.split("/")[-2]) for m, p, _ in forge.log] == [("POST", "statuses")]


def test_detect_from_gitlab_env() -> None:
    ctx = CIContext.detect(
        {
            "GITLAB_CI": "true",
            "CI_API_V4_URL": "https://gl.example/api/v4",
            "CI_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_IID": "5",
            "CI_COMMIT_SHA": "abc",
            "CI_JOB_URL": "https://gl.example/g/p/-/jobs/9",
        }
    )
    assert (ctx.api_url, ctx.repository, ctx.pr_number, ctx.head_sha) == (
        "https://gl.example/api/v4",
        "42",
        5,
        "abc",
    )
    assert ctx.run_url == "https://gl.example/g/p/-/jobs/9/artifacts/browse"


def test_report_from_a_directory_says_so(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    pub = GitLabPublisher(gitlab_ctx(server.url), TOKEN, policy=FAST)
    pub.publish(make_request(make_report(), tmp_path, computed_here=False))
    [note] = forge.notes.values()
    first, second = note["body"].split("\n")[:2]
    assert first.startswith("<!-- mlgate:scorecard") and second.startswith("> **Reported by another run**")
