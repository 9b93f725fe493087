"""ONNX external data stays in the model's folder inside the repository.

An ONNX tensor may keep its bytes in another file (``data_location: EXTERNAL`` and an ``external_data``
entry ``location``, a path relative to the model's folder: https://onnx.ai/onnx/repo-docs/ExternalData.html).
A model from a pull request could so make onnxruntime read any file of the runner (``/proc/self/environ``,
``../../.git-credentials``, a committed symlink out) into a weight, and the predictions then leak it.
Recent onnxruntime releases validate the path themselves, older ones that mlgate's range allows do not;
mlgate checks every location before onnxruntime opens the model, whatever its version.

The ``onnx`` package is not a dependency, so the model is read with a small protobuf wire-format walker
(https://protobuf.dev/programming-guides/encoding/) over the messages that can hold a tensor, with the
field numbers of ``onnx/onnx.proto``: a hand-crafted file cannot hide a tensor from it the way it could
from a byte search (non-minimal varints, repeated keys), since it decodes what onnxruntime decodes.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from mlgate.errors import InputError

# message -> {field number: message it holds} (onnx/onnx.proto); only paths that lead to a TensorProto.
_SCHEMA: dict[str, dict[int, str]] = {
    "Model": {7: "Graph", 20: "TrainingInfo", 25: "Function"},
    "TrainingInfo": {1: "Graph", 2: "Graph"},
    "Function": {7: "Node", 11: "Attribute"},
    "Graph": {1: "Node", 5: "Tensor", 15: "Sparse"},
    "Node": {5: "Attribute"},
    "Attribute": {5: "Tensor", 6: "Graph", 10: "Tensor", 11: "Graph", 22: "Sparse", 23: "Sparse"},
    "Sparse": {1: "Tensor", 2: "Tensor"},
}
_TENSOR_EXTERNAL_DATA = 13
_MAX_DEPTH = 100  # subgraphs nest (If, Loop, Scan); a deeper file is not a real model


class _Malformed(Exception):
    pass


def _varint(buf: memoryview, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise _Malformed
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(buf: memoryview) -> list[tuple[int, memoryview | None]]:
    """(field number, payload of a length-delimited field, else None), in file order."""
    out: list[tuple[int, memoryview | None]] = []
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            _, pos = _varint(buf, pos)
            out.append((number, None))
        elif wire == 1:
            pos += 8
            out.append((number, None))
        elif wire == 5:
            pos += 4
            out.append((number, None))
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise _Malformed
            out.append((number, buf[pos:pos + size]))
            pos += size
        else:  # groups (3, 4) are not used by onnx.proto
            raise _Malformed
        if pos > len(buf):
            raise _Malformed
    return out


def _entry(buf: memoryview) -> tuple[bytes, bytes]:
    key = value = b""
    for number, payload in _fields(buf):  # the last occurrence wins, as in every protobuf parser
        if number == 1 and payload is not None:
            key = bytes(payload)
        elif number == 2 and payload is not None:
            value = bytes(payload)
    return key, value


def external_locations(data: bytes) -> list[str]:
    """Every ``location`` of an external-data entry of any tensor of the model, in file order."""
    found: list[str] = []
    stack: list[tuple[str, memoryview, int]] = [("Model", memoryview(data), 0)]
    try:
        while stack:
            kind, buf, depth = stack.pop()
            if depth > _MAX_DEPTH:
                raise _Malformed
            for number, payload in _fields(buf):
                if payload is None:
                    continue
                if kind == "Tensor":
                    if number == _TENSOR_EXTERNAL_DATA:
                        key, value = _entry(payload)
                        if key == b"location":
                            found.append(value.decode("utf-8", "replace"))
                    continue
                child = _SCHEMA[kind].get(number)
                if child is not None:
                    stack.append((child, payload, depth + 1))
    except _Malformed:
        raise InputError("not a valid ONNX file (its protobuf encoding is broken)") from None
    return found


def confine_external_data(model: Path, where: str) -> None:
    """Refuse an external-data location that is absolute, holds ``..`` or resolves (links followed)
    outside the folder of ``model`` (a path that is already resolved and confined to the repository)."""
    from mlgate.io.sources import refuse_special

    try:
        locations = external_locations(model.read_bytes())
    except InputError as exc:
        raise InputError(f"{where}: {exc.message}") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read the model: {exc.strerror}") from None
    folder = model.parent.resolve()
    for location in locations:
        shown = repr(location if len(location) <= 200 else location[:200] + "…")
        pure = PurePosixPath(location.replace("\\", "/"))
        if (not location or "\x00" in location or pure.is_absolute() or ".." in pure.parts
                or ":" in location):
            raise InputError(
                f"{where}: external data location {shown} is not a plain relative path",
                hint="keep external data files in the model's folder, named relative to it without '..'",
            )
        target = folder / pure
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            raise InputError(f"{where}: external data file {shown} not found next to the model") from None
        if folder not in real.parents:
            raise InputError(
                f"{where}: external data location {shown} resolves outside the model's folder",
                hint="commit the external data file itself next to the model, not a link to it",
            )
        refuse_special(real, where, f"external data {shown}")
