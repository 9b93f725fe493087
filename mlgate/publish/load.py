"""Rebuild a :class:`Report` from a report directory (``scorecard.json`` + ``scorecard.md``), so that
``mlgate publish DIR`` posts what ``mlgate check`` computed without rerunning any gate.

The directory is often an artifact of another run, written by the pull request's own code
(docs/ci/github.md, the two-workflow pattern): every field is checked against the documented
contract (docs/scorecard-json.md) before use, so that a forged file is exit 2 naming the file and
the key, never a crash, and provenance fields that are rendered without escaping (hashes, the
commit) can only hold hex digits.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

from mlgate.errors import InputError
from mlgate.result import (
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
# A scorecard is a few MB at most (scorecard.md is capped at 1 MB); a bigger file is not one.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TITLE = 200
_HEX = re.compile(r"[0-9a-f]{7,64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# C0/C1 controls, DEL, bidi and direction marks (CVE-2021-42574): never part of a title.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class _Bad(Exception):
    """A field that breaks the contract: ``key`` is its path (``gates[0].checks[2].value``)."""

    def __init__(self, key: str, expected: str, found: Any) -> None:
        super().__init__(key)
        self.key, self.expected, self.found = key, expected, found


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _obj(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(key, "an object", value)
    return value


def _list(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise _Bad(key, "a list", value)
    return value


def _str(d: dict[str, Any], name: str, key: str, *, default: str | None = None) -> str:
    value = d.get(name, default)
    if not isinstance(value, str):
        raise _Bad(f"{key}.{name}" if key else name, "a string", value)
    return value


def _opt_str(d: dict[str, Any], name: str, key: str) -> str | None:
    value = d.get(name)
    if value is not None and not isinstance(value, str):
        raise _Bad(f"{key}.{name}" if key else name, "a string or null", value)
    return value


def _opt_num(d: dict[str, Any], name: str, key: str) -> float | None:
    value = d.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Bad(f"{key}.{name}", "a number or null", value)
    try:
        out = float(value)
    except OverflowError:
        raise _Bad(f"{key}.{name}", "a number within float range", value) from None
    return out if math.isfinite(out) else None


def _opt_count(d: dict[str, Any], name: str, key: str) -> int | None:
    value = d.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(f"{key}.{name}", "a non-negative integer or null", value)
    return value


def _str_list(value: Any, key: str) -> tuple[str, ...]:
    items = _list(value, key)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise _Bad(f"{key}[{i}]", "a string", item)
    return tuple(items)


def _hex(d: dict[str, Any], name: str, key: str, pattern: re.Pattern[str], *, optional: bool) -> str | None:
    value = d.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        what = "a SHA-256 in lowercase hex" if pattern is _SHA256 else "a commit SHA in lowercase hex"
        raise _Bad(f"{key}.{name}", what + (" or null" if optional else ""), value)
    return value


def _status(d: dict[str, Any], key: str) -> Status:
    value = d.get("status")
    if isinstance(value, str) and value in {s.value for s in Status}:
        return Status(value)
    raise _Bad(f"{key}.status", "one of " + ", ".join(s.value for s in Status), value)


def _check(d: dict[str, Any], key: str) -> Check:
    details = {} if d.get("details") is None else d["details"]
    return Check(
        name=_str(d, "name", key),
        status=_status(d, key),
        message=_str(d, "message", key, default=""),
        details=_obj(details, f"{key}.details"),
        metric=_opt_str(d, "metric", key),
        attribute=_opt_str(d, "attribute", key),
        group=_opt_str(d, "group", key),
        value=_opt_num(d, "value", key),
        baseline=_opt_num(d, "baseline", key),
        delta=_opt_num(d, "delta", key),
        threshold=_opt_num(d, "threshold", key),
        ci_low=_opt_num(d, "ci_low", key),
        ci_high=_opt_num(d, "ci_high", key),
        p_value=_opt_num(d, "p_value", key),
        mde=_opt_num(d, "mde", key),
        rows_needed=_opt_count(d, "rows_needed", key),
        family=_opt_str(d, "family", key),
    )


def _cell(value: Any, key: str) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise _Bad(key, "a string, number, boolean or null", value)


def _table(d: dict[str, Any], key: str) -> Table:
    rows = _list(d.get("rows"), f"{key}.rows")
    return Table(
        title=_str(d, "title", key),
        headers=_str_list(d.get("headers"), f"{key}.headers"),
        rows=tuple(
            tuple(_cell(c, f"{key}.rows[{i}][{j}]") for j, c in enumerate(_list(r, f"{key}.rows[{i}]")))
            for i, r in enumerate(rows)
        ),
    )


def _gate(d: dict[str, Any], key: str) -> GateResult:
    kind = _opt_str(d, "error_kind", key)
    try:
        error_kind = ErrorKind(kind) if kind else None
    except ValueError:
        raise _Bad(f"{key}.error_kind", "input or internal", kind) from None
    checks = _list(d.get("checks", []), f"{key}.checks")
    tables = _list(d.get("tables", []), f"{key}.tables")
    return GateResult(
        name=_str(d, "name", key),
        checks=tuple(
            _check(_obj(c, f"{key}.checks[{i}]"), f"{key}.checks[{i}]") for i, c in enumerate(checks)
        ),
        summary=_str(d, "summary", key, default=""),
        tables=tuple(
            _table(_obj(t, f"{key}.tables[{i}]"), f"{key}.tables[{i}]") for i, t in enumerate(tables)
        ),
        notes=_str_list(d.get("notes", []), f"{key}.notes"),
        error=_opt_str(d, "error", key),
        error_kind=error_kind,
        skipped_reason=_opt_str(d, "skipped_reason", key),
    )


def _provenance(d: dict[str, Any]) -> Provenance:
    inputs = _obj({} if d.get("inputs") is None else d["inputs"], "provenance.inputs")
    for name in inputs:
        _hex(inputs, name, "provenance.inputs", _SHA256, optional=False)
    return Provenance(
        config_sha256=_hex(d, "config_sha256", "provenance", _SHA256, optional=True) or "",
        inputs=dict(inputs),
        git_sha=_hex(d, "git_sha", "provenance", _HEX, optional=True),
        config_path=_opt_str(d, "config_path", "provenance"),
        baseline=_baseline_origin(d),
    )


def _baseline_origin(d: dict[str, Any]) -> dict[str, str]:
    """provenance.baseline: short plain strings; the commit a hex hash (it is rendered unescaped)."""
    raw = _obj({} if d.get("baseline") is None else d["baseline"], "provenance.baseline")
    out: dict[str, str] = {}
    for key in ("artifact", "artifact_id", "run_id", "branch", "source", "commit"):
        value = raw.get(key)
        if isinstance(value, str) and value:
            out[key] = value[:100]
    if "commit" in out:
        out["commit"] = _hex(out, "commit", "provenance.baseline", _HEX, optional=False) or ""
    return out


def report_from_dict(data: dict[str, Any], *, title: str = "mlgate scorecard") -> Report:
    """The report ``data`` describes; :class:`_Bad` (via :func:`load_report_dir`: InputError) when a
    field has the wrong type or form."""
    advisory = data.get("advisory", False)
    if not isinstance(advisory, bool):
        raise _Bad("advisory", "a boolean", advisory)
    gates = _list(data.get("gates", []), "gates")
    return Report(
        gates=tuple(_gate(_obj(g, f"gates[{i}]"), f"gates[{i}]") for i, g in enumerate(gates)),
        provenance=_provenance(
            _obj({} if data.get("provenance") is None else data["provenance"], "provenance")
        ),
        mlgate_version=_str(data, "mlgate_version", "", default=""),
        advisory=advisory,
        config_id=_str(data, "config_id", "", default="default"),
        title=title,
        notes=tuple(n[:500] for n in _str_list(data.get("notes", []), "notes")[:10]),
    )


def _read(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(
                f"{path}: larger than {MAX_FILE_BYTES // 2**20} MiB: not a scorecard", hint=_HINT
            )
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: not found", hint=_HINT) from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text", hint=_HINT) from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}", hint=_HINT) from None


def _unescape_md(text: str) -> str:
    """Inverse of ``render.escape.md`` for the title (zero-width spaces, entities, backslashes)."""
    text = text.replace("\u200b", "")
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return html.unescape(text)


def title_from_markdown(markdown: str, default: str = "mlgate scorecard") -> str:
    """The title from the verdict heading; plain text (re-escaped wherever it is shown), without
    control or bidi characters, at most ``MAX_TITLE`` characters."""
    for line in markdown.splitlines()[:5]:
        m = _HEADING.match(line)
        if m:
            title = _unescape_md(m.group("title").removesuffix(" (advisory: not blocking)"))
            title = _UNPRINTABLE.sub("", title).strip()
            if len(title) > MAX_TITLE:
                title = title[: MAX_TITLE - 1] + "…"
            return title or default
    return default


def load_report_dir(directory: Path) -> tuple[Report, str]:
    """(report, markdown as written) from a report directory; errors name the file and the key."""
    if not directory.is_dir():
        raise InputError(f"{directory}: not a report directory", hint=_HINT)
    json_path = directory / "scorecard.json"
    text = _read(json_path)
    markdown = _read(directory / "scorecard.md")
    try:
        data = json.loads(text)
    except RecursionError:
        raise InputError(f"{json_path}: not valid JSON: nested too deeply", hint=_HINT) from None
    except ValueError as exc:
        raise InputError(f"{json_path}: not valid JSON: {exc}", hint=_HINT) from None
    if not isinstance(data, dict):
        raise InputError(f"{json_path}: expected a JSON object at the top, found {_kind(data)}", hint=_HINT)
    found = data.get("schema_version")
    if isinstance(found, bool) or found != SCHEMA_VERSION:
        raise InputError(
            f"{json_path}: key 'schema_version': {found!r:.40} is not {SCHEMA_VERSION}",
            hint="publish with the mlgate version that wrote the report",
        )
    try:
        report = report_from_dict(data, title=title_from_markdown(markdown))
    except _Bad as bad:
        raise InputError(
            f"{json_path}: key '{bad.key}': expected {bad.expected}, found {_kind(bad.found)}",
            hint="the file does not follow the scorecard.json contract (docs/scorecard-json.md); "
            "rerun 'mlgate check'",
        ) from None
    except RecursionError:
        raise InputError(f"{json_path}: nested too deeply to be a scorecard", hint=_HINT) from None
    if report.status.value != data.get("status"):
        raise InputError(
            f"{json_path}: key 'status': {data.get('status')!r:.40} does not match its gates "
            f"({report.status.value})",
            hint="the file was edited; rerun 'mlgate check'",
        )
    return report, markdown
