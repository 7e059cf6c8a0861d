"""Dependencies run one way: sscard_core ← apdu_spec ← sscard (and jcardsim_bridge, used by sscard), with no
import cycle between or inside the packages. Read statically from the sources, lazy (function-level) and
type-checking imports included: a cycle hidden behind a lazy import is still a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "sscard_core": ROOT / "host" / "sscard_core",
    "apdu_spec": ROOT / "apdu_spec",
    "sscard": ROOT / "host" / "sscard",
    "jcardsim_bridge": ROOT / "simulator" / "jcardsim_bridge",
}
# Which project packages each package may import (besides itself).
ALLOWED = {
    "sscard_core": set(),
    "apdu_spec": {"sscard_core"},
    "jcardsim_bridge": set(),
    "sscard": {"sscard_core", "apdu_spec", "jcardsim_bridge"},
}


def _modules() -> dict[str, Path]:
    out = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder).with_suffix("")
            parts = [package, *rel.parts]
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The most specific project module ``name`` refers to (a module, or the package holding a name)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    path = MODULES[module]
    is_package = path.name == "__init__.py"
    base = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base.split(".")[: len(base.split(".")) - (node.level - 1)]
                prefix = ".".join(anchor + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            targets = [f"{prefix}.{a.name}" for a in node.names]
        for target in targets:
            resolved = _resolve(target)
            if resolved is not None and resolved != module:
                out.add(resolved)
    return out


GRAPH = {m: imports_of(m) for m in MODULES}


def _package(module: str) -> str:
    return module.partition(".")[0]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_packages_import_only_what_is_below_them(package: str) -> None:
    wrong = sorted(f"{m} -> {d}" for m in GRAPH if _package(m) == package for d in GRAPH[m]
                   if _package(d) != package and _package(d) not in ALLOWED[package])
    assert not wrong, f"{package} imports what it must not: {wrong}"


# Layers inside sscard that must not reach up: the core library and the database layer serve the service
# windows and the batch line, and neither of those two depends on the other.
INNER_FORBIDDEN = {
    "sscard.batch": ("sscard.window", "sscard.cli"),
    "sscard.database": ("sscard.window", "sscard.batch", "sscard.cli"),
    "sscard.window": ("sscard.batch", "sscard.cli"),
    "sscard.personalisation": ("sscard.window", "sscard.batch", "sscard.cli"),
}


@pytest.mark.parametrize("layer", sorted(INNER_FORBIDDEN))
def test_layers_inside_sscard_do_not_reach_up(layer: str) -> None:
    wrong = sorted(f"{m} -> {d}" for m in GRAPH if m == layer or m.startswith(layer + ".") for d in GRAPH[m]
                   if any(d == f or d.startswith(f + ".") for f in INNER_FORBIDDEN[layer]))
    assert not wrong, f"{layer} imports what it must not: {wrong}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_or_inside_packages() -> None:
    cycles = _cycles(GRAPH)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checks_see_imports() -> None:
    """The reader of imports finds what is there (so an empty graph cannot pass the tests above)."""
    assert "sscard_core.crypto" in GRAPH["sscard_core.apdu"]
    assert "apdu_spec.schema" in GRAPH["apdu_spec.model"]
    assert "sscard.spec_tables" in GRAPH["sscard.records"] and "sscard_core.codec" in GRAPH["sscard.records"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
