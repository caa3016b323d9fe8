"""The layers import only what docs/architecture.md's table allows them to.

The table is an allow-list: each module's imports (found with `ast`, relative ones resolved
to the absolute name) must be its own package, the standard library, or named in its row.
A library nobody listed (`import numpy` in the domain) fails, and so does a package with no
row at all, so a new layer starts by being written down.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "monitor"
DOCUMENT = REPO / "docs" / "architecture.md"
TABLE_HEADER = ("package", "may import", "types only", "why")
STANDARD_LIBRARY = frozenset(sys.stdlib_module_names) | {"__future__"}
ANY_OF_THE_APP = "monitor"


@dataclass(frozen=True)
class Row:
    """One line of the document's table: a package (or module) and what it may import."""

    package: str
    may_import: frozenset[str]
    types_only: frozenset[str]


@dataclass(frozen=True)
class Imported:
    """One imported name, where it was imported, and whether only for annotations."""

    name: str
    line: int
    for_types: bool
    relative: bool


def code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def layer_table(text: str) -> dict[str, Row]:
    """The rows of the table whose header is TABLE_HEADER, by package name."""
    lines = iter(text.splitlines())
    for line in lines:
        cells = tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
        if cells == TABLE_HEADER:
            next(lines)  # the |---| line
            break
    else:
        raise AssertionError(f"{DOCUMENT.name} has no table headed {' | '.join(TABLE_HEADER)}")
    rows: dict[str, Row] = {}
    for line in lines:
        if not line.startswith("|"):
            break
        cells = tuple(cell.strip() for cell in line.strip().strip("|").split("|"))
        (package,) = code_spans(cells[0])
        rows[package] = Row(
            package, frozenset(code_spans(cells[1])), frozenset(code_spans(cells[2]))
        )
    return rows


LAYERS = layer_table(DOCUMENT.read_text(encoding="utf-8"))


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """Whether `monitor.a.b` is a module or package of this repository (not an attribute)."""
    path = REPO.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def absolute_base(path: Path, node: ast.ImportFrom) -> str:
    """The package a `from ... import` reads from, with relative levels resolved."""
    if node.level == 0:
        return node.module or ""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def type_checking_nodes(tree: ast.Module) -> set[int]:
    """The ids of every node under `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for statement in node.body:
                    inside.update(id(child) for child in ast.walk(statement))
    return inside


def imports_of(path: Path) -> list[Imported]:
    """Every name a module imports, at module level or inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for_types = type_checking_nodes(tree)
    found: list[Imported] = []
    for node in ast.walk(tree):
        typed = id(node) in for_types
        if isinstance(node, ast.Import):
            found += [Imported(alias.name, node.lineno, typed, False) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute_base(path, node)
            relative = node.level > 0
            for alias in node.names:
                child = f"{base}.{alias.name}"
                name = child if base.startswith("monitor") and is_module(child) else base
                found.append(Imported(name, node.lineno, typed, relative))
    return found


def covered_by(name: str, entries: frozenset[str]) -> bool:
    return any(name == entry or name.startswith(entry + ".") for entry in entries)


def row_of(module: str) -> Row | None:
    """The most specific row a module belongs to (`monitor.ui.bedside.panel` → `monitor.ui`)."""
    owners = [
        package
        for package in LAYERS
        # The `monitor` row is the package marker alone, not a home for what has no row.
        if module == package or (package != ANY_OF_THE_APP and module.startswith(package + "."))
    ]
    return LAYERS[max(owners, key=len)] if owners else None


def allowed(row: Row, imported: Imported) -> bool:
    name = imported.name
    if covered_by(name, frozenset({row.package})):
        return True  # a module may always use its own package
    if name.split(".")[0] in STANDARD_LIBRARY:
        return True
    if not name.startswith("monitor"):
        name = name.split(".")[0]  # a library is allowed by its top-level name
    entries = row.may_import | (row.types_only if imported.for_types else frozenset())
    if name.startswith("monitor.") and ANY_OF_THE_APP in entries:
        return True
    return covered_by(name, entries)


MODULES = sorted(PACKAGE.rglob("*.py"))


def where(path: Path) -> str:
    return str(path.relative_to(REPO))


@pytest.mark.parametrize("path", MODULES, ids=where)
def test_module_imports_only_what_its_row_allows(path: Path) -> None:
    row = row_of(module_name(path))
    assert row is not None, f"{where(path)} belongs to no row of {DOCUMENT.name}'s table"
    refused = [
        f"{where(path)}:{imported.line} imports {imported.name}"
        + (" (under TYPE_CHECKING)" if imported.for_types else "")
        for imported in imports_of(path)
        if not allowed(row, imported)
    ]
    assert refused == [], f"not allowed for {row.package} by docs/architecture.md: {refused}"


def test_every_package_has_a_row() -> None:
    """A new package (or top-level module) without a row in the table fails here."""
    missing = sorted({where(path) for path in MODULES if row_of(module_name(path)) is None})
    assert missing == [], f"add a row to docs/architecture.md's table for: {missing}"


def test_every_row_names_code_that_exists() -> None:
    """The table describes the code as it is: no row for a package that has gone."""
    gone = sorted(package for package in LAYERS if not is_module(package))
    assert gone == [], f"docs/architecture.md's table names missing packages: {gone}"


def test_every_monitor_name_in_the_table_exists() -> None:
    named = {
        entry
        for row in LAYERS.values()
        for entry in row.may_import | row.types_only
        if entry.startswith("monitor")
    }
    assert sorted(entry for entry in named if not is_module(entry)) == []


def test_no_relative_imports() -> None:
    """The project spells every import out (`from monitor.db import models`): a relative one
    hides which layer it reaches into."""
    relative = [
        f"{where(path)}:{imported.line} imports {imported.name} relatively"
        for path in MODULES
        for imported in imports_of(path)
        if imported.relative
    ]
    assert len(relative) == 0, relative


def test_the_table_covers_the_layers() -> None:
    """The parser found the table, with the layers the rest of the suite relies on."""
    layers = {"domain", "config", "db", "reports", "services", "auth", "web", "ui", "pages"}
    assert {f"monitor.{layer}" for layer in layers} <= set(LAYERS)
    assert LAYERS["monitor.domain"].may_import == {"monitor.config"}, (
        "the domain uses no library and no other layer but the config types"
    )
    assert len(MODULES) > 90
