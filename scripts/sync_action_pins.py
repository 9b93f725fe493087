"""Copy the action pins of .github/actions/pins/action.yml into every file that names those actions.

Dependabot bumps the pins file (and the workflows and action.yml it reads itself); templates/,
mlgate/templates_data/ and the docs' YAML examples follow with:

    python scripts/sync_action_pins.py
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PINS = ROOT / ".github/actions/pins/action.yml"
USES = re.compile(r"(?P<head>^\s*(?:-\s+)?uses:\s*)(?P<action>[\w.-]+/[\w./-]+)@(?P<ref>\S+)(?P<tail>.*)$",
                  re.M)


def pins() -> dict[str, str]:
    """action -> "sha # version" as written in the pins file."""
    return {m["action"]: f"{m['ref']}{m['tail']}" for m in USES.finditer(PINS.read_text(encoding="utf-8"))}


def files() -> list[Path]:
    found = [ROOT / "action.yml", ROOT / "README.md"]
    for pattern in (".github/workflows/*.yml", "templates/**/*.yml", "mlgate/templates_data/**/*.yml",
                    "docs/**/*.md"):
        found += sorted(ROOT.glob(pattern))
    return [p for p in found if p.is_file()]


def main() -> None:
    table = pins()
    for path in files():
        text = path.read_text(encoding="utf-8")
        new = USES.sub(lambda m: f"{m['head']}{m['action']}@{table[m['action']]}" if m["action"] in table
                       else m.group(0), text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
