"""The report of a run that could not evaluate (exit 2) or crashed (exit 3).

Without it, the report directory of the previous run stays in place and everything downstream (the
Action's ``status`` output, the uploaded artifact, the sticky comment, the commit status) keeps
showing the old verdict. So such a run replaces the report with this one: a single ``mlgate`` entry
in ``error`` (``error_kind`` ``input`` for exit 2, ``internal`` for exit 3) whose message is the one
printed on stderr, masked and capped; every renderer then says "could not evaluate" with it.

When the config itself could not be read, the sticky comment's id is derived the way
:func:`mlgate.runner.config_id` does (``report.id`` if the file still parses as YAML, else the
config path), so the comment of the last good run is the one replaced.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.net.tokens import env_secrets, redact
from mlgate.result import ErrorKind, GateResult, Provenance, Report

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig

#: The entry's name in every renderer (table row, JUnit test case, annotation title).
NAME = "mlgate"
SUMMARY = "could not evaluate"
# A message is one line per problem (ConfigError lists up to ten); a scorecard quotes it in full,
# the comment and the commit status cut it further (render.escape.md, publish.body.plain).
MAX_MESSAGE_CHARS = 4000
_HEX = re.compile(r"[0-9a-f]{7,64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ID = re.compile(r"[A-Za-z0-9._/+=-]{1,200}")


def cap(message: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    message = message.strip() or "no message"
    if len(message) <= limit:
        return message
    return message[: limit - 30].rstrip() + f" …[truncated {len(message) - limit + 30} chars]"


def _report_id_of(path: Path) -> str | None:
    """``report.id`` of a config that did not load, if the file is a small regular file that still
    parses as YAML; never follows a link (a pull request can commit one to anywhere)."""
    from mlgate.config.loader import MAX_CONFIG_BYTES

    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CONFIG_BYTES:
            return None
        import yaml

        data = yaml.safe_load(path.read_bytes()[:MAX_CONFIG_BYTES].decode("utf-8-sig"))
    except Exception:  # noqa: BLE001 - best effort: the path-derived id is the fallback
        return None
    report = data.get("report") if isinstance(data, dict) else None
    found = report.get("id") if isinstance(report, dict) else None
    return found if isinstance(found, str) and _ID.fullmatch(found) else None


def fallback_config_id(config_path: Path) -> str:
    """:func:`mlgate.runner.config_id` for a config that could not be loaded."""
    explicit = _report_id_of(config_path)
    if explicit:
        return explicit
    path = Path(os.path.abspath(config_path))
    try:
        rel = path.relative_to(Path.cwd().resolve())
    except ValueError:
        rel = Path(path.name)
    return str(rel).replace("\\", "/")


def _git_sha(folder: Path) -> str | None:
    from mlgate.io.fingerprint import git_sha

    sha = git_sha(folder)
    return sha if sha and _HEX.fullmatch(sha) else None


def error_report(
    message: str,
    *,
    exit_code: int,
    config_path: Path,
    loaded: LoadedConfig | None = None,
    advisory: bool = False,
    secrets: Iterable[str] = (),
) -> Report:
    """The report of a run that ended with ``exit_code`` (2 or 3) and ``message``; ``loaded``: the
    config, when it was read before the failure. Tokens (of the environment and ``secrets``) are
    masked in the message before it reaches any file."""
    from mlgate._version import __version__

    text = cap(redact(message, [*env_secrets(os.environ), *secrets]))
    if loaded is not None:
        from mlgate.runner import config_id

        ident, title = config_id(loaded), loaded.config.report.title
        sha256, where, shown = loaded.sha256, loaded.path.parent, loaded.path.name
    else:
        ident, title = fallback_config_id(config_path), "mlgate scorecard"
        sha256, where, shown = "", Path(os.path.abspath(config_path)).parent, config_path.name
    gate = GateResult(
        name=NAME,
        summary=SUMMARY,
        error=text,
        error_kind=ErrorKind.INPUT if exit_code == 2 else ErrorKind.INTERNAL,
    )
    return Report(
        gates=(gate,),
        provenance=Provenance(
            config_sha256=sha256 if _SHA256.fullmatch(sha256) else "",
            inputs={},
            git_sha=_git_sha(where if where.is_dir() else Path.cwd()),
            config_path=shown,
        ),
        mlgate_version=__version__,
        advisory=advisory,
        config_id=ident,
        title=title,
    )
