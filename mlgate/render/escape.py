"""Escaping for every output format. Anything from data, column names, config or git refs passes here."""

from __future__ import annotations

import re

from mlgate.text import ANSI_RE, BIDI_RE, truncate

MAX_ANNOTATION = 1_000
_ANNOTATION_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_ZWSP = "\u200b"
_MD_PUNCT = re.compile(r"([\\`*_\[\]|~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<![&\w])#(?=\d)")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|www)(:|\.)")


def md(text: object, *, max_len: int | None = None) -> str:
    """Make ``text`` inert in GitHub/GitLab markdown, including inside table cells.

    Backslash-escapes markdown punctuation (CommonMark allows it for any ASCII punctuation), turns
    HTML specials into entities, and breaks ``@mentions``, ``#123`` references and autolinks with a
    zero-width space so that data cannot ping users or link issues.
    """
    s = str(text)
    if max_len is not None and len(s) > max_len:
        s = s[: max_len - 1] + "…"
    s = _CONTROL.sub("", s).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    s = _MD_PUNCT.sub(r"\\\1", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _ISSUE_REF.sub("#" + _ZWSP, s)
    s = s.replace("#", "\\#") if s.startswith("#") else s
    s = _MENTION.sub("@" + _ZWSP, s)
    s = _AUTOLINK.sub(lambda m: m.group(1) + _ZWSP + m.group(2), s)
    s = s.replace(":", ":" + _ZWSP) if s.startswith("::") else s
    return s


def html(text: object) -> str:
    import html as _html

    return _html.escape(_CONTROL.sub("", str(text)), quote=True)


def xml_text(text: object) -> str:
    """Characters XML 1.0 cannot carry are dropped; ElementTree escapes the rest."""
    return _XML_BAD.sub("", str(text))


def annotation(text: object, *, max_len: int = MAX_ANNOTATION) -> str:
    """GitHub workflow-command data: escape sequences, other controls and bidi controls removed, then
    %, CR and LF encoded (the runner decodes them), so the data stays inside its one command."""
    s = truncate(BIDI_RE.sub("", ANSI_RE.sub("", str(text))), max_len)
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _ANNOTATION_CONTROL.sub("", s).replace("##[", "##\\[")


def annotation_property(text: object) -> str:
    return annotation(text).replace(":", "%3A").replace(",", "%2C")


def spreadsheet_cell(text: object) -> str:
    """CSV/formula injection: a cell starting with = + - @ (or tab/CR) is prefixed with a quote (OWASP)."""
    s = str(text)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
