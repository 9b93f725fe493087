"""Which ``.skops`` files mlgate loads: an explicit allowlist of classes, never a function.

skops (``skops.io``, "Secure persistence") refuses types it does not trust by default, but its defaults
and the ``trusted=`` argument work by *adding* names: its own defaults already trust
``FunctionTransformer`` and every numpy ufunc, and trusting whatever ``get_untrusted_types`` reports
under a prefix such as ``numpy.`` trusts ``numpy.load`` too. A Pipeline of FunctionTransformers
chaining ``np.full_like -> np.ravel -> np.take -> np.load(allow_pickle=True)`` then unpickles a file of
the pull request while the model scores the eval data. So mlgate decides for itself, before skops
constructs anything:

1. every node in the file's ``schema.json`` must be of a node kind that builds data or an instance
   (``FunctionNode``, ``MethodNode``, ``PartialNode``, ``OperatorFuncNode``... are refused: a function
   is never data), and its type must be on :func:`trusted_types`;
2. every name ``skops.io.get_untrusted_types`` reports (it also declares names that are not node types,
   such as a Generator's bit generator) must be on the list as well;
3. after loading, the decision trees are checked (:mod:`mlgate.io.skops_trees`): scikit-learn follows
   a tree's child and feature indices in C without bounds checks (the reason skops leaves ``Tree``
   untrusted), so a crafted file could read memory outside the data or loop forever in ``predict()``.
"""

from __future__ import annotations

import functools
import inspect
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mlgate.errors import InputError

MAX_SCHEMA_BYTES = 64_000_000
MAX_NODES = 2_000_000
HINT = (
    "mlgate loads .skops files holding scikit-learn estimators, numpy and scipy arrays only, never "
    "functions (FunctionTransformer, score functions, callables) or other libraries' classes; "
    "export the model to ONNX (skl2onnx) or drop the steps listed"
)
# skops node kinds that build containers, arrays or instances of a named class (skops/io/_general.py,
# _numpy.py, _scipy.py, _sklearn.py). Absent on purpose: FunctionNode, MethodNode, PartialNode,
# OperatorFuncNode (they return callables), ConstructorFromReduceNode (calls a class with arguments
# from the file), QuantileForestNode (a third-party library).
LOADERS = frozenset({
    "BytearrayNode", "BytesNode", "CachedNode", "DTypeNode", "DefaultDictNode", "DictNode", "JsonNode",
    "ListNode", "LossNode", "MaskedArrayNode", "NdArrayNode", "ObjectNode", "RandomGeneratorNode",
    "RandomStateNode", "SetNode", "SliceNode", "SparseMatrixNode", "TreeNode", "TupleNode", "TypeNode",
})
BUILTINS = frozenset({
    "builtins.bool", "builtins.bytearray", "builtins.bytes", "builtins.dict", "builtins.float",
    "builtins.int", "builtins.list", "builtins.set", "builtins.slice", "builtins.str", "builtins.tuple",
    "collections.OrderedDict", "collections.defaultdict",
})
HIST_TREE = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"
# Parameters whose purpose is to hold a function (or to read files named by the data): the classes
# taking one are left out even though a function in them would be refused anyway, so the message
# names the class and not only its function.
CALLABLE_PARAMS = frozenset({"func", "inverse_func", "score_func", "pooling_func", "input"})


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__name__}"


def _takes_a_callable(cls: type) -> bool:
    try:
        params = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return True
    for p in params:
        if p.name in CALLABLE_PARAMS:
            return True
        default = p.default
        if default is not inspect.Parameter.empty and callable(default) and not isinstance(default, type):
            return True
    return False


def _classes_of(module: Any, base: type | tuple[type, ...] = object) -> set[str]:
    return {
        _name(obj) for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, base) and obj.__module__ == module.__name__
    }


@functools.lru_cache(maxsize=1)
def trusted_types() -> frozenset[str]:
    """Fully qualified names of every class mlgate lets skops build."""
    import warnings

    import numpy as np
    import scipy.sparse as sp
    import sklearn._loss._loss as cy_loss
    import sklearn._loss.link as link
    import sklearn._loss.loss as loss
    import sklearn.linear_model._sgd_fast as sgd_fast
    from sklearn.pipeline import Pipeline
    from sklearn.tree._tree import Tree
    from sklearn.utils import all_estimators

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = all_estimators(type_filter=["classifier", "regressor", "transformer"])
    names = {
        _name(cls) for _, cls in found
        if isinstance(cls, type) and cls.__module__.startswith("sklearn.") and not _takes_a_callable(cls)
    }
    names.add(_name(Pipeline))
    # Fitted models hold these: loss and link objects (GradientBoosting, SGD), the tree storage of
    # every tree model (checked after loading by check_trees), binning of HistGradientBoosting.
    # HistGradientBoosting's TreePredictor stays out: its node indices are unchecked like Tree's.
    names |= _classes_of(loss) | _classes_of(link) | _classes_of(cy_loss) | _classes_of(sgd_fast)
    names.add(_name(Tree))
    names.add("sklearn.ensemble._hist_gradient_boosting.binning._BinMapper")
    # numpy: arrays, masked arrays, dtypes and the scalar types (skops stores a scalar as its type).
    names |= {"numpy.ndarray", "numpy.dtype", _name(np.ma.MaskedArray)}
    names |= {_name(t) for t in set(np.sctypeDict.values()) if t.__module__ == "numpy"}
    names |= {_name(np.random.RandomState), _name(np.random.Generator)}
    names |= {
        f"numpy.random.{n}" for n in dir(np.random)
        if isinstance(getattr(np.random, n), type)
        and issubclass(getattr(np.random, n), np.random.BitGenerator)
        and getattr(np.random, n) is not np.random.BitGenerator
    }
    sparse = tuple(t for t in (getattr(sp, "spmatrix", None), getattr(sp, "sparray", None)) if t)
    names |= {
        _name(obj) for obj in vars(sp).values() if isinstance(obj, type) and issubclass(obj, sparse)
    }
    return frozenset(names | BUILTINS)


def _nodes(doc: Any, where: str) -> Iterator[tuple[Any, Any, Any]]:
    """(loader, module, class) of every node of a skops ``schema.json``, depth first, iteratively."""
    stack = [doc]
    seen = 0
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__loader__" in item:
                seen += 1
                if seen > MAX_NODES:
                    raise InputError(f"{where}: more than {MAX_NODES} objects in the model file")
                yield item.get("__loader__"), item.get("__module__"), item.get("__class__")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def audit(path: Path, where: str) -> list[str]:
    """The names to pass to ``skops.io.load(trusted=...)``; raises naming every type not trusted."""
    import skops.io as sio

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("schema.json")
            if info.file_size > MAX_SCHEMA_BYTES:
                raise InputError(f"{where}: schema.json is larger than {MAX_SCHEMA_BYTES // 1_000_000} MB")
            doc = json.loads(zf.read(info))
        reported = sio.get_untrusted_types(file=path)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure of an untrusted file is an input error
        raise InputError(f"{where}: not a readable skops file: {type(exc).__name__}: {exc}") from None
    allowed = trusted_types()
    bad: dict[str, str] = {}  # type name -> as shown
    functions = ("FunctionNode", "MethodNode", "PartialNode", "OperatorFuncNode")
    for loader, module, cls in _nodes(doc, where):
        if not (isinstance(loader, str) and isinstance(module, str) and isinstance(cls, str)):
            raise InputError(f"{where}: malformed skops file (a node without a string type)")
        if loader == "CachedNode":
            continue  # a reference to a node met elsewhere in the file, checked there
        kind = f"{module}.{cls}"
        if loader not in LOADERS:
            bad[kind] = f"{kind} (a function)" if loader in functions else f"{kind} ({loader})"
        elif kind not in allowed:
            bad.setdefault(kind, kind)
    for kind in reported:
        if kind not in allowed:
            bad.setdefault(kind, kind)
    if bad:
        shown = sorted(bad.values())
        more = f" (and {len(shown) - 12} more)" if len(shown) > 12 else ""
        hint = HINT
        if HIST_TREE in bad:
            hint = (
                "HistGradientBoosting models are not loaded from .skops: scikit-learn follows their "
                "node indices unchecked and mlgate cannot verify them; export the model to ONNX (skl2onnx)"
            )
        raise InputError(
            f"{where}: the model file contains untrusted types: {', '.join(shown[:12])}{more}", hint=hint
        )
    return sorted(reported)
