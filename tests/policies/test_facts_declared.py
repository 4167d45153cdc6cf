"""Each survey fact, its values and their labels are declared once, in policies/facts.py.

How it is checked: the source of the project (Python and templates, not migrations or tests) is
parsed; (1) every label of a fact or of a value is a string literal in policies/facts.py only; (2) no
other module spells out a fact's list of values; other modules refer to facts by key only (``fact_choices("schooling")``)."""

import ast
from pathlib import Path

from policies import facts

ROOT = Path(__file__).resolve().parents[2]
APPS = ("policies", "reviews", "households", "povertyportal")
DECLARATION = ROOT / "policies" / "facts.py"


def sources(suffix):
    for app in APPS:
        for path in (ROOT / app).rglob(f"*{suffix}"):
            if "migrations" not in path.parts and path != DECLARATION:
                yield path


def literals(path):
    return {node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Constant)}


# The modules the issue derives from the declaration: engine checks, labels, forms, adapters, models.
DERIVED = [
    "policies/classification.py",
    "policies/vocabulary.py",
    "policies/explain.py",
    "policies/forms.py",
    "reviews/forms_survey.py",
    "reviews/facts.py",
    "reviews/services.py",
    "reviews/models.py",
    "households/models.py",
]


def test_every_label_of_a_fact_or_value_is_written_only_in_the_declaration():
    labels = {text for f in facts.FACTS.values() for _v, text in f.values}
    labels -= {"Other", "Employment", "Male", "Female", "Full", "Partial", "Normal", "None"}  # common words
    found = {}
    for path in (ROOT / name for name in DERIVED):
        for text in literals(path) & labels:
            found.setdefault(text, []).append(str(path.relative_to(ROOT)))
    for path in sources(".html"):
        content = path.read_text(encoding="utf-8")
        for text in labels:
            if f'"{text}"' in content:
                found.setdefault(text, []).append(str(path.relative_to(ROOT)))
    assert found == {}


def test_no_derived_module_spells_out_the_values_of_a_fact():
    value_lists = {f.value_keys for f in facts.FACTS.values() if len(f.values) > 1}
    found = []
    for path in (ROOT / name for name in DERIVED):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            constant = isinstance(node, ast.Tuple | ast.List) and all(isinstance(e, ast.Constant) for e in node.elts)
            if constant and tuple(e.value for e in node.elts) in value_lists:
                found.append((str(path.relative_to(ROOT)), node.lineno))
    assert found == []


def test_the_declaration_rejects_a_key_declared_twice_and_lists_the_sections_once():
    assert len(facts.FACTS) == len(facts.MEMBER_FACTS) + len(facts.HOUSEHOLD_FACTS)
    assert {f.section for f in facts.HOUSEHOLD_FACTS} - {facts.FROM_REGISTER} <= set(facts.SECTION_KEYS)
