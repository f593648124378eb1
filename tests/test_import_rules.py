"""The direction of dependencies in DESIGN.md, checked on every import statement of
the code (module-level and inside functions alike), so a new import that breaks it
fails here rather than in review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Package -> the project's packages it must never import.
RULES = {
    # The library could ship alone: no booking code, no project wiring.
    "points": {"bookings", "spa"},
    # The page cache is shared by every app: it knows none of them.
    "pagecache": {"spa", "points", "bookings"},
}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, dotted module name) for each import in the source; relative imports
    stay inside their own package and are left out."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def breaches(package: str, forbidden: set[str]) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, module in imported_modules(path.read_text()):
            if module.split(".")[0] in forbidden:
                out.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return out


@pytest.mark.parametrize(("package", "forbidden"), RULES.items())
def test_package_imports_only_what_design_allows(package, forbidden):
    assert (ROOT / package / "__init__.py").exists(), package
    assert breaches(package, forbidden) == []


def test_every_kind_of_import_is_seen():
    source = (
        "import bookings.models\n"
        "from spa import throttle\n"
        "from . import sibling\n"
        "def f():\n"
        "    from bookings.services import place_booking\n"
    )
    assert imported_modules(source) == [
        (1, "bookings.models"),
        (2, "spa"),
        (5, "bookings.services"),
    ]
