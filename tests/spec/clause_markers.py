"""Which tests name which clause: ``@pytest.mark.clause("ID", ...)`` markers, read statically."""

from __future__ import annotations

import ast
from pathlib import Path


def scan_tests(tests_dir: Path, root: Path) -> dict[str, list[str]]:
    """clause id -> test ids, from ``@pytest.mark.clause("ID", ...)`` markers (statically)."""
    found: dict[str, set[str]] = {}

    def clause_ids(node: ast.expr) -> list[str]:
        ids: list[str] = []
        for call in ast.walk(node):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "clause":
                ids += [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        return ids

    for path in sorted(tests_dir.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue
        module_ids: list[str] = []
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in stmt.targets
            ):
                module_ids += clause_ids(stmt.value)

        def visit(body: list[ast.stmt], prefix: str, inherited: list[str], rel: str = rel) -> None:
            for stmt in body:
                if isinstance(stmt, ast.ClassDef):
                    ids = inherited + [i for d in stmt.decorator_list for i in clause_ids(d)]
                    visit(stmt.body, f"{prefix}{stmt.name}::", ids)
                elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name.startswith("test"):
                    ids = inherited + [i for d in stmt.decorator_list for i in clause_ids(d)]
                    for cid in ids:
                        found.setdefault(cid, set()).add(f"{rel}::{prefix}{stmt.name}")

        visit(tree.body, "", module_ids)
    return {k: sorted(v) for k, v in sorted(found.items())}
