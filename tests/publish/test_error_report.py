"""A run that could not evaluate (exit 2) or crashed (exit 3) replaces the report and the published
verdict: nothing downstream reads the previous run's PASS."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlgate.publish.body import STATUS_DESCRIPTION_LIMIT
from mlgate.render.markdown import marker
from tests.conftest import run_cli
from tests.publish.conftest import SHA, TOKEN
from tests.publish.forge_server import Forge, ForgeServer
from tests.publish.test_cli_publish import CLEAR, github_env


def gitlab_env(server: ForgeServer) -> dict[str, str | None]:
    return {
        **CLEAR,
        "GITLAB_CI": "true",
        "CI_API_V4_URL": f"{server.url}/api/v4",
        "CI_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "5",
        "CI_COMMIT_SHA": SHA,
        "CI_PIPELINE_SOURCE": "merge_request_event",
        "MLGATE_GITLAB_TOKEN": TOKEN,
    }


def check(project: Path, out: Path, env: dict[str, str | None], *extra: str) -> tuple[int, str]:
    res = run_cli(["check", "-c", str(project / "mlgate.yaml"), "-o", str(out), *extra], env=env)
    return res.exit_code, res.output


def scorecard(out: Path) -> dict[str, object]:
    return json.loads((out / "scorecard.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def break_inputs(project: Path) -> str:
    """The eval data is gone: exit 2 after the config loaded."""
    (project / "data" / "eval.csv").unlink()
    return "eval.csv"


def break_config(project: Path) -> str:
    """The config is no longer valid YAML: exit 2 before anything loaded."""
    (project / "mlgate.yaml").write_text("version: 1\ntask: [binary\n", encoding="utf-8")
    return "invalid YAML"


@pytest.mark.parametrize("breaker", [break_inputs, break_config])
def test_github_exit_2_replaces_report_comment_and_status(
    breaker: object, demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    env = github_env(server, tmp_path, token=TOKEN)
    out = tmp_path / "mlgate-report"
    code, output = check(demo_project, out, env)
    assert code in (0, 1), output
    [before] = forge.pr_comments(7)
    expected = breaker(demo_project)  # type: ignore[operator]
    code, output = check(demo_project, out, env)
    assert code == 2, output
    data = scorecard(out)
    assert data["status"] == "error" and data["exit_code"] == 2
    [gate] = data["gates"]  # type: ignore[misc]
    assert gate["error_kind"] == "input" and expected in gate["error"]
    assert "could not evaluate" in (out / "scorecard.md").read_text(encoding="utf-8")
    assert (out / ".mlgate-report").is_file() and (out / "junit.xml").is_file()
    # The same sticky comment, now saying why; the commit status is an error with the message.
    [after] = forge.pr_comments(7)
    assert after["id"] == before["id"] and after["body"].startswith(marker(data["config_id"]))  # type: ignore[arg-type]
    assert "could not evaluate" in after["body"] and expected in after["body"]
    status = forge.statuses[-1]
    assert status["state"] == "error" and status["description"].startswith("could not evaluate: ")
    assert len(status["description"]) <= STATUS_DESCRIPTION_LIMIT
    outputs = (tmp_path / "output.txt").read_text(encoding="utf-8")
    assert outputs.rsplit("status=", 1)[1].startswith("error\nexit-code=2")
    assert "error: " in output and expected in output  # the message on stderr as before


def test_exit_3_is_a_bug_and_still_says_could_not_evaluate(
    demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = github_env(server, tmp_path, token=TOKEN)
    out = tmp_path / "mlgate-report"
    assert check(demo_project, out, env)[0] in (0, 1)

    def crash(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("mlgate.runner.run", crash)
    code, output = check(demo_project, out, env)
    assert code == 3 and "a bug in mlgate" in output
    data = scorecard(out)
    assert data["status"] == "error" and data["exit_code"] == 3
    assert data["gates"][0]["error_kind"] == "internal"  # type: ignore[index]
    [comment] = forge.pr_comments(7)
    assert "could not evaluate" in comment["body"] and "ZeroDivisionError" in comment["body"]
    assert forge.statuses[-1]["state"] == "error"


def test_hostile_message_is_escaped_masked_and_capped(
    demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # The pull request chooses the file name the message quotes; the environment holds the token.
    name = f"@octo/team <img src=x onerror=alert(1)> #1 \u202e{TOKEN} " + "A" * 150 + ".csv"
    config = (demo_project / "mlgate.yaml").read_text(encoding="utf-8")
    (demo_project / "mlgate.yaml").write_text(
        config.replace("eval: data/eval.csv", f"eval: {json.dumps(name)}"), encoding="utf-8"
    )
    env = github_env(server, tmp_path, token=TOKEN)
    out = tmp_path / "mlgate-report"
    code, output = check(demo_project, out, env)
    assert code == 2, output
    error = str(scorecard(out)["gates"][0]["error"])  # type: ignore[index]
    assert TOKEN not in error and "***" in error
    for text in ((out / "scorecard.md").read_text(encoding="utf-8"), forge.pr_comments(7)[0]["body"]):
        assert TOKEN not in text and "<img" not in text and "\u202e" not in text
        assert "@octo/team" not in text  # no mention is created from data
    description = forge.statuses[-1]["description"]
    assert len(description) <= STATUS_DESCRIPTION_LIMIT and "\u202e" not in description
    assert TOKEN not in description and TOKEN not in output


def test_gitlab_exit_2_replaces_note_and_status(
    demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    env = gitlab_env(server)
    out = tmp_path / "mlgate-report"
    assert check(demo_project, out, env)[0] in (0, 1)
    [before] = forge.notes.values()
    break_inputs(demo_project)
    code, output = check(demo_project, out, env)
    assert code == 2, output
    [after] = forge.notes.values()
    assert after["id"] == before["id"] and "could not evaluate" in after["body"]
    status = forge.gl_statuses[-1]
    assert status["state"] == "failed" and status["description"].startswith("could not evaluate: ")
    assert status["name"] == "mlgate/" + str(scorecard(out)["config_id"])
    issues = json.loads((out / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [i["severity"] for i in issues] == ["critical"]


def test_refused_out_still_publishes_without_writing(
    demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    # The pull request commits mlgate-report as a link: nothing is written through it, and the
    # pull request still learns that this run could not evaluate.
    target = tmp_path / "elsewhere"
    target.mkdir()
    out = tmp_path / "mlgate-report"
    os.symlink(target, out)
    code, output = check(demo_project, out, github_env(server, tmp_path, token=TOKEN))
    assert code == 2 and "symbolic link" in output
    assert list(target.iterdir()) == []
    [comment] = forge.pr_comments(7)
    assert "could not evaluate" in comment["body"] and forge.statuses[-1]["state"] == "error"


def test_error_report_publishes_from_json_and_never_green(
    demo_project: Path, server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    out = tmp_path / "mlgate-report"
    break_config(demo_project)
    assert check(demo_project, out, CLEAR, "--publish", "none")[0] == 2
    res = run_cli(["publish", str(out), "--from-json"], env=github_env(server, tmp_path, token=TOKEN))
    assert res.exit_code == 0, res.output
    [comment] = forge.pr_comments(7)
    assert "could not evaluate" in comment["body"] and "invalid YAML" in comment["body"]
    [status] = forge.statuses
    assert status["state"] == "error" and "could not evaluate: " in status["description"]


def test_error_message_is_capped_and_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mlgate.render.error_report import MAX_MESSAGE_CHARS, error_report
    from mlgate.render.write import report_files

    monkeypatch.setenv("MLGATE_GITHUB_TOKEN", TOKEN)
    message = f"data.eval: {TOKEN} " + "x" * 20_000
    report = error_report(message, exit_code=2, config_path=tmp_path / "mlgate.yaml",
                          secrets=["cli-token-value"])
    error = str(report.gates[0].error)
    assert len(error) <= MAX_MESSAGE_CHARS and error.endswith("chars]") and TOKEN not in error
    files = report_files(report)
    assert all(TOKEN not in text for text in files.values())
    assert json.loads(files["scorecard.json"])["status"] == "error" and report.exit_code == 2
