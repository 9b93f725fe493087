"""Read ``mlgate.yaml`` into a frozen :class:`Config`; every error names the file, line and key path."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from mlgate.config.root import Config
from mlgate.errors import ConfigError
from mlgate.trust import Trust

MAX_CONFIG_BYTES = 1_000_000
MAX_NODES = 50_000
# PyYAML's composer and constructor recurse once per nesting level, so a config nested thousands deep
# ends in RecursionError; a real mlgate.yaml is under 10 levels deep.
MAX_DEPTH = 64
_EMBEDDED = re.compile(r"^(?:Value error, )?@([^@]*)@(.*)$", re.S)


# Guard switches that earlier versions read from mlgate.yaml. A pull request can change that file, so
# they now come only from the workflow: the flag or environment variable named here.
GUARD_KEYS = {
    "allow_pickle": "--allow-pickle (or MLGATE_ALLOW_PICKLE=1)",
    "allow_outside_repo": "--allow-outside-repo (or MLGATE_ALLOW_OUTSIDE_REPO=1)",
}


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path
    sha256: str
    # What the workflow allows (flags, environment); never read from the config file.
    trust: Trust = dataclasses.field(default_factory=Trust.from_environ)

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def resolve(self, value: str) -> str:
        """A path from the config, relative to the config's folder (``git:`` refs are left alone)."""
        if value.startswith("git:"):
            return value
        p = Path(value)
        return str(p if p.is_absolute() else self.base_dir / p)


def _all_keys(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for sub in _submodels(field.annotation):
            keys |= _all_keys(sub, seen)
    return keys


def _submodels(tp: Any) -> list[type[BaseModel]]:
    out: list[type[BaseModel]] = []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        out.append(tp)
    for arg in getattr(tp, "__args__", ()) or ():
        out.extend(_submodels(arg))
    return out


_KNOWN_KEYS = sorted(_all_keys(Config))


def _check_graph(node: yaml.Node, where: str) -> None:
    """Reject recursive anchors and alias bombs before anything is constructed."""
    count = 0
    stack: list[tuple[yaml.Node, frozenset[int]]] = [(node, frozenset())]
    while stack:
        current, ancestors = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ConfigError(
                f"{where}: the YAML expands to more than {MAX_NODES} nodes (anchors/aliases?)",
                hint="write the configuration out without nested aliases",
            )
        if id(current) in ancestors:
            mark = current.start_mark
            raise ConfigError(
                f"{where}:{mark.line + 1}: recursive YAML anchor",
                hint="an alias may not refer to a node that contains it",
            )
        inner = ancestors | {id(current)}
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, inner) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.append((k, inner))
                stack.append((v, inner))


def _check_guard_keys(root: yaml.Node, where: str) -> None:
    """Refuse the trust switches anywhere in the file, naming the flag that replaces them."""
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, path) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                name = k.value if isinstance(k, yaml.ScalarNode) else ""
                if name in GUARD_KEYS:
                    key = ".".join((*path, name))
                    raise ConfigError(
                        f"{where}:{k.start_mark.line + 1}: {key}: trust switches are not read from "
                        "mlgate.yaml (a pull request can change this file and switch the guard off)",
                        hint=f"remove it; if the workflow must allow it, pass {GUARD_KEYS[name]} to "
                        "mlgate in the workflow (see docs/security.md)",
                    )
                stack.append((v, (*path, name)))


def _line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(part):
                    line, nxt = k.start_mark.line + 1, v
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _format_error(err: Any, where: str, root: yaml.Node | None) -> str:
    loc: tuple[str | int, ...] = tuple(
        p for p in err["loc"] if not (isinstance(p, str) and (p[:1].isupper() or "[" in p or p == "str"))
    )
    msg: str = err["msg"]
    m = _EMBEDDED.match(msg)
    if m:
        extra = tuple(x for x in m.group(1).split(".") if x)
        # An embedded path starting at a top-level key is absolute (root validators).
        loc = extra if extra and extra[0] in Config.model_fields else loc + extra
        msg = m.group(2)
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "extra_forbidden":
        key = str(loc[-1]) if loc else ""
        close = difflib.get_close_matches(key, _KNOWN_KEYS, n=1)
        msg = "unknown key" + (f"; did you mean '{close[0]}'?" if close else "")
    elif err["type"] == "missing":
        msg = "required key is missing"
    path = ".".join(str(p) for p in loc) or "(top level)"
    line = _line_of(root, loc)
    prefix = f"{where}:{line}" if line else where
    return f"{prefix}: {path}: {msg}"


def _check_depth(text: str, where: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` from the parser's events (the parser is a state
    machine, not recursive), before the recursive composer sees the document."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                line = f":{mark.line + 1}" if mark is not None else ""
                raise ConfigError(
                    f"{where}{line}: nested more than {MAX_DEPTH} levels deep",
                    hint="mlgate.yaml needs only a few levels; write the configuration out flat",
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_config(text: str, where: str) -> Config:
    """Validate YAML text; ``where`` names the source in messages."""
    try:
        _check_depth(text, where)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}{pos}: invalid YAML: {problem}", hint="fix the YAML syntax") from None
    if root is None:
        raise ConfigError(f"{where}: the file is empty", hint="run `mlgate init` for a starter config")
    _check_graph(root, where)
    _check_guard_keys(root, where)
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError) as exc:  # pragma: no cover - compose already checked it
        raise ConfigError(f"{where}: invalid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{where}: expected a mapping of keys (version, task, data, ...), got {type(data).__name__}"
        )
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        lines = [_format_error(e, where, root) for e in exc.errors()]
        unique = list(dict.fromkeys(lines))
        raise ConfigError(
            "\n".join(unique[:10]) + (f"\n(and {len(unique) - 10} more)" if len(unique) > 10 else "")
        ) from None


def load_config(path: str | Path, trust: Trust | None = None) -> LoadedConfig:
    """Read and validate ``path``; ``trust``: the workflow's guard switches (default: environment)."""
    p = Path(path)
    where = str(path)
    if not p.exists():
        raise ConfigError(
            f"{where}: config file not found", hint="run `mlgate init` or pass -c PATH/TO/mlgate.yaml"
        )
    if p.is_dir():
        raise ConfigError(f"{where}: is a directory, expected a YAML file", hint="pass -c DIR/mlgate.yaml")
    from mlgate.paths import confine_to, repo_root

    trust = trust if trust is not None else Trust.from_environ()
    # A pull request may commit mlgate.yaml as a symlink to a file elsewhere on the runner.
    real = confine_to(
        repo_root(p.absolute().parent), p, "config", where, allow_outside=trust.allow_outside_repo
    )
    try:
        # Bounded: never more than the cap is read, whatever the file is.
        with real.open("rb") as fh:
            raw = fh.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read the config: {exc.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{where}: larger than {MAX_CONFIG_BYTES:,} bytes (the limit for mlgate.yaml); "
            "is this the right file?",
            hint="pass -c PATH/TO/mlgate.yaml; data belongs in files the config names",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: not UTF-8 text (byte {exc.start})", hint="save it as UTF-8") from None
    config = parse_config(text, where)
    return LoadedConfig(
        config=config, path=real, sha256=hashlib.sha256(raw).hexdigest(), trust=trust
    )


def config_json_schema() -> dict[str, Any]:
    schema = Config.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "mlgate.yaml"
    return schema
