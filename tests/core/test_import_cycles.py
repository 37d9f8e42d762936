"""No two modules of ``tuishou`` import each other, directly or through others (import-linter's contracts keep the
layers; this keeps the module graph acyclic). Lazy imports inside functions count: they hide a cycle, they do
not remove it. The incentive engine's own modules are left to its own tests (a cycle there is being split up)."""

from __future__ import annotations

import grimp

EXCLUDED = ("tuishou.incentives.engine",)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    modules = sorted(m for m in graph.modules if not m.startswith(EXCLUDED))
    edges = {m: sorted(w for w in graph.find_modules_directly_imported_by(m)
                       if w.startswith("tuishou.") and not w.startswith(EXCLUDED)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def test_no_module_of_tuishou_is_part_of_an_import_cycle():
    graph = grimp.build_graph("tuishou", include_external_packages=False)
    assert _cycles(graph) == []


def test_the_check_finds_a_cycle_when_there_is_one():
    graph = grimp.ImportGraph()
    for module in ("tuishou.a", "tuishou.b", "tuishou.c", "tuishou.d"):
        graph.add_module(module)
    graph.add_import(importer="tuishou.a", imported="tuishou.b")
    graph.add_import(importer="tuishou.b", imported="tuishou.c")
    graph.add_import(importer="tuishou.c", imported="tuishou.a")
    graph.add_import(importer="tuishou.c", imported="tuishou.d")
    assert _cycles(graph) == [["tuishou.a", "tuishou.b", "tuishou.c"]]
