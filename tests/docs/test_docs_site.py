"""The documentation site: `mkdocs build --strict` passes, every page is in the nav, the generated
configuration reference is current, and the JSON contract page lists every field mlgate writes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import tomllib
import yaml

from tests.conftest import ROOT, require
from tests.render.chart_sample import chart_report

DOCS = ROOT / "docs"


def declared_extras() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["project"]["optional-dependencies"])


def nav_pages(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [p for item in node for p in nav_pages(item)]
    if isinstance(node, dict):
        return [p for value in node.values() for p in nav_pages(value)]
    return []


def mkdocs_config() -> dict[str, Any]:
    # mkdocs.yml may hold !!python tags in other projects; ours is plain YAML.
    data: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return data


def test_mkdocs_build_strict(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("mkdocs")
    require(exe.exists(), "mkdocs is not installed (pip install -e .[dev])")
    proc = subprocess.run([str(exe), "build", "--strict", "--site-dir", str(tmp_path / "site")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    page = (tmp_path / "site" / "getting-started" / "index.html").read_text(encoding="utf-8")
    assert "Getting started in 5 minutes" in page
    # Offline: no web fonts from a CDN in the built pages.
    assert "fonts.googleapis.com" not in page


def test_every_page_is_in_the_nav_and_exists() -> None:
    listed = nav_pages(mkdocs_config()["nav"])
    on_disk = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert set(listed) <= on_disk, sorted(set(listed) - on_disk)
    assert on_disk <= set(listed), sorted(on_disk - set(listed))


def test_no_plugin_needs_the_network() -> None:
    cfg = mkdocs_config()
    plugins = {p if isinstance(p, str) else next(iter(p)) for p in cfg.get("plugins", [])}
    assert plugins <= {"search"}, plugins
    assert cfg["theme"].get("font") is False


def test_configuration_reference_is_generated_from_the_model() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_config_docs.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    from mlgate.config import Config

    for name, field in Config.model_fields.items():
        assert f"| `{field.alias or name}` |" in text


def test_gen_config_docs_detects_a_stale_page(tmp_path: Path, monkeypatch: Any) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_config_docs
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    monkeypatch.setattr(gen_config_docs, "OUT", tmp_path / "configuration.md")
    (tmp_path / "configuration.md").write_text("stale\n", encoding="utf-8")
    assert gen_config_docs.main(["--check"]) == 1
    assert gen_config_docs.main([]) == 0 and gen_config_docs.main(["--check"]) == 0


def documented_fields(section: str) -> set[str]:
    text = (DOCS / "scorecard-json.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \|", body, re.M))


def test_json_contract_page_lists_every_field() -> None:
    from mlgate.result import report_to_dict

    data = report_to_dict(chart_report())
    sample_gate = next(g for g in data["gates"] if g.get("tables"))
    error_gate = {"error": "", "error_kind": "", "skipped_reason": "", "notes": []}
    assert set(data) | {"notes"} == documented_fields("Top level")  # notes: only when there are some
    assert set(sample_gate) | set(error_gate) == documented_fields("Gate object")
    check = next(c for g in data["gates"] for c in g["checks"] if "details" in c)
    assert set(check) == documented_fields("Check object")
    limit = next(c["limit"] for g in data["gates"] for c in g["checks"] if c["limit"])
    assert set(limit) == documented_fields("Limit object")
    from mlgate.result import LimitKind

    assert {k.value for k in LimitKind} == documented_fields("Limit kinds") - {"kind"}
    assert set(sample_gate["tables"][0]) == documented_fields("Table object")
    # "models" is there only when MLflow models were scored, "baseline" only with baseline.artifact.
    assert set(data["provenance"]) | {"models", "baseline"} == documented_fields("Provenance object")


def test_links_to_repository_files_point_at_github() -> None:
    from types import SimpleNamespace

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import mkdocs_hooks
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    page = SimpleNamespace(file=SimpleNamespace(src_uri="ci/gitlab.md"))
    config = {"repo_url": "https://github.com/mlgate/mlgate"}
    md = ("[t](../../templates/check/template.yml) [d](../../templates/github/) [in](../security.md#tokens) "
          "[out](../../../etc/passwd)")
    out = mkdocs_hooks.on_page_markdown(md, page, config, None)
    assert out == ("[t](https://github.com/mlgate/mlgate/blob/main/templates/check/template.yml) "
                   "[d](https://github.com/mlgate/mlgate/tree/main/templates/github/) "
                   "[in](../security.md#tokens) [out](../../../etc/passwd)")
