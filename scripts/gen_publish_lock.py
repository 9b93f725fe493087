"""Regenerate the hashed requirements that the privileged publish workflow installs.

``templates/github/mlgate-publish.yml`` holds a write token, so it installs nothing unpinned: mlgate
itself by exact version (wheel only, ``--no-deps``) and the few packages ``mlgate publish`` needs
(click, httpx, tabulate and their dependencies) from a requirements block with ``--require-hashes``.
This script resolves that set with pip for the workflow's Python on Linux and takes every wheel's
sha256 from PyPI's JSON API (https://docs.pypi.org/api/json/), then rewrites the block in the template
and its packaged copy. Run it when mlgate's dependency ranges change or to pick up new releases:

    python scripts/gen_publish_lock.py
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = [ROOT / "templates/github/mlgate-publish.yml",
             ROOT / "mlgate/templates_data/github/mlgate-publish.yml"]
# What `mlgate publish` imports (checked by tests/ci/test_pinning.py, which runs it with only these).
REQUIREMENTS = ["click>=8.1", "httpx>=0.27", "tabulate>=0.9"]
PYTHON = "3.12"  # the python-version the template sets up
BLOCK = re.compile(r"(<<'EOF'\n)(.*?)(\n *EOF\n)", re.S)


def resolve() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        # PyPI only: no local indexes, find-links or constraints of this machine.
        env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_CONSTRAINT": "", "PIP_FIND_LINKS": ""}
        subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                        "--report", str(report), "--python-version", PYTHON,
                        "--platform", "manylinux2014_x86_64", "--only-binary=:all:", "--target", tmp,
                        *REQUIREMENTS], check=True, env=env)
        doc = json.loads(report.read_text(encoding="utf-8"))
    return sorted((i["metadata"]["name"].lower().replace("_", "-"), i["metadata"]["version"])
                  for i in doc["install"])


def wheel_hashes(name: str, version: str) -> list[str]:
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=60) as resp:
        doc = json.load(resp)
    files = doc["releases"].get(version, [])
    return sorted(f["digests"]["sha256"] for f in files if f["packagetype"] == "bdist_wheel")


def lock_text() -> str:
    lines = []
    for name, version in resolve():
        hashes = wheel_hashes(name, version)
        if not hashes:
            raise SystemExit(f"{name}=={version}: no wheel on PyPI")
        lines.append(f"{name}=={version} " + " ".join(f"--hash=sha256:{h}" for h in hashes))
    return "\n".join(lines)


def main() -> None:
    text = lock_text()
    for path in TEMPLATES:
        old = path.read_text(encoding="utf-8")
        match = BLOCK.search(old)
        if match is None:
            raise SystemExit(f"{path}: no <<'EOF' block")
        indent = re.match(r" *", match.group(2)).group(0)  # type: ignore[union-attr]
        body = "\n".join(indent + line for line in text.splitlines())
        path.write_text(old[: match.start(2)] + body + old[match.end(2):], encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(text.splitlines())} packages")


if __name__ == "__main__":
    main()
