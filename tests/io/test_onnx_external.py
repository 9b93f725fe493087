"""ONNX external data is read only from the model's folder inside the repository.

A tensor's ``external_data`` ``location`` names a file relative to the model (onnx.ai, External Data);
a hostile model could point it at any file of the runner. onnxruntime checks it in recent releases only,
so mlgate checks every location itself before onnxruntime opens the model.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mlgate.config import load_config
from mlgate.errors import InputError
from mlgate.inputs import build_inputs
from mlgate.io.onnx_external import external_locations

onnx = pytest.importorskip("onnx")
FEATURES = ["duration_months", "credit_amount", "installment_rate", "age"]
# Long loans score high, large amounts low: both classes occur on the demo data.
WEIGHTS = np.asarray([[0.05], [-0.0005], [0.0], [0.0]], dtype=np.float32)


def _model(location: str | None) -> Any:
    """Binary classifier as ONNX: label = (x @ W > 0), probabilities alongside; W stored externally."""
    from onnx import TensorProto, helper, numpy_helper

    w = numpy_helper.from_array(WEIGHTS, "W")
    if location is not None:
        w.ClearField("raw_data")
        w.data_location = TensorProto.EXTERNAL
        entry = w.external_data.add()
        entry.key, entry.value = "location", location
    nodes = [helper.make_node("MatMul", ["X", "W"], ["s"]),
             helper.make_node("Sigmoid", ["s"], ["p1"]),
             helper.make_node("Sub", ["one", "p1"], ["p0"]),
             helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
             helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0)]
    one = numpy_helper.from_array(np.ones((1,), dtype=np.float32), "one")
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, 4])],
        [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, 2])], [w, one])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


def _weights() -> bytes:
    return WEIGHTS.tobytes()


def _project(root: Path, location: str | None) -> Path:
    (root / "models").mkdir(exist_ok=True)
    (root / "models" / "model.onnx").write_bytes(_model(location).SerializeToString())
    text = (root / "mlgate.yaml").read_text(encoding="utf-8")
    text = text.replace("  predictions: out/candidate.csv", "  model: models/model.onnx")
    text = text.replace("  id: id\n", f"  id: id\n  features: [{', '.join(FEATURES)}]\n", 1)
    (root / "mlgate.yaml").write_text(text, encoding="utf-8")
    return root / "mlgate.yaml"


def test_external_data_next_to_the_model_is_read(demo_project: Path) -> None:
    config = _project(demo_project, "weights.bin")
    (demo_project / "models" / "weights.bin").write_bytes(_weights())
    cand = build_inputs(load_config(config)).candidate
    assert cand is not None and cand.scores is not None and len(cand.y_pred) > 0


@pytest.mark.parametrize(("location", "message"), [
    ("../../secret.bin", "is not a plain relative path"),
    ("sub/../../secret.bin", "is not a plain relative path"),
    ("/etc/hostname", "is not a plain relative path"),
    ("PLACEHOLDER", "is not a plain relative path"),  # absolute path of a file outside, see below
    ("link.bin", "resolves outside the model's folder"),
    ("missing.bin", "not found next to the model"),
])
def test_external_data_outside_the_models_folder_is_refused(demo_project: Path, tmp_path: Path,
                                                            location: str, message: str) -> None:
    secret = tmp_path / "secret.bin"
    secret.write_bytes(_weights())
    (demo_project.parent / "secret.bin").write_bytes(_weights())
    if location == "PLACEHOLDER":
        location = str(secret)
    config = _project(demo_project, location)
    os.symlink(secret, demo_project / "models" / "link.bin")
    with pytest.raises(InputError) as err:
        build_inputs(load_config(config))
    text = err.value.message
    assert text.startswith("candidate.model: models/model.onnx: external data"), text
    assert message in text and repr(location) in text


def _varint(n: int, minimal: bool = True) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n or (not minimal and len(out) < 2):
            out.append(byte | 0x80)
            if not n:
                out.append(0)
                return bytes(out)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes, minimal: bool = True) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload), minimal) + payload


def test_every_tensor_position_is_walked() -> None:
    from onnx import TensorProto, helper, numpy_helper

    def ext(name: str, location: str) -> Any:
        t = numpy_helper.from_array(np.zeros((1,), dtype=np.float32), name)
        t.ClearField("raw_data")
        t.data_location = TensorProto.EXTERNAL
        e = t.external_data.add()
        e.key, e.value = "location", location
        return t

    const = helper.make_node("Constant", [], ["c"], value=ext("c", "in-constant"))
    c_out = helper.make_tensor_value_info("c", TensorProto.FLOAT, [1])
    inner = helper.make_graph([const], "then", [], [c_out])
    branch = helper.make_node("If", ["cond"], ["out"], then_branch=inner, else_branch=inner)
    indices = numpy_helper.from_array(np.zeros((1,), np.int64))
    sparse = helper.make_sparse_tensor(ext("sv", "in-sparse"), indices, [1])
    graph = helper.make_graph([branch], "g", [helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1])],
                              [ext("init", "in-initializer")], sparse_initializer=[sparse])
    fn_const = helper.make_node("Constant", [], ["k"], value=ext("k", "in-function"))
    function = helper.make_function("local", "f", [], ["k"], [fn_const], [helper.make_opsetid("", 17)])
    model = helper.make_model(graph, functions=[function])
    found = external_locations(model.SerializeToString())
    assert sorted(found) == ["in-constant", "in-constant", "in-function", "in-initializer", "in-sparse"]


def test_hand_encoded_entries_are_decoded_like_protobuf() -> None:
    # Model.graph(7) -> Graph.initializer(5) -> Tensor.external_data(13) -> key(1), value(2), with a
    # non-minimal varint length and a repeated key (the last one wins).
    entry = _field(1, b"offset") + _field(1, b"location", minimal=False) + _field(2, b"../../x")
    tensor = _field(13, entry)
    model = _field(7, _field(5, tensor, minimal=False))
    assert external_locations(model) == ["../../x"]
    with pytest.raises(InputError, match="not a valid ONNX file"):
        external_locations(model[:-3])
