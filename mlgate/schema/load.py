"""Find and load the schema named by ``schema:`` in mlgate.yaml; the kind is detected unless forced.

Kinds: ``pandera-yaml`` (what ``DataFrameSchema.to_yaml()`` writes; pandera parses it with
``yaml.safe_load``), ``pandera-python`` (``module:attribute`` or ``path/file.py:attribute``, a
``DataFrameSchema`` or a ``DataFrameModel`` class; this runs the module's code, like any test file in
the repository, so it is refused in a privileged run, see :mod:`mlgate.trust`),
``great-expectations`` (an ExpectationSuite JSON as GX 1.x writes it under ``gx/expectations/``:
``{"name": ..., "expectations": [{"type": ..., "kwargs": {...}}]}``).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

from mlgate.bundle import LoadedSchema, SchemaKind
from mlgate.errors import InputError
from mlgate.schema.strings import pandera_logical
from mlgate.trust import Trust

Kind = SchemaKind
_PY_REF = re.compile(r"^(?P<target>[\w.]+|.+\.py):(?P<attr>[A-Za-z_]\w*)$")
MAX_SCHEMA_BYTES = 5_000_000
TOO_DEEP = "nested too deeply (thousands of levels); a schema needs only a few"


def detect_kind(value: str, path: Path | None) -> Kind:
    """``module:attr`` -> python; ``.yaml``/``.yml`` -> pandera; ``.json`` -> by content."""
    if _PY_REF.match(value) and (path is None or not path.exists()):
        return "pandera-python"
    suffix = (path or Path(value)).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "pandera-yaml"
    if suffix == ".json" and path is not None and path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{value}: not valid JSON: {exc}") from None
        except RecursionError:  # the decoder recurses once per level
            raise InputError(f"{value}: not valid JSON: {TOO_DEEP}") from None
        if isinstance(data, dict) and "expectations" in data:
            return "great-expectations"
        raise InputError(
            f"{value}: JSON without an 'expectations' list: not a Great Expectations suite",
            hint="write a GX 1.x ExpectationSuite JSON, or use a pandera YAML schema",
        )
    raise InputError(
        f"{value}: cannot tell the schema kind",
        hint="use a .yaml (pandera), a .json (Great Expectations suite) or module:attribute (pandera "
        "Python), or set schema: {path: ..., kind: ...}",
    )


def load_schema(value: str, kind: str, base_dir: Path, trust: Trust | None = None) -> LoadedSchema:
    """Load ``value`` (relative to ``base_dir``) as ``kind`` ("auto" detects it).

    Schema files are confined to the repository (resolved, symlinks followed) unless ``trust`` allows
    outside paths; a Python schema imports code, so it is refused in a privileged run before anything
    is read (:mod:`mlgate.trust`).
    """
    from mlgate.io.sources import confine_to, repo_root

    trust = trust if trust is not None else Trust.from_environ()
    path = Path(value) if Path(value).is_absolute() else base_dir / value
    python_ref = _PY_REF.match(value) is not None and not (path.exists() or path.is_symlink())
    if kind == "pandera-python" or (kind == "auto" and python_ref):
        trust.refuse_code_in_privileged_run(
            f"schema: {value}", "a pandera Python schema (importing it runs code from the repository)"
        )
        schema = pandera_logical(_import_schema(value, base_dir, trust), f"schema: {value}")
        return LoadedSchema("pandera-python", value, schema)
    real = confine_to(repo_root(base_dir), path, "schema", value, allow_outside=trust.allow_outside_repo)
    if not real.is_file():
        raise InputError(f"schema: {value}: is not a file", hint="paths are relative to mlgate.yaml")
    if real.stat().st_size > MAX_SCHEMA_BYTES:
        raise InputError(f"{value}: schema file larger than {MAX_SCHEMA_BYTES // 1_000_000} MB")
    # After the size check: telling a .json's kind reads it.
    chosen: Kind = detect_kind(value, real) if kind == "auto" else kind  # type: ignore[assignment]
    try:
        text = real.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{value}: cannot read the schema: {exc}") from None
    if chosen == "pandera-yaml":
        return LoadedSchema(chosen, value, pandera_logical(_pandera_from_yaml(text, value), value))
    try:
        suite = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{value}: line {exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{value}: not valid JSON: {TOO_DEEP}") from None
    check_suite(suite, value)
    return LoadedSchema(chosen, value, suite)


def check_suite(suite: object, where: str) -> None:
    if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
        raise InputError(f"{where}: a Great Expectations suite needs an 'expectations' list")
    for i, exp in enumerate(suite["expectations"]):
        if not isinstance(exp, dict) or not isinstance(exp.get("type"), str):
            raise InputError(f"{where}: expectations[{i}] has no 'type' (e.g. expect_column_to_exist)")
        if not isinstance(exp.get("kwargs", {}), dict):
            raise InputError(f"{where}: expectations[{i}].kwargs must be an object")


def _pandera_from_yaml(text: str, where: str) -> Any:
    import pandera.pandas as pa
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise InputError(f"{where}: {line}invalid YAML: {getattr(exc, 'problem', exc)}") from None
    except RecursionError:  # PyYAML's composer and constructor recurse once per level
        raise InputError(f"{where}: invalid YAML: {TOO_DEEP}") from None
    if not isinstance(doc, dict) or doc.get("schema_type") != "dataframe":
        raise InputError(
            f"{where}: not a pandera schema (no 'schema_type: dataframe')",
            hint="write it with DataFrameSchema.to_yaml() or `mlgate schema infer`",
        )
    from mlgate.schema.pandera_checks import check_pandera_document

    check_pandera_document(doc, where)
    try:
        return pa.DataFrameSchema.from_yaml(text)
    except Exception as exc:  # noqa: BLE001 - pandera raises many types for a bad document
        raise InputError(f"{where}: invalid pandera schema: {type(exc).__name__}: {exc}") from None


def _import_schema(value: str, base_dir: Path, trust: Trust) -> Any:
    import pandera.pandas as pa

    from mlgate.io.sources import confine_to, repo_root

    m = _PY_REF.match(value)
    if m is None:
        raise InputError(f"schema: {value}: expected module:attribute or path/file.py:attribute")
    target, attr = m.group("target"), m.group("attr")
    added = str(base_dir)
    sys.path.insert(0, added)
    try:
        if target.endswith(".py"):
            given = Path(target) if Path(target).is_absolute() else base_dir / target
            file = confine_to(
                repo_root(base_dir), given, "schema", value, allow_outside=trust.allow_outside_repo
            )
            spec = importlib.util.spec_from_file_location(f"mlgate_schema_{file.stem}", file)
            if spec is None or spec.loader is None or not file.is_file():
                raise InputError(
                    f"schema: {value}: {given.name} not found", hint="paths are relative to mlgate.yaml"
                )
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        else:
            module = importlib.import_module(target)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any error in user code is an input problem
        raise InputError(f"schema: {value}: cannot import: {type(exc).__name__}: {exc}") from None
    finally:
        if added in sys.path:
            sys.path.remove(added)
    if not hasattr(module, attr):
        raise InputError(f"schema: {value}: the module has no attribute '{attr}'")
    obj = getattr(module, attr)
    if isinstance(obj, type) and issubclass(obj, pa.DataFrameModel):
        obj = obj.to_schema()
    if not isinstance(obj, pa.DataFrameSchema):
        raise InputError(
            f"schema: {value}: '{attr}' is {type(obj).__name__}, not a pandera DataFrameSchema or "
            "DataFrameModel"
        )
    return obj
