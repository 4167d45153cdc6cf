"""The one declaration of the facts the survey collects and the rules read.

Every household and member fact is declared here once: its key, its type, its allowed values with
their one label, the survey section that asks it and, for member facts, the ages it is asked for and
a help text. Everything else is derived from this list: the engine's input checks
(``policies.classification``), the labels of values (``policies.vocabulary`` and every screen that
shows a value), the survey section forms (``reviews.forms_survey``), the calculator
(``policies.forms``), both fact adapters (``reviews.facts`` for a case, ``reviews.services`` for
the registry → case copy) and the choices of ``Member`` and ``CaseMember``.

Labels are plain English msgids. ``_`` below marks them for ``makemessages`` (xgettext knows the
``_`` keyword) and does nothing else, so this module imports only the standard library (a test
checks that); the Django layer translates them with ``gettext_lazy`` (``policies.vocabulary``).

A fact that no ``Case`` / ``CaseMember`` column holds is kept in the case's ``answers`` document,
keyed by fact and checked by ``check_answers`` — so a new indicator of an existing rule kind is
a data change (a fact here when it asks something new, its indicator in the standard's data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


def _(message: str) -> str:
    """Marks a msgid for makemessages; translation happens in the Django layer."""
    return message


# Kinds of answer. "money_by_source": whole đồng per value (the value list names the sources).
KINDS = ("choice", "multi_choice", "yes_no", "money_by_source", "decimal", "date", "text")

# The survey's sections, in order, with their titles: listed here once.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("members", _("Members")),
    ("housing", _("Housing")),
    ("water", _("Water and sanitation")),
    ("information", _("Information")),
    ("income", _("Income")),
)
SECTION_KEYS = tuple(key for key, _title in SECTIONS)
# Not asked by the survey: the area type comes from the household's ward or commune.
FROM_REGISTER = "register"


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    kind: str
    label: str
    section: str
    values: tuple[tuple[str, str], ...] = ()
    help: str = ""
    # Member facts: the ages (completed years, inclusive; None = no bound) the question is asked for.
    ages: tuple[int | None, int | None] = (None, None)
    member: bool = False
    # Kept in the engine under another attribute name (identity facts only).
    attribute: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"fact {self.key!r}: unknown kind {self.kind!r}")
        if self.section not in SECTION_KEYS and self.section != FROM_REGISTER:
            raise ValueError(f"fact {self.key!r}: unknown section {self.section!r}")
        if (self.kind in ("choice", "multi_choice", "money_by_source")) != bool(self.values):
            raise ValueError(f"fact {self.key!r}: values go with choice kinds only")

    @property
    def value_keys(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.values)

    @property
    def name(self) -> str:
        """The engine's attribute for this fact."""
        return self.attribute or self.key

    def value_label(self, value: str) -> str:
        return dict(self.values).get(value, value)

    def asked_at(self, age: int) -> bool:
        low, high = self.ages
        return (low is None or age >= low) and (high is None or age <= high)

    def check(self, value: object) -> None:
        """Raise ValueError / TypeError unless ``value`` is a valid answer of this fact."""
        if self.kind == "choice":
            if value not in self.value_keys:
                raise ValueError(f"{self.key}={value!r} is not one of {self.value_keys}")
        elif self.kind == "multi_choice":
            if isinstance(value, str) or not hasattr(value, "__iter__"):
                raise TypeError(f"{self.key} must be a set of values, got {value!r}")
            unknown = set(value) - set(self.value_keys)  # type: ignore[arg-type]
            if unknown:
                raise ValueError(f"{self.key} has unknown values {sorted(map(str, unknown))}; allowed {self.value_keys}")
        elif self.kind == "yes_no":
            if type(value) is not bool:
                raise TypeError(f"{self.key} must be yes or no (bool), got {value!r}")
        elif self.kind == "money_by_source":
            if not isinstance(value, Mapping):
                raise TypeError(f"{self.key} must map sources to đồng, got {value!r}")
            unknown = set(value) - set(self.value_keys)
            if unknown:
                raise ValueError(f"{self.key} has unknown values {sorted(map(str, unknown))}; allowed {self.value_keys}")
            for source, amount in value.items():
                # Money is integer đồng: a float or bool here is a caller bug, not data.
                if type(amount) is not int:
                    raise TypeError(f"{self.key}[{source!r}] must be int đồng, got {amount!r}")
                if amount < 0:
                    raise ValueError(f"{self.key}[{source!r}] must not be negative")
        elif self.kind == "decimal":
            if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
                raise TypeError(f"{self.key} must be Decimal, got {value!r}")
            if value < 0:
                raise ValueError(f"{self.key} must not be negative")
        elif self.kind == "date":
            if not isinstance(value, date):
                raise TypeError(f"{self.key} must be a date, got {value!r}")
        elif self.kind == "text" and not isinstance(value, str):
            raise TypeError(f"{self.key} must be text, got {value!r}")

    def from_json(self, value: object) -> object:
        """An answer as the engine takes it, from its JSON form in a case's answers document."""
        if self.kind == "multi_choice":
            return frozenset(value)  # type: ignore[arg-type]
        if self.kind == "decimal":
            return Decimal(str(value))
        if self.kind == "date" and isinstance(value, str):
            return date.fromisoformat(value)
        return value

    def to_json(self, value: object) -> object:
        if self.kind == "multi_choice":
            return sorted(value)  # type: ignore[call-overload]
        if self.kind == "decimal":
            return str(value)
        if self.kind == "date":
            return value.isoformat()  # type: ignore[attr-defined]
        return value


def _member(key: str, kind: str, label: str, *, values=(), help: str = "", ages=(None, None), attribute: str = "") -> Fact:
    return Fact(key, kind, label, "members", tuple(values), help, ages, True, attribute)


# ----------------------------------------------------------------------------- member facts

MEMBER_FACTS: tuple[Fact, ...] = (
    _member("full_name", "text", _("Full name")),
    _member("date_of_birth", "date", _("Date of birth"), attribute="birth_date"),
    _member("sex", "choice", _("Sex"), values=(("male", _("Male")), ("female", _("Female")))),
    _member(
        "has_health_insurance",
        "yes_no",
        _("Has a health insurance card"),
        help=_("A valid card of any kind (compulsory, voluntary or given by the State)."),
    ),
    _member(
        "schooling",
        "choice",
        _("Currently studying at"),
        values=(
            ("none", _("Not studying")),
            ("preschool", _("Preschool")),
            ("primary", _("Primary school")),
            ("lower_secondary", _("Lower-secondary school")),
            ("upper_secondary", _("Upper-secondary school")),
            ("vocational", _("Vocational training")),
            ("higher", _("College or university")),
        ),
        help=_("What the member attends now, not what they completed."),
        ages=(3, None),
    ),
    # Ordered lowest to highest: the adult-education rule compares ranks.
    _member(
        "education",
        "choice",
        _("Highest level completed"),
        values=(
            ("none", _("Less than primary")),
            ("primary", _("Primary completed")),
            ("lower_secondary", _("Lower secondary completed")),
            ("upper_secondary", _("Upper secondary completed")),
            ("college_or_higher", _("College or higher")),
        ),
        ages=(6, None),
    ),
    _member("has_vocational_training", "yes_no", _("Has vocational or on-the-job training"), ages=(15, None)),
    _member(
        "employment",
        "choice",
        _("Employment"),
        values=(
            ("wage_with_contract", _("Works for wages with a labour contract")),
            ("wage_without_contract", _("Works for wages without a labour contract")),
            ("self_employed", _("Self-employed / farming / own business")),
            ("unemployed", _("Unemployed, looking for work")),
            ("student", _("Student")),
            ("retired", _("Retired")),
            ("homemaker", _("Homemaker")),
            ("other_not_working", _("Other, not working")),
        ),
        ages=(15, None),
    ),
    _member(
        "working_capacity",
        "choice",
        _("Working capacity"),
        values=(("full", _("Full")), ("partial", _("Partial")), ("none", _("Unable to work"))),
        ages=(15, None),
    ),
    _member("has_disability", "yes_no", _("Has a disability")),
    _member("receives_social_allowance", "yes_no", _("Receives a monthly social allowance")),
    _member(
        "nutrition",
        "choice",
        _("Nutrition (children under 16)"),
        values=(("normal", _("Normal")), ("stunted", _("Stunted")), ("underweight", _("Underweight"))),
        help=_("As measured by the health station: short for the age, or light for the age."),
        ages=(0, 15),
    ),
)

# ----------------------------------------------------------------------------- household facts

HOUSEHOLD_FACTS: tuple[Fact, ...] = (
    Fact("area_type", "choice", _("Area type"), FROM_REGISTER, (("urban", _("Urban (ward)")), ("rural", _("Rural (commune)")))),
    Fact(
        "durable_parts",
        "multi_choice",
        _("Main parts of the dwelling made of durable material"),
        "housing",
        (("walls", _("Walls")), ("columns", _("Columns")), ("roof", _("Roof"))),
    ),
    Fact(
        "floor_area_m2",
        "decimal",
        _("Living floor area (m²)"),
        "housing",
        help=_("Total living floor area of the dwelling, in square metres."),
    ),
    Fact(
        "water_source",
        "choice",
        _("Main drinking-water source"),
        "water",
        (
            ("piped", _("Piped water")),
            ("drilled_well", _("Drilled well")),
            ("protected_dug_well", _("Protected dug well")),
            ("protected_spring", _("Protected spring")),
            ("rain_water", _("Rain water")),
            ("bottled", _("Bottled water")),
            ("unprotected_well", _("Unprotected well")),
            ("surface_water", _("Surface water (river, lake, pond)")),
            ("other", _("Other source")),
        ),
    ),
    Fact(
        "latrine",
        "choice",
        _("Latrine"),
        "water",
        (
            ("septic", _("Septic tank")),
            ("semi_septic", _("Semi-septic tank")),
            ("pour_flush", _("Pour-flush latrine")),
            ("ventilated_pit", _("Ventilated improved pit")),
            ("double_vault", _("Double-vault latrine")),
            ("simple_pit", _("Simple pit latrine")),
            ("none", _("No latrine")),
            ("other", _("Other latrine")),
        ),
    ),
    # Decree 351/2025/NĐ-CP adds household-waste treatment [H for the indicator; values L].
    Fact(
        "household_waste",
        "choice",
        _("How the household's waste is handled"),
        "water",
        (
            ("collected", _("Collected by a waste service")),
            ("treated_on_site", _("Sorted and treated hygienically at home (compost, bio-bin)")),
            ("burned", _("Burned")),
            ("buried", _("Buried")),
            ("discarded", _("Thrown away in the open, a river or a pond")),
            ("other", _("Other way")),
        ),
    ),
    Fact("uses_telecom", "yes_no", _("A member uses telephone or internet services"), "information"),
    Fact(
        "devices",
        "multi_choice",
        _("Information devices the household has"),
        "information",
        (("tv", _("Television")), ("radio", _("Radio")), ("computer", _("Computer")), ("smartphone", _("Smartphone"))),
    ),
    Fact("within_loudspeaker_reach", "yes_no", _("Within reach of the village loudspeaker"), "information"),
    # Decree 351/2025/NĐ-CP adds the use of digital services / internet access [H for the indicator; values L].
    Fact(
        "digital_services",
        "choice",
        _("Internet access and digital services"),
        "information",
        (
            ("uses_digital_services", _("A member uses digital services (online public services, e-payment, …)")),
            ("internet_only", _("Has internet access, but no member uses digital services")),
            ("no_internet", _("No internet access")),
        ),
        help=_("Internet over a phone counts as access."),
    ),
    Fact(
        "income_12m",
        "money_by_source",
        _("Income over the last 12 months"),
        "income",
        (
            ("wages", _("Wages and salaries")),
            ("agriculture", _("Net income from farming, forestry, fishery")),
            ("business", _("Business and services")),
            ("pension", _("Pensions")),
            ("social_allowance", _("State social allowances")),
            ("remittances", _("Money sent by relatives")),
            ("other", _("Other income")),
        ),
    ),
    Fact("in_agriculture", "yes_no", _("Household works in agriculture, forestry, fishery or salt-making"), "income"),
)

FACTS: dict[str, Fact] = {}
for _fact in (*MEMBER_FACTS, *HOUSEHOLD_FACTS):
    if _fact.key in FACTS:
        raise ValueError(f"fact {_fact.key!r} is declared twice")
    FACTS[_fact.key] = _fact
del _fact

MEMBERS = {f.key: f for f in MEMBER_FACTS}
HOUSEHOLD = {f.key: f for f in HOUSEHOLD_FACTS}
# Member facts that say who the person is; the others are what the survey asks about them.
PERSON_KEYS = ("full_name", "date_of_birth", "sex")
MEMBER_ANSWER_KEYS = tuple(f.key for f in MEMBER_FACTS if f.key not in PERSON_KEYS)


def values_of(key: str) -> tuple[str, ...]:
    """The allowed values of a choice fact, in declared order (the engine's vocabulary)."""
    return FACTS[key].value_keys


def section_facts(section: str) -> tuple[Fact, ...]:
    return tuple(f for f in HOUSEHOLD_FACTS if f.section == section)


def check_answers(answers: Mapping[str, object], *, member: bool = False) -> None:
    """Check a document of answers keyed by fact (values in engine form); raise ValueError."""
    declared = MEMBERS if member else HOUSEHOLD
    for key, value in answers.items():
        if key not in declared:
            raise ValueError(f"{key!r} is not a declared {'member' if member else 'household'} fact")
        if value is not None:
            declared[key].check(value)


def answers_from_json(doc: Mapping[str, object], *, member: bool = False) -> dict[str, object]:
    """A stored answers document in engine form, checked against the declaration."""
    declared = MEMBERS if member else HOUSEHOLD
    unknown = set(doc) - set(declared)
    if unknown:
        raise ValueError(f"undeclared facts in answers: {sorted(unknown)}")
    answers = {key: (None if value is None else declared[key].from_json(value)) for key, value in doc.items()}
    check_answers(answers, member=member)
    return answers
