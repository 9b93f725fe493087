"""Reading a report directory that another run wrote: every field is checked, every error is exit 2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from mlgate.errors import InputError
from mlgate.publish.load import load_report_dir
from mlgate.render.markdown import render_markdown
from mlgate.result import report_to_dict
from tests.conftest import run_cli
from tests.publish.conftest import make_report
from tests.publish.test_cli_publish import CLEAR

Edit = Callable[[dict[str, Any]], None]


def _write(directory: Path, data: Any, markdown: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data)
    (directory / "scorecard.json").write_text(text, encoding="utf-8")
    (directory / "scorecard.md").write_text(markdown or render_markdown(make_report()), encoding="utf-8")
    return directory


def _good() -> dict[str, Any]:
    return report_to_dict(make_report())


def _set(path: str, value: Any) -> Edit:
    """An edit that sets ``path`` (dotted, with [i] indices) to ``value``."""

    def edit(data: dict[str, Any]) -> None:
        node: Any = data
        parts = path.replace("[", ".").replace("]", "").split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if last.isdigit():
            node[int(last)] = value
        else:
            node[last] = value

    return edit


CORRUPTIONS = [
    ("gates[0].checks[0].value", "0.7"),
    ("gates[0].checks[0].value", [0.7]),
    ("gates[0].checks[0].value", 10**400),
    ("gates[0].checks[0].name", 5),
    ("gates[0].checks[0].message", {"a": 1}),
    ("gates[0].checks[0].metric", 3),
    ("gates[0].checks[0].status", "passed"),
    ("gates[0].checks[0].details", "x"),
    ("gates[0].checks[0]", "a check"),
    ("gates[0].name", None),
    ("gates[0].summary", 1),
    ("gates[0].notes", "one note"),
    ("gates[0].notes", [1]),
    ("gates[0].tables[0].headers", "row,value"),
    ("gates[0].tables[0].rows[0]", "0,x"),
    ("gates[0].tables[0].rows[0][1]", {"html": "<img src=x>"}),
    ("gates[0].error_kind", "fatal"),
    ("gates[0].checks", {"0": {}}),
    ("gates", {"performance": {}}),
    ("advisory", "yes"),
    ("config_id", 7),
    ("mlgate_version", 0.1),
    ("provenance", []),
    # Provenance is shown in the footer; hashes and the commit can only be hex digits.
    ("provenance.git_sha", "<img src=x onerror=alert(1)>"),
    ("provenance.git_sha", "@admin"),
    ("provenance.config_sha256", "[x](https://e.vil)"),
    ("provenance.config_sha256", 5),
    ("provenance.inputs", {"data/eval.csv": "<img src=x>"}),
    ("provenance.inputs", ["a"]),
    ("provenance.config_path", ["mlgate.yaml"]),
]


@pytest.mark.parametrize(("key", "value"), CORRUPTIONS, ids=[f"{k}={v!r:.20}" for k, v in CORRUPTIONS])
def test_wrong_types_are_input_errors_naming_the_key(tmp_path: Path, key: str, value: Any) -> None:
    data = _good()
    _set(key, value)(data)
    _write(tmp_path / "rep", data)
    with pytest.raises(InputError) as info:
        load_report_dir(tmp_path / "rep")
    message = str(info.value)
    assert "scorecard.json" in message
    shown = key.split(".")[0] if key in ("gates[0].checks[0]",) else key
    assert f"'{shown}" in message, message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({**_good(), "schema_version": True}), "schema_version"),
        (json.dumps({**_good(), "status": "pass"}), "does not match its gates"),
    ],
)
def test_malformed_files_are_exit_2_without_traceback(tmp_path: Path, text: str, expected: str) -> None:
    directory = _write(tmp_path / "rep", text)
    res = run_cli(["publish", str(directory), "--from-json"], env=CLEAR)
    assert res.exit_code == 2, res.output
    assert expected in res.stderr and "scorecard.json" in res.stderr
    assert "Traceback" not in res.output


def test_not_utf8_is_exit_2(tmp_path: Path) -> None:
    directory = _write(tmp_path / "rep", _good())
    (directory / "scorecard.json").write_bytes(b'{"schema_version": 1, "x": "\xff"}')
    res = run_cli(["publish", str(directory), "--from-json"], env=CLEAR)
    assert res.exit_code == 2 and "not UTF-8" in res.stderr


def test_every_cli_type_error_names_file_and_key(tmp_path: Path) -> None:
    data = _good()
    data["gates"][0]["checks"][0]["value"] = {"$gt": 1}
    directory = _write(tmp_path / "rep", data)
    res = run_cli(["publish", str(directory), "--from-json"], env=CLEAR)
    assert res.exit_code == 2
    assert f"{directory / 'scorecard.json'}: key 'gates[0].checks[0].value': expected a number or null" in (
        res.stderr
    )


def test_hostile_strings_from_the_artifact_render_inert(tmp_path: Path) -> None:
    hostile = "<img src=x onerror=alert(1)> @admin owner/repo#1 [x](https://e.vil) https://e.vil"
    data = _good()
    data["config_id"] = hostile
    data["mlgate_version"] = hostile
    data["title"] = hostile
    data["provenance"]["config_path"] = hostile
    data["provenance"]["inputs"] = {hostile: "b" * 64}
    data["gates"][0]["checks"][0]["message"] = hostile
    heading = f"## ❌ {hostile}: **FAIL**"
    report, _ = load_report_dir(_write(tmp_path / "rep", data, markdown=f"<!-- x -->\n{heading}\n"))
    html = cmarkgfm.github_flavored_markdown_to_html(
        render_markdown(report), options=Options.CMARK_OPT_UNSAFE
    )
    for live in ("<img", "@admin", '<a href="https://e.vil', "<a href"):
        assert live not in html, live
    assert "onerror" in html  # shown, as text


def test_title_from_the_artifact_is_plain_and_capped(tmp_path: Path) -> None:
    heading = "## ❌ " + "\u202eevil\u2066" + "t" * 5000 + ": **FAIL**"
    data = _good()
    del data["title"]  # a scorecard.json from before the title was in it: read from the heading
    report, _ = load_report_dir(_write(tmp_path / "rep", data, markdown=f"<!-- x -->\n{heading}\n"))
    assert "\u202e" not in report.title and "\u2066" not in report.title
    assert len(report.title) <= 200


def test_power_fields_survive_publish_from_json(tmp_path: Path) -> None:
    """The minimum detectable effect, rows needed and correction family are read back (issue 18)."""
    data = _good()
    check = data["gates"][0]["checks"][0]
    check.update({"mde": 0.031, "rows_needed": 4200, "family": "holm over 3 metrics"})
    _write(tmp_path / "rep", data)
    report, _ = load_report_dir(tmp_path / "rep")
    got = report.gates[0].checks[0]
    assert (got.mde, got.rows_needed, got.family) == (0.031, 4200, "holm over 3 metrics")


@pytest.mark.parametrize("value", [-1, 2.5, True, "12"])
def test_rows_needed_must_be_a_count(tmp_path: Path, value: Any) -> None:
    data = _good()
    data["gates"][0]["checks"][0]["rows_needed"] = value
    _write(tmp_path / "rep", data)
    with pytest.raises(InputError, match="rows_needed"):
        load_report_dir(tmp_path / "rep")


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))  # an endless read fails, not the machine


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_scorecard_that_is_a_pipe_or_a_device_is_refused(tmp_path: Path, kind: str) -> None:
    """A named pipe blocks the read forever and a link to /dev/zero never ends (its size says 0):
    both are refused before they are opened. Run in a child with a timeout so old code fails, not hangs."""
    import os
    import subprocess
    import sys

    directory = _write(tmp_path / "rep", _good())
    target = directory / "scorecard.json"
    target.unlink()
    if kind == "fifo":
        os.mkfifo(target)
    else:
        os.symlink("/dev/zero", target)
    try:
        proc = subprocess.run([sys.executable, "-m", "mlgate", "publish", str(directory), "--from-json",
                               "--publish", "none"], capture_output=True, text=True, timeout=60, check=False,
                              preexec_fn=_cap_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"publish --from-json read a {kind} without end")
    assert proc.returncode == 2, proc.stderr
    assert "scorecard.json" in proc.stderr and "not a regular file" in proc.stderr
    assert "Traceback" not in proc.stderr
