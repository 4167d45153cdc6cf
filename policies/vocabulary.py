"""Translated labels for the engine's enumeration values.

The engine (``policies.classification``) speaks in English constants; every screen that asks for or
shows one of them uses these (value, lazy label) lists: the calculator now, the review survey forms
later. ``tests/policies/test_explain.py`` fails when the engine gains a value without a label here.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AREA_TYPE_CHOICES = [
    ("urban", _("Urban (ward)")),
    ("rural", _("Rural (commune)")),
]
SEX_CHOICES = [
    ("male", _("Male")),
    ("female", _("Female")),
]
SCHOOLING_CHOICES = [
    ("none", _("Not studying")),
    ("preschool", _("Preschool")),
    ("primary", _("Primary school")),
    ("lower_secondary", _("Lower-secondary school")),
    ("upper_secondary", _("Upper-secondary school")),
    ("vocational", _("Vocational training")),
    ("higher", _("College or university")),
]
EDUCATION_CHOICES = [
    ("none", _("Less than primary")),
    ("primary", _("Primary completed")),
    ("lower_secondary", _("Lower secondary completed")),
    ("upper_secondary", _("Upper secondary completed")),
    ("college_or_higher", _("College or higher")),
]
EMPLOYMENT_CHOICES = [
    ("wage_with_contract", _("Works for wages with a labour contract")),
    ("wage_without_contract", _("Works for wages without a labour contract")),
    ("self_employed", _("Self-employed / farming / own business")),
    ("unemployed", _("Unemployed, looking for work")),
    ("student", _("Student")),
    ("retired", _("Retired")),
    ("homemaker", _("Homemaker")),
    ("other_not_working", _("Other, not working")),
]
WORKING_CAPACITY_CHOICES = [
    ("full", _("Full")),
    ("partial", _("Partial")),
    ("none", _("Unable to work")),
]
NUTRITION_CHOICES = [
    ("normal", _("Normal")),
    ("stunted", _("Stunted")),
    ("underweight", _("Underweight")),
]
WATER_SOURCE_CHOICES = [
    ("piped", _("Piped water")),
    ("drilled_well", _("Drilled well")),
    ("protected_dug_well", _("Protected dug well")),
    ("protected_spring", _("Protected spring")),
    ("rain_water", _("Rain water")),
    ("bottled", _("Bottled water")),
    ("unprotected_well", _("Unprotected well")),
    ("surface_water", _("Surface water (river, lake, pond)")),
    ("other", _("Other source")),
]
LATRINE_CHOICES = [
    ("septic", _("Septic tank")),
    ("semi_septic", _("Semi-septic tank")),
    ("pour_flush", _("Pour-flush latrine")),
    ("ventilated_pit", _("Ventilated improved pit")),
    ("double_vault", _("Double-vault latrine")),
    ("simple_pit", _("Simple pit latrine")),
    ("none", _("No latrine")),
    ("other", _("Other latrine")),
]
DEVICE_CHOICES = [
    ("tv", _("Television")),
    ("radio", _("Radio")),
    ("computer", _("Computer")),
    ("smartphone", _("Smartphone")),
]
HOUSING_PART_CHOICES = [
    ("walls", _("Walls")),
    ("columns", _("Columns")),
    ("roof", _("Roof")),
]
INCOME_SOURCE_CHOICES = [
    ("wages", _("Wages and salaries")),
    ("agriculture", _("Net income from farming, forestry, fishery")),
    ("business", _("Business and services")),
    ("pension", _("Pensions")),
    ("social_allowance", _("State social allowances")),
    ("remittances", _("Money sent by relatives")),
    ("other", _("Other income")),
]
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
}
