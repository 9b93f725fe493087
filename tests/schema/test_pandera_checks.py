"""A hostile pandera YAML schema names only pandera's built-in checks (mlgate.schema.pandera_checks).

pandera resolves each ``check_name`` with ``getattr(Check, name)``, calls it with the document's
arguments and ``setattr``s each option on the check: without the walk, the schemas below reached
``Check.from_builtin_check_name`` (a classmethod, not a check) or overwrote a check's private state.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.schema.helpers import check, gate, schema_only


def _edit_schema(root: Path, column: dict[str, Any]) -> None:
    path = root / "schemas" / "eval.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["columns"]["id"] = {"dtype": "int64", **column}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


HOSTILE = [
    # A classmethod of Check called with the schema's arguments (it builds a check that always fails).
    pytest.param({"checks": [{"name": "greater_than", "init_kwargs": {"min_value": 5000}, "error": "x",
                              "options": {"check_name": "from_builtin_check_name"}}]},
                 "columns.'id'.checks[0]: check 'from_builtin_check_name' is not one of pandera's built-in",
                 id="classmethod-in-list"),
    pytest.param({"from_builtin_check_name": {"name": "greater_than", "init_kwargs": {"min_value": 5000},
                                              "error": "x"}},
                 "columns.'id': check 'from_builtin_check_name' is not one of pandera's built-in",
                 id="classmethod-flat"),
    pytest.param({"checks": {"__init_subclass__": {}}},
                 "columns.'id'.checks: check '__init_subclass__' is not one of pandera's built-in",
                 id="dunder-legacy-dict"),
    # Private state of a real check, set through `options`.
    pytest.param({"checks": [{"min_value": 0, "options": {"check_name": "greater_than", "_check_fn": 1}}]},
                 "columns.'id'.checks[0].options: '_check_fn' is not a pandera check option",
                 id="private-option"),
    pytest.param({"in_range": {"min_value": 0, "max_value": 1100, "options": {"statistics": {}}}},
                 "columns.'id'.in_range.options: 'statistics' is not a pandera check option",
                 id="flat-option"),
]


@pytest.mark.parametrize(("column", "message"), HOSTILE)
def test_only_builtin_checks_and_options_are_accepted(demo_project: Path, cli: Any, column: dict[str, Any],
                                                      message: str) -> None:
    schema_only(demo_project)
    _edit_schema(demo_project, column)
    code, card = check(demo_project, cli)
    assert code == 2
    error = gate(card)["error"]
    assert error.startswith("schemas/eval.yaml: ") and message in error, error


def test_builtin_checks_in_every_form_still_load(demo_project: Path, cli: Any) -> None:
    schema_only(demo_project)
    _edit_schema(demo_project, {
        "in_range": {"min_value": 0, "max_value": 1100, "include_min": True, "include_max": True},
        "checks": None,
    })
    code, _ = check(demo_project, cli)
    assert code == 0
    _edit_schema(demo_project, {"checks": [
        {"min_value": 0, "options": {"check_name": "greater_than_or_equal_to", "raise_warning": False,
                                     "ignore_na": True}}]})
    code, card = check(demo_project, cli)
    assert code == 0, card
    _edit_schema(demo_project, {"checks": {"less_than": {"value": 2000}}})
    code, card = check(demo_project, cli)
    assert code == 0, card
