"""``core`` is the bottom layer: it imports no domain app, not even lazily or for typing."""

from __future__ import annotations

import ast
from pathlib import Path

import lantern.core

CORE = Path(lantern.core.__file__).parent
ALLOWED = ("lantern.core",)


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def test_core_imports_no_domain_app() -> None:
    offending = []
    for path in sorted(CORE.rglob("*.py")):
        for line, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if module.startswith("..") or (
                module.startswith("lantern") and not module.startswith(ALLOWED)
            ):
                offending.append(f"{path.relative_to(CORE.parent)}:{line} imports {module}")
    assert offending == []


def test_the_scan_sees_imports_inside_functions_and_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from lantern.people.models import Person\n"
        "def f():\n    import lantern.cases.models\n"
    )
    assert [m for _, m in _imports(ast.parse(source))] == [
        "typing",
        "lantern.people.models",
        "lantern.cases.models",
    ]
