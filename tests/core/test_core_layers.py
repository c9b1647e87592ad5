"""The core's layers point one way: the CLI uses the library, never the reverse, and the core
knows nothing of the GUI (its panel names live in `app`)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "mammogan_core"


def imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    package = ".".join(path.relative_to(CORE.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            else:
                names.add(node.module or "")
    return names


def test_only_the_cli_and_the_module_entry_import_the_cli():
    upward = {
        str(path.relative_to(CORE.parent)): sorted(
            m for m in imported_modules(path) if m.startswith("mammogan_core.cli")
        )
        for path in CORE.rglob("*.py")
        if "cli" not in path.relative_to(CORE).parts and path.name != "__main__.py"
    }
    assert {k: v for k, v in upward.items() if v} == {}


def test_the_resolver_sees_relative_imports():
    # the check above would pass vacuously if relative imports were resolved wrongly
    found = imported_modules(CORE / "cli" / "ddp.py")
    assert "mammogan_core.cli.main" in found


def test_the_core_does_not_import_the_app():
    offenders = [
        str(path.relative_to(CORE.parent))
        for path in CORE.rglob("*.py")
        if any(m == "app" or m.startswith("app.") for m in imported_modules(path))
    ]
    assert offenders == []


def test_the_product_does_not_import_the_test_fixtures():
    # mammogan_core.testing holds dataset-shaped fixtures for tests and benchmarks only
    offenders = [
        str(path.relative_to(CORE.parent))
        for path in [*CORE.rglob("*.py"), *(CORE.parent / "app").rglob("*.py")]
        if "testing" not in path.relative_to(CORE.parent).parts
        and any(m.startswith("mammogan_core.testing") for m in imported_modules(path))
    ]
    assert offenders == []
