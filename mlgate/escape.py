"""Escaping for every output format. Anything from data, column names, config or git refs passes here."""

from __future__ import annotations

import re

from mlgate.text import ANSI_RE, BIDI_RE, truncate

MAX_ANNOTATION = 1_000
_ANNOTATION_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_ZWSP = "\u200b"
_MD_PUNCT = re.compile(r"([\\`*_\[\]|~])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAKS = re.compile("\r\n|[\r\n\u2028\u2029]")

MAX_VALUE = 200  # a name or a table cell in markdown
MAX_HTML_VALUE = 1_000  # any value in scorecard.html
MAX_XML_VALUE = 500  # any value in junit.xml

# Where GitHub and GitLab turn text into a mention, a reference or a link, a zero-width space goes
# after the sigil: the platforms' reference filters run on the rendered text, after markdown escapes
# are consumed, so a backslash alone does not stop them (GitHub's mentions, for one).
#   GitHub, "Autolinked references and URLs": @user, #26, GH-26, owner/repo#26, commit SHAs (7 to 40
#   hex digits, also user@sha and owner/repo@sha), URLs.
#   GitLab, "GitLab Flavored Markdown", GitLab-specific references: @user, #123, GL-123, !123 (merge
#   request), $123 (snippet), &123 (epic), ~label / ~"label", %milestone / %"milestone", ^alert#1,
#   *iteration:"x", namespace/project> (project), [issue:123] and the other [type:id] forms,
#   [[wiki]]; every one also as namespace/project<sigil>id. Any scheme:// is autolinked.
# A run of hex digits with a letter is cut every 6 characters (a SHA needs 7); plain digit runs are
# numbers and stay whole (at worst a link to an existing commit of the same repository).
_SIGILS = re.compile(
    r"@|[#!&$](?=\d)|[%~](?=[\w\"*])|\^(?=\w)|\*(?=[A-Za-z])|\[(?=[\w\[])"
    r"|(?i:\bG[HL]-)(?=\d)|:(?=//)|(?i:\bwww)(?=\.)"
)
_PROJECT_REF = re.compile(r"/[\w.-]+(?=>)")  # namespace/project>
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z_])(?=[0-9]*[a-fA-F])[0-9a-fA-F]{7,}(?![0-9A-Za-z_])")


def _cut_hex(m: re.Match[str]) -> str:
    run = m.group(0)
    return _ZWSP.join(run[i : i + 6] for i in range(0, len(run), 6))


def inert_references(text: str) -> str:
    """``text`` with every GitHub/GitLab mention, reference and autolink broken by zero-width spaces."""
    s = _HEX_RUN.sub(_cut_hex, text)
    s = _SIGILS.sub(lambda m: m.group(0) + _ZWSP, s)
    return _PROJECT_REF.sub(lambda m: m.group(0) + _ZWSP, s)


def md(text: object, *, max_len: int = MAX_VALUE) -> str:
    """Make ``text`` inert in GitHub/GitLab markdown, including inside table cells.

    Cut to ``max_len`` characters with a visible marker; control characters and bidi controls
    removed, line breaks made spaces; mentions, references and autolinks broken with a zero-width
    space (:func:`inert_references`); markdown punctuation backslash-escaped (CommonMark allows it
    for any ASCII punctuation) and HTML specials turned into entities.
    """
    s = truncate(str(text), max_len)
    s = _BREAKS.sub(" ", s)
    s = BIDI_RE.sub("", _CONTROL.sub("", s))
    s = inert_references(s)
    s = _MD_PUNCT.sub(r"\\\1", s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = "\\" + s if s.startswith("#") else s
    s = s.replace(":", ":" + _ZWSP) if s.startswith("::") else s
    return s


def html(text: object, *, max_len: int = MAX_HTML_VALUE) -> str:
    """HTML-escaped text: cut with a visible marker, control characters and bidi controls removed."""
    import html as _html

    return _html.escape(BIDI_RE.sub("", _CONTROL.sub("", truncate(str(text), max_len))), quote=True)


def xml_text(text: object, *, max_len: int = MAX_XML_VALUE) -> str:
    """Characters XML 1.0 cannot carry and bidi controls are dropped; ElementTree escapes the rest."""
    return BIDI_RE.sub("", _XML_BAD.sub("", truncate(str(text), max_len)))


def plain(text: object, *, max_len: int = MAX_HTML_VALUE) -> str:
    """Plain text for a viewer that shows it as is (GitLab's Code Quality widget): escape sequences,
    control characters and bidi controls removed, line breaks made spaces, cut with a marker."""
    s = _BREAKS.sub(" ", truncate(str(text), max_len))
    return BIDI_RE.sub("", _CONTROL.sub("", ANSI_RE.sub("", s)))


def annotation(text: object, *, max_len: int = MAX_ANNOTATION) -> str:
    """GitHub workflow-command data: escape sequences, other controls and bidi controls removed, then
    %, CR and LF encoded (the runner decodes them), so the data stays inside its one command."""
    s = BIDI_RE.sub("", ANSI_RE.sub("", truncate(str(text), max_len)))
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return _ANNOTATION_CONTROL.sub("", s).replace("##[", "##\\[")


def annotation_property(text: object) -> str:
    return annotation(text).replace(":", "%3A").replace(",", "%2C")


def spreadsheet_cell(text: object) -> str:
    """CSV/formula injection: a cell starting with = + - @ (or tab/CR) is prefixed with a quote (OWASP)."""
    s = str(text)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
