"""policies imports neither reviews nor households; only its views ask households.access who the user is."""

import ast
from pathlib import Path

import pytest

POLICIES = Path(__file__).resolve().parents[2] / "policies"
# Views decide access through the one access module (and name roles through its Assignment.Role).
ALLOWED_IN_VIEWS = {"households.access", "households.models"}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


FILES = sorted(p for p in POLICIES.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(POLICIES)) for p in FILES])
def test_policies_modules_do_not_import_households_or_reviews(path):
    project = {m for m in imported_modules(path) if m.split(".")[0] in {"households", "reviews"}}
    allowed = ALLOWED_IN_VIEWS if path.name == "views.py" else set()
    assert project <= allowed, f"{path.name} imports {sorted(project - allowed)}"
