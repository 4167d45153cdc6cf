"""Translated labels for the engine's enumeration values.

The values of survey facts and their one label are declared in ``policies.facts``; the lists here
are derived from it (``fact_choices``) and translated lazily. Every screen that asks for or shows a
value uses them: the calculator, the survey, the registry, the reports, the explanations. ``tests/policies/test_explain.py`` fails when the engine gains a value without a label here.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from policies import facts


def fact_choices(key: str) -> list[tuple[str, object]]:
    """(value, lazy translated label) of a declared fact's values: the one label of each value."""
    return [(value, _(text)) for value, text in facts.FACTS[key].values]


def fact_label(key: str):
    """The question of a declared fact, translated lazily."""
    return _(facts.FACTS[key].label)


def fact_help(key: str):
    text = facts.FACTS[key].help
    return _(text) if text else ""


def value_label(key: str, value: object) -> str:
    """The translated label of one answer to fact ``key`` (yes/no answers read "yes" / "no")."""
    if isinstance(value, bool):
        return str(YES_NO[value])
    return label(fact_choices(key), value)  # type: ignore[arg-type]


YES_NO = {True: _("yes"), False: _("no")}
AREA_TYPE_CHOICES = fact_choices("area_type")
SEX_CHOICES = fact_choices("sex")
SCHOOLING_CHOICES = fact_choices("schooling")
EDUCATION_CHOICES = fact_choices("education")
EMPLOYMENT_CHOICES = fact_choices("employment")
WORKING_CAPACITY_CHOICES = fact_choices("working_capacity")
NUTRITION_CHOICES = fact_choices("nutrition")
WATER_SOURCE_CHOICES = fact_choices("water_source")
LATRINE_CHOICES = fact_choices("latrine")
DEVICE_CHOICES = fact_choices("devices")
HOUSING_PART_CHOICES = fact_choices("durable_parts")
INCOME_SOURCE_CHOICES = fact_choices("income_12m")
SECTION_CHOICES = [(key, _(title)) for key, title in facts.SECTIONS]
CLASS_CHOICES = [
    ("poor", _("Poor household")),
    ("near_poor", _("Near-poor household")),
    ("average", _("Average living standard household")),
    ("not_poor", _("Not poor or near-poor")),
]
DIMENSION_CHOICES = [
    ("employment", _("Employment")),
    ("health", _("Health")),
    ("education", _("Education")),
    ("housing", _("Housing")),
    ("water_sanitation", _("Water and sanitation")),
    ("information", _("Information")),
]
DEPENDANT_DEFINITION_CHOICES = [
    ("age_or_incapacity", _("children, people past working age and people unable to work")),
    ("allowance_recipients", _("children, and elderly or disabled people receiving a monthly social allowance")),
]
# Names of the values a standard may lack ("standard_incomplete").
STANDARD_VALUE_CHOICES = [
    ("income_line", _("income line")),
    ("average_upper", _("average-living upper band")),
    ("deprivation_cutoff", _("deprivation cut-off")),
]

# Which engine constant each list must cover; the test walks this table.
ENGINE_VOCABULARY = {
    "AREA_TYPES": AREA_TYPE_CHOICES,
    "SEXES": SEX_CHOICES,
    "SCHOOLING": SCHOOLING_CHOICES,
    "EDUCATION": EDUCATION_CHOICES,
    "EMPLOYMENT": EMPLOYMENT_CHOICES,
    "WORKING_CAPACITY": WORKING_CAPACITY_CHOICES,
    "NUTRITION": NUTRITION_CHOICES,
    "WATER_SOURCES": WATER_SOURCE_CHOICES,
    "LATRINES": LATRINE_CHOICES,
    "DEVICES": DEVICE_CHOICES,
    "HOUSING_PARTS": HOUSING_PART_CHOICES,
    "INCOME_SOURCES": INCOME_SOURCE_CHOICES,
    "CLASSES": CLASS_CHOICES,
}


def label(choices: list[tuple[str, object]], value: str) -> str:
    """The translated label of ``value``; the raw value if it has none (never hide data)."""
    return str(dict(choices).get(value, value))


# Names of the rule parameters a standard's indicators carry, for the standards pages.
PARAM_LABELS = {
    "working_age_from": _("working age from"),
    "working_age_to_male": _("working age to (men)"),
    "working_age_to_female": _("working age to (women)"),
    "share": _("share of members"),
    "dependant_definition": _("who is a dependant"),
    "child_age_under": _("child: age under"),
    "elderly_age": _("elderly from age"),
    "min_age": _("from age"),
    "bands": _("age bands"),
    "age_from": _("age from"),
    "age_to": _("age under"),
    "parts": _("main parts"),
    "min_non_durable": _("non-durable parts, at least"),
    "min_m2_per_person": _("minimum m² per person"),
    "acceptable": _("acceptable"),
    "devices": _("devices"),
    "rule": _("rule"),
    "fact": _("question"),
    "values": _("answers"),
    "deprived_when": _("deprived when"),
}


def text_choices(key: str, name: str) -> type[models.TextChoices]:
    """A model's TextChoices for a declared fact (members named by value: ``Schooling.NONE``)."""
    return models.TextChoices(name, [(value.upper(), (value, text)) for value, text in fact_choices(key)])
