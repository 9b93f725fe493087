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
import re
from dataclasses import replace
from pathlib import Path

from mlgate.errors import InputError
from mlgate.jsonread import FieldError, kind_of
from mlgate.result import SCHEMA_VERSION, Report, report_from_dict

__all__ = ["load_report_dir", "report_from_dict", "title_from_markdown"]

_HINT = "pass the directory written by 'mlgate check -o DIR' (it holds scorecard.json and scorecard.md)"
_HEADING = re.compile(r"^## \S+ (?P<title>.*): \*\*[A-Z]+\*\*")
# A scorecard is a few MB at most (scorecard.md is capped at 1 MB); a bigger file is not one.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TITLE = 200
# C0/C1 controls, DEL, bidi and direction marks (CVE-2021-42574): never part of a title.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _read(path: Path) -> str:
    from mlgate.paths import refuse_special

    # A named pipe blocks the read forever and a link to /dev/zero never ends (its size says 0).
    refuse_special(path, "", str(path))
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
    """Inverse of ``mlgate.escape.md`` for the title (zero-width spaces, entities, backslashes)."""
    text = text.replace("\u200b", "")
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    return html.unescape(text)


def plain_title(title: str, default: str = "mlgate scorecard") -> str:
    """Plain text (re-escaped wherever it is shown), without control or bidi characters, at most
    ``MAX_TITLE`` characters."""
    title = _UNPRINTABLE.sub("", title).strip()
    if len(title) > MAX_TITLE:
        title = title[: MAX_TITLE - 1] + "…"
    return title or default


def title_from_markdown(markdown: str, default: str = "mlgate scorecard") -> str:
    """The title from the verdict heading, for a scorecard.json written before the JSON carried ``title``."""
    for line in markdown.splitlines()[:5]:
        m = _HEADING.match(line)
        if m:
            title = _unescape_md(m.group("title").removesuffix(" (advisory: not blocking)"))
            return plain_title(title, default)
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
        raise InputError(f"{json_path}: expected a JSON object at the top, found {kind_of(data)}", hint=_HINT)
    found = data.get("schema_version")
    if isinstance(found, bool) or found != SCHEMA_VERSION:
        raise InputError(
            f"{json_path}: key 'schema_version': {found!r:.40} is not {SCHEMA_VERSION}",
            hint="publish with the mlgate version that wrote the report",
        )
    try:
        report = report_from_dict(data, title=title_from_markdown(markdown))
    except FieldError as bad:
        raise InputError(
            f"{json_path}: key '{bad.key}': expected {bad.expected}, found {kind_of(bad.found)}",
            hint="the file does not follow the scorecard.json contract (docs/scorecard-json.md); "
            "rerun 'mlgate check'",
        ) from None
    except RecursionError:
        raise InputError(f"{json_path}: nested too deeply to be a scorecard", hint=_HINT) from None
    report = replace(report, title=plain_title(report.title))
    if report.status.value != data.get("status"):
        raise InputError(
            f"{json_path}: key 'status': {data.get('status')!r:.40} does not match its gates "
            f"({report.status.value})",
            hint="the file was edited; rerun 'mlgate check'",
        )
    return report, markdown
