"""API tokens: which variables hold them, which values are refused, and every form to mask.

One list of variables serves the publishers (which token to use) and the CLI (what to mask in
anything printed). A token is refused before any use when it holds whitespace or a control
character: the classic cause is ``echo "$TOKEN" | gh secret set`` storing a trailing newline, and
such a value ends up in HTTP libraries' error messages ("Illegal header value b'Bearer ...\\n'")
in a form a plain ``str.replace`` of the raw value does not catch.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

from mlgate.errors import ConfigError
from mlgate.forges import AUTO, FORGES, detect, name_of

# The forges' token variables come from their registry rows (mlgate.forges); these names stay for
# the baseline artifact downloads, which use the GitHub token.
GITHUB_TOKEN_VARS = FORGES["github"].token_vars
GITLAB_TOKEN_VARS = FORGES["gitlab"].token_vars
OTHER_SECRET_VARS = FORGES["gitlab"].other_secret_vars
# MLflow's credentials (mlgate.io.mlflow_registry; the user name is not a secret).
MLFLOW_SECRET_VARS = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_PASSWORD")


def secret_vars() -> tuple[str, ...]:
    """The one list of secret variables, masked in everything mlgate prints or writes for a
    reviewer: every registered forge's token and other secret variables, and MLflow's."""
    names = [n for f in FORGES.values() for n in (*f.token_vars, *f.other_secret_vars)]
    return tuple(dict.fromkeys([*names, *MLFLOW_SECRET_VARS]))


# The list when this module was imported (forges registered later are in ``secret_vars()``).
SECRET_VARS = secret_vars()

# Shorter values are not masked: replacing every "abc" in a log would garble it and protect nothing.
MIN_SECRET_LEN = 4
# HTTP basic-auth user names that tools put in front of a token (git over HTTPS with an Actions
# token, GitLab's OAuth and job-token conventions); their base64 form is masked whole.
_BASIC_USERS = ("x-access-token", "oauth2", "gitlab-ci-token", "token", "")
# Visible ASCII only: what GitHub (ghp_/ghs_/github_pat_), GitLab (glpat-) and JWT tokens consist of.
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")


def check_token(value: str, source: str) -> str:
    """``value`` if it can be sent in an HTTP header; else a ConfigError naming ``source`` (the
    variable or option), never showing the value."""
    if not _TOKEN_CHARS.fullmatch(value):
        why = (
            "whitespace or a control character (often a trailing newline stored with the secret)"
            if re.search(r"[\x00-\x20\x7f]", value)
            else "characters outside visible ASCII"
        )
        raise ConfigError(
            f"{source}: the token contains {why}; it was not used",
            hint="store the token again without it (e.g. printf '%s' \"$TOKEN\"), then rerun; "
            "the value is not shown here",
        )
    return value


def pick_token(
    explicit: str | None, environ: Mapping[str, str], names: tuple[str, ...]
) -> tuple[str, str] | None:
    """(token, where it came from): ``--token``, else the first variable of ``names`` that is set."""
    if explicit:
        return explicit, "--token"
    for name in names:
        value = environ.get(name)
        if value:
            return value, name
    return None


def check_publish_token(target: str, explicit: str | None, environ: Mapping[str, str]) -> None:
    """Refuse, before anything runs, the token that publishing to ``target`` would use.
    ``auto`` is resolved the way ``CIContext.detect`` does (the registry's order), from the variables
    only."""
    name = name_of(target)
    forge = detect(environ) if name == AUTO else FORGES.get(name)
    names = forge.token_vars if forge is not None else ()
    found = pick_token(explicit, environ, names)
    if found is not None and (names or explicit):
        check_token(*found)


def env_secrets(environ: Mapping[str, str]) -> list[str]:
    return [v for v in (environ.get(n) for n in secret_vars()) if v]


def _b64_cores(data: bytes) -> list[str]:
    """Substrings that any base64 text containing ``data`` includes, whatever the bytes around it:
    one per alignment (offset mod 3), without the first and last 4-character groups, which mix in
    neighbouring bytes. Standard and URL-safe alphabets."""
    cores = []
    for pad in range(3):
        enc = base64.b64encode(b"\0" * pad + data).decode("ascii")
        start = 4 if pad else 0
        end = len(enc) if (pad + len(data)) % 3 == 0 else len(enc) - 4
        core = enc[start:end]
        if len(core) >= 8:
            cores += [core, core.replace("+", "-").replace("/", "_")]
    return cores


def secret_forms(secret: str) -> list[str]:
    """Every form of ``secret`` that may show up in a message, longest first: raw and stripped,
    Python repr and ascii escapes (bytes reprs in httpx/h11 errors), JSON string escapes,
    URL encodings, markdown and HTML escapes (a scorecard quoting it), base64 of the token and of
    ``user:token`` as sent in basic auth."""
    if len(secret) < MIN_SECRET_LEN:
        return []
    from mlgate.escape import html as html_escaped
    from mlgate.escape import md

    forms: set[str] = set()
    for value in {secret, secret.strip()}:
        if len(value) < MIN_SECRET_LEN:
            continue
        forms |= {
            value,
            repr(value)[1:-1],
            ascii(value)[1:-1],
            repr(value.encode("utf-8"))[2:-1],
            json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1],
            quote(value, safe=""),
            quote_plus(value, safe=""),
            # As rendered into a comment ("ghp\\_..."), or into HTML.
            md(value),
            html_escaped(value),
        }
        raw = value.encode("utf-8")
        forms |= set(_b64_cores(raw))
        for user in _BASIC_USERS:
            full = base64.b64encode(f"{user}:{value}".encode()).decode("ascii")
            forms |= {full, full.rstrip("=")}
    return sorted((f for f in forms if len(f) >= MIN_SECRET_LEN), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by ``***``."""
    forms = sorted({f for s in secrets if s for f in secret_forms(s)}, key=len, reverse=True)
    for form in forms:
        text = text.replace(form, "***")
    return text
