"""Tokens are masked everywhere: every output of a real `mlgate check --publish github --debug` run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.publish.forge_server import Fault, ForgeServer, User

SECRET = "ghp_NeverPrintThisToken0123456789"


def test_token_never_reaches_any_output(demo_project: Path, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(
        json.dumps(
            {
                "pull_request": {
                    "number": 3,
                    "head": {
                        "sha": "a" * 40,
                        "ref": "f",
                        "repo": {"full_name": "o/r", "owner": {"login": "o"}},
                    },
                }
            }
        )
    )
    with ForgeServer() as srv:
        srv.forge.users[SECRET] = User("mlgate-bot", 5)
        echo = {"message": f"Bad credentials: token {SECRET}", "documentation_url": "https://docs.github.com"}
        srv.forge.faults.append(Fault("POST", "/comments$", status=400, body=echo, times=10))
        srv.forge.faults.append(Fault("GET", "/comments", status=500, body=echo, times=1))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GITLAB_", "CI_"))},
            "GITHUB_ACTIONS": "true",
            "GITHUB_TOKEN": SECRET,
            "GITHUB_API_URL": f"{srv.url}/api/v3",
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_EVENT_NAME": "pull_request",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
            "GITHUB_OUTPUT": str(tmp_path / "output.txt"),
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
        out = tmp_path / "report"
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "mlgate",
                "check",
                "-c",
                str(demo_project / "mlgate.yaml"),
                "-o",
                str(out),
                "--publish",
                "github",
                "--debug",
                "--require-publish",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
    assert proc.returncode == 3, proc.stdout + proc.stderr  # the publish failed, as injected
    assert "***" in proc.stdout + proc.stderr  # the echoed token was there, and masked
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for path in [*out.rglob("*"), tmp_path / "summary.md", tmp_path / "output.txt"]:
        if path.is_file():
            texts[str(path)] = path.read_text(encoding="utf-8", errors="replace")
    leaked = [name for name, text in texts.items() if SECRET in text or SECRET[4:20] in text]
    assert not leaked, f"token found in {leaked}"
