"""No import cycles between modules of the core or the UI (module-level or inside functions).

A package importing its own submodules (``tracking/__init__`` ↔ ``tracking.status``) is the usual package
pattern and not counted; any other strongly connected group of modules is a cycle and fails the test.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Owned by the ops/UI redesign (issue 10), which moves the shared piece down; remove when it lands.
KNOWN_UI_CYCLES = {frozenset({"ui.appendix_model", "ui.clipboard"})}


def _modules(*packages: str) -> dict[str, Path]:
    mods = {}
    for package in packages:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            mods[name] = path
    return mods


def _graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                     and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
                     for n in ast.walk(block)}   # imports for type hints only: no cycle at run time
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                continue
            for dep in candidates:
                is_own_package = name.startswith(dep + ".") or dep.startswith(name + ".")
                if dep in mods and dep != name and not is_own_package:
                    deps.add(dep)
        graph[name] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in sorted(graph[node]):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_cycle_finder_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [frozenset({"a", "b", "c"})]


def test_core_has_no_import_cycles():
    graph = _graph(_modules("cchc_desktop"))
    assert "cchc_desktop.reports.markup" in graph["cchc_desktop.reports.grid"]
    assert _cycles(graph) == []


def test_ui_has_no_new_import_cycles():
    graph = _graph(_modules("cchc_desktop", "ui"))
    assert [sorted(group) for group in _cycles(graph) if group not in KNOWN_UI_CYCLES] == []
