"""Fixtures for the publishing tests: a running fake forge, reports, contexts and a client policy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mlgate.ci import CIContext, CIKind
from mlgate.publish.http import RetryPolicy
from mlgate.publish.interface import PublishRequest
from mlgate.render.markdown import render_markdown
from mlgate.result import Check, GateResult, Provenance, Report, Status, Table
from mlgate.views import ChartKind
from tests.conftest import require
from tests.publish.forge_server import Forge, ForgeServer, User
from tests.publish.forge_specs import GITHUB_SPEC

TOKEN = "ghp_S3cretT0kenValue1234567890"
APP_TOKEN = "ghs_InstallationT0ken0987654321"
READONLY_TOKEN = "ghs_ReadOnlyForkT0ken55555555"
OTHER_TOKEN = "ghp_SomeoneElse00000000000000"
SHA = "0123456789abcdef0123456789abcdef01234567"
# Tests do not wait: backoff delays are recorded instead of slept (the policy is still enforced).
FAST = RetryPolicy(max_attempts=4, max_total_s=30.0, base_delay_s=0.01, max_delay_s=0.05, timeout_s=10.0)


@pytest.fixture(scope="session", autouse=True)
def _github_openapi_present() -> None:
    require(
        GITHUB_SPEC.is_file(), "node_modules/@octokit/openapi is missing (scripts/install-tools.sh: npm ci)"
    )
    # Load the 13 MB description now, not while the first request waits (tests with short client
    # timeouts would time out on it).
    from tests.publish.forge_specs import github_openapi

    github_openapi()


@pytest.fixture
def server() -> Iterator[ForgeServer]:
    with ForgeServer() as srv:
        f = srv.forge
        f.users = {
            TOKEN: User("mlgate-bot", 11),
            APP_TOKEN: User("github-actions[bot]", 41898282, app=True),
            READONLY_TOKEN: User("github-actions[bot]", 41898282, app=True, write=False),
            OTHER_TOKEN: User("mallory", 66),
        }
        yield srv
        assert f.violations == [], "\n".join(f.violations)


@pytest.fixture
def forge(server: ForgeServer) -> Forge:
    return server.forge


def make_report(
    *,
    status: Status = Status.FAIL,
    config_id: str = "mlgate.yaml",
    rows: int = 3,
    advisory: bool = False,
    n_checks: int = 2,
) -> Report:
    checks = tuple(
        Check(
            name=f"accuracy slice {i}",
            status=status if i == 0 else Status.PASS,
            metric="accuracy",
            value=0.7,
            threshold=0.75,
            message=f"accuracy of slice {i} is 0.7 (< 0.75)",
        )
        for i in range(n_checks)
    )
    table = Table(
        title="Example rows", headers=("row", "value"), rows=tuple((i, "x" * 40) for i in range(rows))
    )
    return Report(
        gates=(
            GateResult(chart=ChartKind.METRICS, name="performance", checks=checks,
                       summary="performance summary",
                       tables=(table,)),
        ),
        provenance=Provenance(config_sha256="a" * 64, inputs={}, git_sha=SHA, config_path="mlgate.yaml"),
        mlgate_version="0.1.0",
        advisory=advisory,
        config_id=config_id,
    )


def make_request(
    report: Report, tmp_path: Path, artifact_url: str | None = None, *, computed_here: bool = True
) -> PublishRequest:
    """What ``mlgate check`` publishes (computed in this process) unless ``computed_here=False``."""
    return PublishRequest(
        report=report,
        markdown=render_markdown(report),
        report_dir=tmp_path,
        artifact_url=artifact_url,
        computed_here=computed_here,
    )


def github_ctx(
    base: str, *, pr: int | None = 7, sha: str | None = SHA, fork: bool = False, tmp: Path | None = None
) -> CIContext:
    return CIContext(
        kind=CIKind.GITHUB,
        api_url=f"{base}/api/v3",
        repository="octo/repo",
        pr_number=pr,
        head_sha=sha,
        event_name="pull_request",
        run_url="https://github.example/octo/repo/actions/runs/1",
        step_summary=tmp / "summary.md" if tmp else None,
        output_file=tmp / "output.txt" if tmp else None,
        is_fork=fork,
    )


def gitlab_ctx(base: str, *, iid: int | None = 5) -> CIContext:
    return CIContext(
        kind=CIKind.GITLAB,
        api_url=f"{base}/api/v4",
        repository="42",
        pr_number=iid,
        head_sha=SHA,
        run_url="https://gitlab.example/g/p/-/jobs/9/artifacts/browse",
    )
