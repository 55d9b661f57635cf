"""What the app imports at run time is installed by `make run` (requirements.lock), not only by
the test requirements: the PDF export once failed on every `make run` install because playwright
was a test dependency. Every third-party module imported anywhere in the runtime packages —
at the top of a file or inside a function — must belong to a distribution requirements.lock pins."""
from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNTIME = ("survey", "models", "acsi", "reports", "migrations", "config.py", "run.py")
LOCAL = {"survey", "models", "acsi", "reports", "config", "run", "migrations"}


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", requirement.split("==")[0].split("[")[0].strip()).lower()


def runtime_imports() -> dict[str, set[str]]:
    """Top-level module name → the files importing it."""
    found: dict[str, set[str]] = {}
    for entry in RUNTIME:
        path = ROOT / entry
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            tree = ast.parse(file.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in LOCAL and top not in sys.stdlib_module_names:
                        found.setdefault(top, set()).add(str(file.relative_to(ROOT)))
    return found


def test_every_runtime_import_is_pinned_in_the_runtime_requirements() -> None:
    pinned = {_name(line) for line in (ROOT / "requirements.lock").read_text().splitlines()
              if line.strip() and not line.startswith(("#", "-"))}
    distributions = packages_distributions()
    missing = {}
    for module, files in runtime_imports().items():
        owners = {_name(d) for d in distributions.get(module, [])}
        if not owners & pinned:
            missing[module] = (sorted(owners), sorted(files)[:3])
    assert missing == {}, f"imported at run time but not in requirements.lock: {missing}"


def test_the_pdf_export_dependency_is_a_runtime_one() -> None:
    pinned = {_name(line) for line in (ROOT / "requirements.lock").read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    assert "playwright" in pinned and "playwright" in runtime_imports()
