"""Check the decision trees of a loaded model before it predicts anything.

scikit-learn follows a tree's node indices in compiled code without bounds checks
(``sklearn/tree/_tree.pyx``: ``apply`` reads ``X[i, node.feature]`` and jumps to ``node.left_child``;
``ensemble/_gradient_boosting.pyx``: ``predict_stages`` writes ``out[i, k]`` for every column ``k`` of
``estimators_``). That is why skops does not trust ``sklearn.tree._tree.Tree`` by default: a crafted
file loads fine and then reads memory outside the data, writes past the output, or never returns.
A tree built by scikit-learn always has its children after their parent (nodes are added depth or
best first, a parent before its children), so children must be greater than their node, which also
rules out loops; a split's feature must be one of the columns the model checks its input against.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlgate.errors import InputError

LEAF = -1


def reachable(root: object) -> Iterator[object]:
    """Every object reachable from ``root`` through attributes, containers and object arrays."""
    import numpy as np

    stack, seen = [root], set()
    while stack:
        obj = stack.pop()
        if obj is None or isinstance(obj, (str, bytes, int, float, bool)) or id(obj) in seen:
            continue
        seen.add(id(obj))
        yield obj
        if isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack.extend(obj)
        elif isinstance(obj, np.ndarray):
            if obj.dtype == object:
                stack.extend(obj.ravel().tolist())
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())


def _check_tree(tree: Any, n_features: int, where: str) -> None:
    import numpy as np

    left = np.asarray(tree.children_left)
    right = np.asarray(tree.children_right)
    feature = np.asarray(tree.feature)
    n = len(left)
    if n < 1 or n != int(tree.node_count) or len(right) != n or len(feature) != n:
        raise InputError(f"{where}: a decision tree has inconsistent node arrays ({n} nodes)")
    if int(tree.n_features) != n_features:
        raise InputError(
            f"{where}: a decision tree was built for {int(tree.n_features)} features but its model "
            f"checks its input for {n_features}"
        )
    index = np.arange(n)
    leaf = (left == LEAF) & (right == LEAF)
    split = ~leaf
    for child in (left, right):
        wrong = split & ((child <= index) | (child >= n))
        if wrong.any():
            i = int(np.argmax(wrong))
            raise _malformed(where, f"node {i} has child {int(child[i])} (children come after their "
                             f"node, below {n})")
    out = split & ((feature < 0) | (feature >= n_features))
    if out.any():
        i = int(np.argmax(out))
        raise _malformed(where, f"node {i} splits on feature {int(feature[i])} but the model has "
                         f"{n_features} features")


def _malformed(where: str, what: str) -> InputError:
    return InputError(
        f"{where}: a decision tree is malformed: {what}",
        hint="save the model again with scikit-learn; a hand-edited tree is not loaded",
    )


def _width(est: Any, where: str) -> int:
    n = getattr(est, "n_features_in_", None)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InputError(f"{where}: a {type(est).__name__} without a valid n_features_in_")
    return n


def _check_boosting(gb: Any, where: str) -> None:
    """GradientBoosting adds column k of ``estimators_`` into column k of its raw predictions."""
    import numpy as np

    est = gb.estimators_
    if not isinstance(est, np.ndarray) or est.ndim != 2 or est.size == 0:
        raise InputError(f"{where}: {type(gb).__name__}.estimators_ is not a 2-D array of trees")
    k = est.shape[1]
    per_iteration = getattr(gb, "n_trees_per_iteration_", None)
    multiclass = bool(getattr(getattr(gb, "_loss", None), "is_multiclass", False))
    width: int | None = per_iteration if gb.init_ == "zero" else None
    if width is None:
        classes = getattr(gb.init_, "classes_", None)
        width = len(classes) if multiclass and classes is not None else 1
    if k != per_iteration or k > width:
        raise InputError(
            f"{where}: {type(gb).__name__} has {k} trees per stage for {width} raw prediction columns"
        )


def check_trees(model: object, where: str) -> None:
    """Raise :class:`InputError` unless every tree of ``model`` is safe to run ``predict()`` on."""
    import numpy as np
    from sklearn.ensemble._forest import BaseForest
    from sklearn.ensemble._gb import BaseGradientBoosting
    from sklearn.tree._tree import Tree

    objects = list(reachable(model))
    checked: set[int] = set()
    for obj in objects:
        tree = getattr(obj, "tree_", None) if not isinstance(obj, Tree) else None
        if isinstance(tree, Tree):
            # A tree estimator checks its input against its own n_features_in_.
            _check_tree(tree, _width(obj, where), where)
            checked.add(id(tree))
        if isinstance(obj, (BaseForest, BaseGradientBoosting)):
            # Forests and boosting pass their input to the trees unchecked: GradientBoosting checks it
            # against its first tree, a forest against itself; every tree must agree.
            inner = np.asarray(obj.estimators_, dtype=object).ravel().tolist()
            if not inner:
                raise InputError(f"{where}: {type(obj).__name__} has no fitted trees")
            first = _width(inner[0], where)
            expected = first if isinstance(obj, BaseGradientBoosting) else _width(obj, where)
            for est in inner:
                if _width(est, where) != expected:
                    raise InputError(
                        f"{where}: the trees of {type(obj).__name__} expect different numbers of features"
                    )
            if isinstance(obj, BaseGradientBoosting):
                _check_boosting(obj, where)
    if any(isinstance(obj, Tree) and id(obj) not in checked for obj in objects):
        raise InputError(f"{where}: the model holds a decision tree outside a tree estimator")
