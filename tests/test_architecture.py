"""The import rules of architecture.md: acsi and models never import Flask; acsi never imports
models, SQLAlchemy or the web layer; reports import acsi but not the web layer."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "acsi": {"flask", "flask_babel", "flask_login", "flask_wtf", "wtforms", "sqlalchemy", "models", "survey", "reports"},
    "models": {"flask", "flask_babel", "flask_login", "flask_wtf", "wtforms", "acsi", "survey", "reports"},
    "reports": {"flask", "flask_login", "flask_wtf", "sqlalchemy", "models", "survey"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_respects_import_rules(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    violations = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in files
    }
    assert {k: v for k, v in violations.items() if v} == {}


#: Pure modules of survey.services the questionnaire package may use (validators of untrusted
#: bytes shared with the API and the other uploads; no Flask, no database).
QUESTIONNAIRE_MAY_USE = {"survey.services.inbound_json", "survey.services.zip_guard"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_questionnaire_package_is_pure() -> None:
    """survey/questionnaire (the document model, the logic language, the question types,
    templates and interchange) touches no web framework, no database and no other part of the
    application: issue 16's "pure package"."""
    framework = {"flask", "flask_babel", "flask_login", "flask_wtf", "wtforms", "sqlalchemy", "models",
                 "reports"}  # acsi is pure too: the model specs bindings name
    violations = {}
    for path in sorted((ROOT / "survey" / "questionnaire").rglob("*.py")):
        bad = sorted(module for module in imported_modules(path)
                     if module.split(".")[0] in framework
                     or (module.startswith("survey.") and not module.startswith("survey.questionnaire")
                         and module not in QUESTIONNAIRE_MAY_USE))
        if bad:
            violations[str(path.relative_to(ROOT))] = bad
    assert violations == {}


def test_rule_checker_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert imported_roots(bad) == {"flask", "sqlalchemy"}


def test_nothing_reads_the_environment_at_import_time_in_the_app_packages() -> None:
    offenders = []
    for package in ("survey", "models", "acsi", "reports"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in tree.body:  # module level statements only
                source = ast.unparse(node)
                if "os.environ" in source or "os.getenv" in source:
                    offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
