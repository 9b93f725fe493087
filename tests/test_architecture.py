"""The import graph has no cycle, between modules or between the packages of any folder.

import-linter's ``layers`` contract (pyproject.toml) orders the top-level packages; this test covers
what it does not: a cycle inside one layer (two modules of ``stats`` importing each other, or
``io.artifacts`` and the rest of ``io``). Imports inside functions and under ``TYPE_CHECKING`` count:
a lazy import still ties the two modules together (grimp sees every ``import`` statement).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest


def cycles(edges: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one node (Tarjan 1972, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    g = grimp.build_graph("mlgate", exclude_type_checking_imports=False)
    return {m: set(g.find_modules_directly_imported_by(m)) for m in g.modules}


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]
    assert cycles({"a": {"b"}, "b": set(), "c": {"c"}}) == []


def test_no_module_imports_itself_back(graph: dict[str, set[str]]) -> None:
    assert [sorted(c) for c in cycles(graph)] == []


def package_graphs(graph: Mapping[str, set[str]]) -> dict[str, dict[str, set[str]]]:
    """For each package, the imports between its children (a subpackage stands for all it holds)."""
    packages = {m.rsplit(".", i)[0] for m in graph for i in range(1, m.count(".") + 1)}
    out: dict[str, dict[str, set[str]]] = {p: {} for p in packages}
    for importer, imported in ((a, b) for a, bs in graph.items() for b in bs):
        for package in packages:
            prefix = package + "."
            if not (importer.startswith(prefix) and imported.startswith(prefix)):
                continue
            a = prefix + importer[len(prefix):].split(".")[0]
            b = prefix + imported[len(prefix):].split(".")[0]
            if a != b:
                out[package].setdefault(a, set()).add(b)
    return out


def test_no_package_imports_itself_back(graph: dict[str, set[str]]) -> None:
    by_package = package_graphs(graph)
    found = {p: [sorted(c) for c in cycles(edges)] for p, edges in by_package.items()}
    assert {p: c for p, c in found.items() if c} == {}


def test_a_package_cycle_is_found() -> None:
    # Two modules that do not import each other, in two subpackages that do: a package cycle only.
    graph = {"m.a.x": {"m.b.y"}, "m.b.z": {"m.a.w"}, "m.a.w": set(), "m.b.y": set()}
    assert cycles(package_graphs(graph)["m"]) == [frozenset({"m.a", "m.b"})]
    assert cycles(graph) == []
