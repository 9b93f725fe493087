"""Typed reads of an untrusted JSON object (a ``scorecard.json`` another run wrote).

Each reader returns the value in the type the result model needs or raises :class:`FieldError`
naming the key path (``gates[0].checks[2].value``), so the caller can report one message that names
the file and the key (exit 2) instead of crashing on a forged field.
"""

from __future__ import annotations

import enum
import math
import re
from typing import Any, TypeVar

E = TypeVar("E", bound=enum.Enum)


class FieldError(Exception):
    """A field that breaks the contract: ``key`` is its path, ``expected`` what it should be."""

    def __init__(self, key: str, expected: str, found: Any) -> None:
        super().__init__(key)
        self.key, self.expected, self.found = key, expected, found


def kind_of(value: Any) -> str:
    """What a JSON value is, in words ("a string", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _at(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def obj(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FieldError(key, "an object", value)
    return value


def opt_obj(d: dict[str, Any], name: str, key: str) -> dict[str, Any]:
    """``d[name]`` as an object; absent or null: empty."""
    value = d.get(name)
    return {} if value is None else obj(value, _at(key, name))


def lst(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError(key, "a list", value)
    return value


def string(d: dict[str, Any], name: str, key: str, *, default: str | None = None) -> str:
    value = d.get(name, default)
    if not isinstance(value, str):
        raise FieldError(_at(key, name), "a string", value)
    return value


def opt_str(d: dict[str, Any], name: str, key: str) -> str | None:
    value = d.get(name)
    if value is not None and not isinstance(value, str):
        raise FieldError(_at(key, name), "a string or null", value)
    return value


def opt_num(d: dict[str, Any], name: str, key: str) -> float | None:
    value = d.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError(_at(key, name), "a number or null", value)
    try:
        out = float(value)
    except OverflowError:
        raise FieldError(_at(key, name), "a number within float range", value) from None
    return out if math.isfinite(out) else None


def num(d: dict[str, Any], name: str, key: str) -> float:
    value = opt_num(d, name, key)
    if value is None:
        raise FieldError(_at(key, name), "a finite number", d.get(name))
    return value


def opt_count(d: dict[str, Any], name: str, key: str) -> int | None:
    value = d.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FieldError(_at(key, name), "a non-negative integer or null", value)
    return value


def boolean(d: dict[str, Any], name: str, key: str, *, default: bool) -> bool:
    value = d.get(name, default)
    if not isinstance(value, bool):
        raise FieldError(_at(key, name), "a boolean", value)
    return value


def str_list(value: Any, key: str) -> tuple[str, ...]:
    items = lst(value, key)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise FieldError(f"{key}[{i}]", "a string", item)
    return tuple(items)


def choice(d: dict[str, Any], name: str, key: str, enum_type: type[E]) -> E:
    """``d[name]`` as a member of ``enum_type`` (by value)."""
    value = d.get(name)
    for member in enum_type:
        if isinstance(value, str) and member.value == value:
            return member
    raise FieldError(_at(key, name), "one of " + ", ".join(str(m.value) for m in enum_type), value)


def hex_str(d: dict[str, Any], name: str, key: str, pattern: re.Pattern[str], what: str, *,
            optional: bool) -> str | None:
    """A hash or commit: it is shown in every output, so it may hold nothing but its digits."""
    value = d.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise FieldError(_at(key, name), what + (" or null" if optional else ""), value)
    return value
