"""Which checks a pandera YAML schema may name: pandera's registered built-in checks, nothing else.

pandera's YAML reader resolves each check with ``getattr(Check, check_name)``, calls what it finds with
the document's arguments, and ``setattr``s every key of the check's ``options`` on the result
(``pandera/io/pandas_io.py``, ``_deserialize_check_stats``); in the flat form every key of a column that
is a callable attribute of ``Check`` counts as a check (``pandera/io/_flat_checks.py``). A schema from a
pull request could so call any attribute of ``Check`` (``from_builtin_check_name``, ``register_backend``,
dunder methods) or overwrite a check's private state (``_check_fn``, ``statistics``). The parsed
document is walked before pandera sees it: check names must be in pandera's own registry of built-in
check functions (``Check.CHECK_FUNCTION_REGISTRY``, filled by ``register_builtin_check_fn``), and
option keys among those pandera writes.
"""

from __future__ import annotations

from typing import Any

from mlgate.errors import InputError

# The keys pandera writes under a check's `options` (pandera/io/_flat_checks.py, CHECK_OPTION_KEYS),
# and the descriptive ones a Check takes.
OPTION_KEYS = frozenset({"check_name", "error", "groupby", "groups", "ignore_na", "n_failure_cases",
                         "name", "raise_warning", "title", "description"})
_MAX_NAME = 80


def _show(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= _MAX_NAME else text[:_MAX_NAME] + "…")


def check_pandera_document(doc: dict[str, Any], where: str) -> None:
    """Raise :class:`InputError` naming the file and the check for anything but built-in checks."""
    from pandera.api.checks import Check

    builtin = frozenset(Check.CHECK_FUNCTION_REGISTRY)
    _check_list(doc.get("checks"), f"{where}: checks", builtin)
    columns = doc.get("columns")
    items: list[tuple[str, Any]] = []
    if isinstance(columns, dict):
        items = [(f"columns.{_show(name)}", col) for name, col in columns.items()]
    elif isinstance(columns, list):
        items = [(f"columns[{i}]", col) for i, col in enumerate(columns)]
    index = doc.get("index")
    if isinstance(index, list):
        items += [(f"index[{i}]", comp) for i, comp in enumerate(index)]
    for path, component in items:
        if isinstance(component, dict):
            _check_component(component, f"{where}: {path}", builtin, Check)


def _check_component(component: dict[Any, Any], where: str, builtin: frozenset[str], check: Any) -> None:
    if component.get("checks") is not None:
        _check_list(component["checks"], f"{where}.checks", builtin)
        return
    # The flat form (`in_range: {...}` beside `dtype`): pandera takes every key naming a callable
    # attribute of Check as a check.
    for key in component:
        name = str(key)
        if name.startswith("_") or (name not in builtin and callable(getattr(check, name, None))):
            _refuse(where, name, builtin)
        value = component[key]
        # Flat values carry stats and options mixed; an `options` mapping among them is set on the check.
        if name in builtin and isinstance(value, dict) and isinstance(value.get("options"), dict):
            _check_options(value["options"], f"{where}.{name}.options")


def _check_list(checks: Any, where: str, builtin: frozenset[str]) -> None:
    if isinstance(checks, dict):  # the legacy {check_name: stats} form
        for name, stats in checks.items():
            if str(name) not in builtin:
                _refuse(where, name, builtin)
            if isinstance(stats, dict) and isinstance(stats.get("options"), dict):
                _check_options(stats["options"], f"{where}.{name}.options")
        return
    if not isinstance(checks, list):
        return
    for i, entry in enumerate(checks):
        options = entry.get("options") if isinstance(entry, dict) else None
        name = options.get("check_name") if isinstance(options, dict) else None
        if not isinstance(name, str) or name not in builtin:
            _refuse(f"{where}[{i}]", name, builtin)
        assert isinstance(options, dict)
        _check_options(options, f"{where}[{i}].options")


def _check_options(options: dict[Any, Any], where: str) -> None:
    for key in options:
        if key not in OPTION_KEYS:
            raise InputError(
                f"{where}: {_show(key)} is not a pandera check option",
                hint=f"use only {', '.join(sorted(OPTION_KEYS))}",
            )


def _refuse(where: str, name: object, builtin: frozenset[str]) -> None:
    examples = ", ".join(n for n in ("in_range", "isin", "greater_than", "str_matches", "notin")
                         if n in builtin)
    raise InputError(
        f"{where}: check {_show(name)} is not one of pandera's built-in checks",
        hint=f"use a built-in check ({examples}, ...); a custom check needs a pandera Python schema",
    )
