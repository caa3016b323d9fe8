"""The layers import only what DESIGN.md allows them to."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"

FORBIDDEN = {
    "domain": (
        "dash",
        "flask",
        "flask_login",
        "sqlalchemy",
        "pandas",
        "plotly",
        "monitor.db",
        "monitor.services",
        "monitor.ui",
        "monitor.pages",
        "monitor.auth",
    ),
    "db": (
        "dash",
        "flask",
        "flask_login",
        "plotly",
        "monitor.services",
        "monitor.ui",
        "monitor.pages",
        "monitor.auth",
    ),
    "services": (
        "dash",
        "flask",
        "flask_login",
        "plotly",
        "monitor.ui",
        "monitor.pages",
        "monitor.auth",
    ),
    "ui": ("sqlalchemy", "monitor.db", "flask_login"),
    "pages": ("sqlalchemy", "monitor.db.models", "monitor.db.engine", "monitor.db.repositories"),
}


def runtime_imports_of(path: Path) -> set[str]:
    """Module names imported at run time (imports under `if TYPE_CHECKING:` are left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = [ast.Pass()]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


CASES = [(layer, path) for layer in FORBIDDEN for path in sorted((PACKAGE / layer).rglob("*.py"))]


@pytest.mark.parametrize(("layer", "path"), CASES, ids=[f"{layer}/{p.name}" for layer, p in CASES])
def test_layer_imports(layer: str, path: Path) -> None:
    bad = sorted(
        name
        for name in runtime_imports_of(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])
    )
    assert bad == [], f"monitor/{layer}/{path.name} imports {bad}"


def test_every_layer_has_modules() -> None:
    assert all((PACKAGE / layer).is_dir() for layer in FORBIDDEN)
    assert len(CASES) > 20
