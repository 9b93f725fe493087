"""MkDocs hook: links from a page to repository files outside docs/ point at the repository on GitHub.

The pages link to files such as ``../../templates/check/template.yml`` so that they work when read on
GitHub; the built site has no such file, so those links are rewritten to ``<repo_url>/blob/main/...``
(directories to ``/tree/main/...``) before MkDocs validates links (hooks: MkDocs 1.4+,
``on_page_markdown`` event). Links that stay inside docs/ are left to MkDocs' own validation.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

_LINK = re.compile(r"(\]\()(?P<target>\.\./[^)\s#]*)(?P<rest>[^)]*\))")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    repo = str(config.get("repo_url") or "").rstrip("/")
    if not repo:
        return markdown
    page_dir = posixpath.dirname(page.file.src_uri)

    def rewrite(m: re.Match[str]) -> str:
        target = m.group("target")
        joined = posixpath.normpath(posixpath.join("docs", page_dir, target))
        if joined.startswith("docs/") or joined.startswith(".."):
            return m.group(0)  # inside docs/ (MkDocs checks it) or outside the repository (left broken)
        kind = "tree" if target.endswith("/") else "blob"
        return f"{m.group(1)}{repo}/{kind}/main/{joined}{'/' if kind == 'tree' else ''}{m.group('rest')}"

    return _LINK.sub(rewrite, markdown)
