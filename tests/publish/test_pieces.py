"""CI detection, step outputs, annotations, size fitting, report reloading, the sticky algorithm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.ci import CIContext, CIKind
from mlgate.errors import InputError
from mlgate.publish.body import fit, utf16_units
from mlgate.publish.load import load_report_dir, report_from_dict
from mlgate.publish.local import annotation_lines, step_outputs
from mlgate.publish.sticky import Note, upsert
from mlgate.render.json import render_json
from mlgate.render.markdown import marker, render_markdown
from mlgate.result import Check, GateResult, Report, Status, report_to_dict
from tests.publish.conftest import SHA, make_report


def _env(tmp_path: Path, event: str, payload: dict[str, object]) -> dict[str, str]:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload))
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(path),
        "GITHUB_REPOSITORY": "octo/repo",
        "GITHUB_SHA": "f" * 40,
        "GITHUB_RUN_ID": "5",
        "GITHUB_API_URL": "https://ghe.example/api/v3/",
    }


@pytest.mark.parametrize("event", ["pull_request", "pull_request_target"])
def test_detect_pull_request(tmp_path: Path, event: str) -> None:
    payload = {
        "pull_request": {
            "number": 12,
            "head": {
                "sha": SHA,
                "ref": "f",
                "repo": {"full_name": "mallory/repo", "owner": {"login": "mallory"}},
            },
        }
    }
    ctx = CIContext.detect(_env(tmp_path, event, payload))
    assert (ctx.kind, ctx.pr_number, ctx.head_sha, ctx.is_fork) == (CIKind.GITHUB, 12, SHA, True)
    assert ctx.api_url == "https://ghe.example/api/v3"
    assert ctx.run_url == "https://github.com/octo/repo/actions/runs/5"
    assert ctx.with_pr(3).pr_number == 3


def test_detect_workflow_run(tmp_path: Path) -> None:
    payload = {
        "workflow_run": {
            "head_sha": SHA,
            "head_branch": "f",
            "pull_requests": [{"number": 4}],
            "head_repository": {"full_name": "octo/repo", "owner": {"login": "octo"}},
        }
    }
    ctx = CIContext.detect(_env(tmp_path, "workflow_run", payload))
    assert (ctx.pr_number, ctx.head_sha, ctx.is_fork) == (4, SHA, False)
    assert ctx.source_run_url is None  # no run id in the payload: no link
    payload["workflow_run"].update(id=77, html_url="https://e.vil/run")  # type: ignore[attr-defined]
    ctx = CIContext.detect(_env(tmp_path, "workflow_run", payload))
    # The link to the reporting run is built from its numeric id, never taken from a URL.
    assert ctx.source_run_url == "https://github.com/octo/repo/actions/runs/77"
    assert ctx.head_repo == "octo/repo"
    payload["workflow_run"]["id"] = "77/../../evil"  # type: ignore[index]
    assert CIContext.detect(_env(tmp_path, "workflow_run", payload)).source_run_url is None
    payload["workflow_run"]["pull_requests"] = []  # type: ignore[index]  # what GitHub sends for forks
    assert CIContext.detect(_env(tmp_path, "workflow_run", payload)).pr_number is None


def test_detect_push_and_local(tmp_path: Path) -> None:
    ctx = CIContext.detect(_env(tmp_path, "push", {"after": SHA}))
    assert ctx.pr_number is None and ctx.head_sha == "f" * 40
    assert CIContext.detect({}).kind is CIKind.LOCAL


def test_bad_event_payload_names_the_file(tmp_path: Path) -> None:
    env = _env(tmp_path, "pull_request", {})
    Path(env["GITHUB_EVENT_PATH"]).write_text("{not json")
    with pytest.raises(InputError, match=r"GITHUB_EVENT_PATH .*event\.json: not valid JSON"):
        CIContext.detect(env)


def test_annotations_respect_per_step_limits() -> None:
    checks = tuple(Check(name=f"c{i}", status=Status.FAIL, message=f"bad\n::error::{i}") for i in range(25))
    warns = tuple(Check(name=f"w{i}", status=Status.WARN, message="meh") for i in range(3))
    report = Report(
        gates=(GateResult(name="g", checks=checks + warns),),
        provenance=make_report().provenance,
        mlgate_version="0",
    )
    lines = annotation_lines(report)
    errors = [ln for ln in lines if ln.startswith("::error")]
    assert len(errors) == 10 and "16 more errors" in errors[-1]
    assert len([ln for ln in lines if ln.startswith("::warning")]) == 3
    assert all("\n" not in ln for ln in lines) and "bad%0A::error::0" in errors[0]
    advisory = annotation_lines(make_report(advisory=True))
    assert advisory and all(ln.startswith("::warning") for ln in advisory)


def test_step_outputs_delimited(tmp_path: Path) -> None:
    text = step_outputs(make_report(), tmp_path / "odd\nname")
    assert text.startswith("status=fail\nexit-code=1\nreport-dir<<mlgate_")
    delim = text.split("report-dir<<")[1].split("\n")[0]
    assert text.endswith(f"\n{delim}\n") and text.count(delim) == 2


def test_fit_ladder() -> None:
    report = make_report(rows=2000, n_checks=50)
    full = render_markdown(report)
    no_tables = fit(report, full, utf16_units(full) - 1, artifact_url="https://ci.example/run/1")
    # The gate's section (its checks table) stays; its detail table goes.
    assert "Example rows" not in no_tables and "| accuracy slice 0 |" in no_tables
    summary_only = fit(report, full, 800, artifact_url="https://ci.example/run/1")
    assert "| accuracy slice 0 |" not in summary_only and "ci.example/run/1" in summary_only
    tiny = fit(report, full, 400)
    assert utf16_units(tiny) <= 400 and tiny.startswith(marker("mlgate.yaml")) and "Shortened" in tiny
    assert fit(report, full, 10**6) == full


def test_reload_report_dir_round_trip(tmp_path: Path) -> None:
    report = make_report()
    titled = Report(
        gates=report.gates,
        provenance=report.provenance,
        mlgate_version="0.1.0",
        config_id="x",
        title="Credit *model* <v2> @team #1",
    )
    (tmp_path / "scorecard.json").write_text(render_json(titled))
    (tmp_path / "scorecard.md").write_text(render_markdown(titled))
    loaded, md = load_report_dir(tmp_path)
    assert loaded.title == titled.title
    assert report_to_dict(loaded) == report_to_dict(titled)
    assert render_markdown(loaded) == md
    data = report_to_dict(titled)
    data["status"] = "pass"
    (tmp_path / "scorecard.json").write_text(json.dumps(data))
    with pytest.raises(InputError, match="does not match its gates"):
        load_report_dir(tmp_path)
    assert report_from_dict({"gates": []}).status is Status.PASS


class MemoryStore:
    def __init__(self) -> None:
        self.notes: dict[int, Note] = {}
        self.next = 0

    def list(self) -> list[Note]:
        return list(self.notes.values())

    def create(self, body: str) -> Note:
        self.next += 1
        self.notes[self.next] = Note(self.next, body, "me")
        return self.notes[self.next]

    def update(self, note_id: int, body: str) -> Note:
        self.notes[note_id] = Note(note_id, body, self.notes[note_id].author)
        return self.notes[note_id]

    def delete(self, note_id: int) -> None:
        self.notes.pop(note_id, None)


def test_upsert_cleans_duplicates_left_by_earlier_races() -> None:
    store = MemoryStore()
    m = marker("cfg")
    for body in (f"{m}\nold 1", f"{m}\nold 2", "unrelated"):
        store.create(body)
    assert upsert(store, m, f"{m}\nnew", lambda n: n.author == "me") == (
        "updated",
        Note(1, f"{m}\nnew", "me"),
    )
    assert sorted(store.notes) == [1, 3]
