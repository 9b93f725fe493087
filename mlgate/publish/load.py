"""Rebuild a :class:`Report` from a report directory (``scorecard.json`` + ``scorecard.md``), so that
``mlgate publish DIR`` posts what ``mlgate check`` computed without rerunning any gate."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.result import (
    CHECK_VALUE_FIELDS,
    SCHEMA_VERSION,
    Check,
    ErrorKind,
    GateResult,
    Provenance,
    Report,
    Status,
    Table,
)

_HINT = "pass the directory written by 'mlgate check -o DIR' (it holds scorecard.json and scorecard.md)"
_HEADING = re.compile(r"^## \S+ (?P<title>.*): \*\*[A-Z]+\*\*")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: not found", hint=_HINT) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}", hint=_HINT) from None


def _unescape_md(text: str) -> str:
    """Inverse of ``render.escape.md`` for the title (zero-width spaces, entities, backslashes)."""
    text = text.replace("\u200b", "")
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return html.unescape(text)


def title_from_markdown(markdown: str, default: str = "mlgate scorecard") -> str:
    for line in markdown.splitlines()[:5]:
        m = _HEADING.match(line)
        if m:
            title = m.group("title")
            return _unescape_md(title.removesuffix(" (advisory: not blocking)"))
    return default


def _check(d: dict[str, Any]) -> Check:
    return Check(
        name=str(d["name"]),
        status=Status(d["status"]),
        message=str(d.get("message") or ""),
        details=d.get("details") or {},
        **{k: d.get(k) for k in CHECK_VALUE_FIELDS},
    )


def _gate(d: dict[str, Any]) -> GateResult:
    return GateResult(
        name=str(d["name"]),
        checks=tuple(_check(c) for c in d.get("checks", [])),
        summary=str(d.get("summary") or ""),
        tables=tuple(
            Table(title=str(t["title"]), headers=tuple(t["headers"]), rows=tuple(tuple(r) for r in t["rows"]))
            for t in d.get("tables", [])
        ),
        notes=tuple(d.get("notes", [])),
        error=d.get("error"),
        error_kind=ErrorKind(d["error_kind"]) if d.get("error_kind") else None,
        skipped_reason=d.get("skipped_reason"),
    )


def report_from_dict(data: dict[str, Any], *, title: str = "mlgate scorecard") -> Report:
    prov = data.get("provenance") or {}
    return Report(
        gates=tuple(_gate(g) for g in data.get("gates", [])),
        provenance=Provenance(
            config_sha256=str(prov.get("config_sha256") or ""),
            inputs=dict(prov.get("inputs") or {}),
            git_sha=prov.get("git_sha"),
            config_path=prov.get("config_path"),
        ),
        mlgate_version=str(data.get("mlgate_version") or ""),
        advisory=bool(data.get("advisory")),
        config_id=str(data.get("config_id") or "default"),
        title=title,
    )


def load_report_dir(directory: Path) -> tuple[Report, str]:
    """(report, markdown as written) from a report directory; errors name the file and say what to do."""
    if not directory.is_dir():
        raise InputError(f"{directory}: not a report directory", hint=_HINT)
    json_path = directory / "scorecard.json"
    text = _read(json_path)
    markdown = _read(directory / "scorecard.md")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{json_path}: not valid JSON: {exc}", hint=_HINT) from None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        found = data.get("schema_version") if isinstance(data, dict) else None
        raise InputError(
            f"{json_path}: schema_version {found!r} is not {SCHEMA_VERSION}",
            hint="publish with the mlgate version that wrote the report",
        )
    try:
        report = report_from_dict(data, title=title_from_markdown(markdown))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{json_path}: not a scorecard ({type(exc).__name__}: {exc})", hint=_HINT) from None
    if report.status.value != data.get("status"):
        raise InputError(
            f"{json_path}: status {data.get('status')!r} does not match its gates ({report.status.value})",
            hint="the file was edited; rerun 'mlgate check'",
        )
    return report, markdown
