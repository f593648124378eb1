"""The direction of dependencies in DESIGN.md, checked on every import statement of
the code (module-level and inside functions alike), so a new import that breaks it
fails here rather than in review."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Package -> the project's packages it must never import.
RULES = {
    # The library could ship alone: no booking code, no project wiring.
    "points": {"bookings", "spa"},
    # Bookings may use points and the shared helpers (house), never the project wiring.
    "bookings": {"spa"},
    # The page cache is shared by every app: it knows none of them.
    "pagecache": {"spa", "points", "bookings"},
    # So are the shared helpers (throttle, the spa's identity).
    "house": {"spa", "points", "bookings"},
}

# The pure core: plain values in, plain values out. Only the standard library (and
# django.utils) may be imported; never the ORM, django.contrib or any app's models.
PURE = ["bookings/availability.py", "bookings/screening.py"]
PURE_ALLOWED_DJANGO = ("django.utils",)


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


def imported_names(source: str, package: str) -> list[tuple[int, str]]:
    """(line, dotted name) for everything an import statement brings in, relative
    imports resolved against `package`: `from django import db` gives django.db,
    `from . import models` gives <package>.models."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def is_pure_import(name: str) -> bool:
    top = name.split(".")[0]
    if top == "django":
        return any(name == ok or name.startswith(ok + ".") for ok in PURE_ALLOWED_DJANGO)
    return top in sys.stdlib_module_names


def pure_breaches(source: str, package: str) -> list[str]:
    return [
        f"{line}: {name}"
        for line, name in imported_names(source, package)
        if not is_pure_import(name)
    ]


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


@pytest.mark.parametrize("path", PURE)
def test_pure_core_imports_only_the_standard_library(path):
    source = (ROOT / path).read_text()
    assert imported_names(source, "bookings"), "no imports read: the check would pass blindly"
    assert pure_breaches(source, "bookings") == []


def test_every_way_of_reaching_the_orm_breaks_purity():
    source = (
        "from __future__ import annotations\n"
        "import datetime\n"
        "from collections.abc import Iterable\n"
        "from django.utils import timezone\n"
        "from django.db.models import F\n"
        "from django import db\n"
        "import django.contrib.auth\n"
        "from django.conf import settings\n"
        "from . import models\n"
        "from .models import Appointment\n"
        "def load():\n"
        "    from points.models import Point\n"
        "    import bookings.free_times\n"
    )
    assert pure_breaches(source, "bookings") == [
        "5: django.db.models.F",
        "6: django.db",
        "7: django.contrib.auth",
        "8: django.conf.settings",
        "9: bookings.models",
        "10: bookings.models.Appointment",
        "12: points.models.Point",
        "13: bookings.free_times",
    ]
