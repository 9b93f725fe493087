"""Tokens: refused up front when they hold whitespace or control characters, masked in every form."""

from __future__ import annotations

import base64
import json
import traceback
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from mlgate._cli._common import mask
from mlgate.errors import ConfigError
from mlgate.publish import publish
from mlgate.publish.interface import Target
from tests.conftest import run_cli
from tests.publish.conftest import TOKEN, github_ctx, make_report, make_request
from tests.publish.forge_server import Fault, Forge, ForgeServer
from tests.publish.test_cli_publish import CLEAR, github_env

CORE = TOKEN[4:]  # what identifies the token: any output holding it leaks it


def _b64_windows(encoded: str, width: int = 12) -> list[str]:
    """Windows of a base64 text that only token bytes determine (the 8 characters at each end may
    mix in the bytes around the token)."""
    return [encoded[i : i + width] for i in range(8, len(encoded) - 8 - width)]


def _leaks(text: str, token: str = TOKEN) -> list[str]:
    """Forms of ``token`` found in ``text``, computed here independently of mlgate's masking."""
    core = token.strip()[4:]
    forms = [core, quote(core, safe=""), json.dumps(core)[1:-1]]
    found = [f for f in forms if f in text]
    for user in ("x-access-token", "oauth2", "u"):
        encoded = base64.b64encode(f"{user}:{token.strip()}".encode()).decode()
        found += [w for w in _b64_windows(encoded) if w in text][:1]
    return found


@pytest.mark.parametrize("command", ["check", "publish"])
def test_token_with_trailing_newline_is_refused_up_front(
    command: str, server: ForgeServer, forge: Forge, tmp_path: Path, demo_project: Path
) -> None:
    forge.users[TOKEN + "\n"] = forge.users[TOKEN]
    env = github_env(server, tmp_path, token=TOKEN + "\n")
    out = tmp_path / "report"
    args = (
        ["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(out), "--debug"]
        if command == "check"
        else ["publish", str(tmp_path / "does-not-matter"), "--debug"]
    )
    res = run_cli(args, env=env)
    assert res.exit_code == 2, res.output
    assert "GITHUB_TOKEN" in res.stderr and "newline" in res.stderr
    assert _leaks(res.stdout + res.stderr) == []
    # Up front: no gate ran (no report), nothing was sent.
    assert not out.exists() and not forge.log


@pytest.mark.parametrize("value", ["ghp_with space000000000", "ghp_tab\tinside00000000", "\tghp_leading0000"])
def test_token_option_with_whitespace_is_refused(value: str, tmp_path: Path) -> None:
    res = run_cli(["publish", str(tmp_path), "--publish", "github", "--token", value], env=CLEAR)
    assert res.exit_code == 2 and "--token" in res.stderr and "whitespace" in res.stderr
    assert value.strip()[4:] not in res.output


def test_gitlab_token_variable_is_named(tmp_path: Path) -> None:
    env = {**CLEAR, "GITLAB_CI": "true", "MLGATE_GITLAB_TOKEN": "glpat-Abcdefgh12345678\r\n"}
    res = run_cli(["publish", str(tmp_path)], env=env)
    assert res.exit_code == 2 and "MLGATE_GITLAB_TOKEN" in res.stderr
    assert "Abcdefgh12345678" not in res.output


def test_publisher_refuses_a_bad_token_too(server: ForgeServer, forge: Forge, tmp_path: Path) -> None:
    # The library path (no CLI in front) refuses the same value before any request.
    with pytest.raises(ConfigError, match="GITHUB_TOKEN"):
        publish(
            make_request(make_report(), tmp_path),
            target=Target.GITHUB,
            ctx=github_ctx(server.url),
            token=None,
            environ={"GITHUB_TOKEN": TOKEN + "\n"},
        )
    assert not forge.log


def _basic(user: str, token: str) -> str:
    return base64.b64encode(f"{user}:{token}".encode()).decode()


@pytest.mark.parametrize(
    "form",
    [
        TOKEN,
        repr(TOKEN + "\n"),  # 'ghp_...\n' in a repr
        repr(f"Bearer {TOKEN}\n".encode()),  # b'Bearer ghp_...\n' (h11's "Illegal header value")
        json.dumps({"token": TOKEN + "\n"}),
        quote(TOKEN + "\n", safe=""),
        quote_plus(f"t={TOKEN}"),
        f"Authorization: Basic {_basic('x-access-token', TOKEN)}",
        f"Basic {_basic('oauth2', TOKEN)}",
        f"Basic {_basic('someone-else', TOKEN)}",  # a user name mlgate does not know of
        base64.urlsafe_b64encode(f"k{TOKEN}".encode()).decode(),
    ],
)
def test_mask_covers_every_form(form: str) -> None:
    text = f"before {form} after"
    masked = mask(text, extra=[TOKEN + "\n"])
    assert _leaks(masked) == [] and "***" in masked
    assert masked.startswith("before ") and masked.endswith(" after")


def test_environment_tokens_are_masked_in_tracebacks(monkeypatch: pytest.MonkeyPatch) -> None:
    job = "glcbt-64_9f8e7d6c5b4a3f2e1d0c"
    monkeypatch.setenv("CI_JOB_TOKEN", job)
    try:
        raise RuntimeError(f"git fetch failed: header Authorization: Basic {_basic('gitlab-ci-token', job)}")
    except RuntimeError:
        text = traceback.format_exc()
    encoded = _basic("gitlab-ci-token", job)
    assert encoded in text
    assert not any(w in mask(text) for w in _b64_windows(encoded))


def test_server_echo_of_token_forms_is_masked_in_cli_output(
    server: ForgeServer, forge: Forge, tmp_path: Path
) -> None:
    forms = f"{quote(TOKEN)} {_basic('x-access-token', TOKEN)} {json.dumps(TOKEN)} {TOKEN!r}"
    forge.faults.append(Fault("POST", "/comments$", status=400, body={"message": f"echo: {forms}"}))
    report = tmp_path / "rep"
    report.mkdir()
    from mlgate.render.json import render_json
    from mlgate.render.markdown import render_markdown

    (report / "scorecard.json").write_text(render_json(make_report()))
    (report / "scorecard.md").write_text(render_markdown(make_report()))
    res = run_cli(["publish", str(report), "--debug"], env=github_env(server, tmp_path, token=TOKEN))
    assert res.exit_code == 0 and "publishing failed" in res.output
    assert _leaks(res.output) == [] and "***" in res.output


def test_mlflow_credentials_are_in_the_one_secret_list(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlgate.net.tokens import SECRET_VARS

    assert {"MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_PASSWORD"} <= set(SECRET_VARS)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "mlflow-Pa55word-XYZ")
    assert "mlflow-Pa55word-XYZ" not in mask("login failed for mlflow-Pa55word-XYZ")


def test_step_summary_is_masked_like_comments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A value of the data (or a check's message) that holds a token of the environment never reaches
    the step summary, which every reader of the run sees."""
    from mlgate.publish.local import GitHubLocalPublisher

    secret = "mlflowtok_7f3a9c1e5b2d8f40"
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", secret)
    report = make_report()
    request = make_request(report, tmp_path)
    request = type(request)(report=report, markdown=request.markdown + f"\nleaked: {secret}\n",
                            report_dir=tmp_path, artifact_url=None, computed_here=True)
    GitHubLocalPublisher(github_ctx("http://127.0.0.1:9", tmp=tmp_path)).publish(request)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "leaked: ***" in summary and secret not in summary


def test_error_step_summary_is_masked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mlgate._cli._common import _github_error

    secret = "ghp_SummaryT0ken1234567890"
    escaped = secret.replace("_", "\\_")  # the form markdown escaping gives it
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_TOKEN", secret)
    _github_error(f"cannot read https://x-access-token:{secret}@example.com/repo.git\nsecond {secret}")
    text = summary.read_text(encoding="utf-8")
    assert "could not evaluate" in text and secret not in text and escaped not in text
