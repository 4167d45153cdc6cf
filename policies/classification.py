"""Pure classification engine: household facts + a poverty standard -> class and reasons.

Implements Decree 07/2021/NĐ-CP, Art. 3 (classification) and its annex (deprivation indicators),
as extended by Decree 351/2025/NĐ-CP. Every number (lines, bands, cut-off, ages, m², lists) is data
carried by a ``StandardSpec``; nothing here is a literal threshold. Results are structured
``Reason`` codes (documented in ``REASON_CODES``) that the Django layer translates.

This module imports only the standard library and the pure fact declaration ``policies.facts``;
a test checks that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import policies.facts as facts_declared

# The vocabulary of the facts, from their one declaration (policies/facts.py).
AREA_TYPES = facts_declared.values_of("area_type")
SEXES = facts_declared.values_of("sex")
SCHOOLING = facts_declared.values_of("schooling")
# Ordered lowest to highest: the adult-education rule compares ranks.
EDUCATION = facts_declared.values_of("education")
EMPLOYMENT = facts_declared.values_of("employment")
WORKING_CAPACITY = facts_declared.values_of("working_capacity")
NUTRITION = facts_declared.values_of("nutrition")
WATER_SOURCES = facts_declared.values_of("water_source")
LATRINES = facts_declared.values_of("latrine")
DEVICES = facts_declared.values_of("devices")
INCOME_SOURCES = facts_declared.values_of("income_12m")
HOUSING_PARTS = facts_declared.values_of("durable_parts")
CLASSES = ("poor", "near_poor", "average", "not_poor")

# Income from state social allowances is left out when identifying average-living-standard
# households (domain.md, Income [H]); it still counts for the poor / near-poor line.
EXCLUDED_FROM_AVERAGE_BAND = ("social_allowance",)

REASON_CODES: dict[str, str] = {
    # Indicator reasons (member_ref/member_name set when a member is the cause).
    "unemployed": "{member_name}, aged {age}, of working age, is unemployed",
    "wage_without_contract": "{member_name}, aged {age}, of working age, works for wages without a labour contract",
    "dependants_over_half": "{dependants} of {members} members are dependants ({definition}), more than {share} of members",
    "child_stunted": "{member_name}, aged {age}, is stunted",
    "child_underweight": "{member_name}, aged {age}, is underweight",
    "no_health_insurance": "{member_name}, aged {age}, has no health insurance card",
    "adult_education_lacking": "{member_name}, aged {age}, has completed {education}, needs {required}, and is not studying",
    "child_not_in_school": "{member_name}, aged {age}, is not attending school",
    "non_durable_parts": "{count} main parts of the dwelling are not durable: {parts}",
    "floor_area_below": "floor area is {per_person} m² per person, under the minimum of {minimum} m²",
    "unsafe_water": "the household's water source ({source}) is not a clean source",
    "unhygienic_latrine": "the household's latrine ({latrine}) is not hygienic",
    "no_telecom": "no member uses telecom or internet services",
    "no_information_device": "the household has none of {devices} and is out of reach of the village loudspeaker",
    # Generic rule kinds: question is a fact key, answer one of its values (yes/no: a bool).
    "household_answer": "the answer to “{question}” is “{answer}”",
    "member_answer": "{member_name}, aged {age}: {question}: {answer}",
    "members_share_answer": "{count} of {members} members in the age band: {question}: {answers}, more than {share} of them",
    # Classification reasons.
    "income_at_or_below_line": "income is {per_person} đồng per person per month, at or under the line of {line}",
    "income_above_line": "income is {per_person} đồng per person per month, above the line of {line}",
    "income_within_average_band": (
        "income without state social allowances ({social_allowance_12m} đồng/12 months) is {per_person} "
        "đồng per person per month, at or under the average-living-standard upper band of {upper}"
    ),
    "income_above_average_band": (
        "income without state social allowances ({social_allowance_12m} đồng/12 months) is {per_person} "
        "đồng per person per month, above the average-living-standard upper band of {upper}"
    ),
    "average_band_not_set": "the standard has no average-living-standard band for {area_type} areas",
    "deprivations_at_or_above_cutoff": "deprived on {count} indicators, at or above the cut-off of {cutoff}",
    "deprivations_below_cutoff": "deprived on {count} indicators, below the cut-off of {cutoff}",
    "standard_incomplete": "the standard has no {missing} for {area_type} areas yet, so no class can be given",
    "answers_missing": "the survey has not answered {questions} yet, so no class is given on default answers",
}


def _freeze(value: Any) -> Any:
    """Deep-freeze JSON-like data so specs and reasons cannot be changed after creation."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return value


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {choices}")


def _check_subset(name: str, values: Iterable[object], choices: tuple[str, ...]) -> None:
    unknown = set(values) - set(choices)
    if unknown:
        raise ValueError(f"{name} has unknown values {sorted(map(str, unknown))}; allowed {choices}")


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberFacts:
    ref: str
    full_name: str
    birth_date: date
    sex: str
    has_health_insurance: bool
    schooling: str
    education: str
    has_vocational_training: bool
    employment: str
    working_capacity: str
    has_disability: bool
    receives_social_allowance: bool
    nutrition: str

    # Answers to declared member facts that have no attribute above, keyed by fact (None: not answered).
    answers: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        _check_declared(self, facts_declared.MEMBER_FACTS, member=True)

    def answer(self, key: str) -> object:
        """The answer to a declared member fact, None when not answered."""
        fact = facts_declared.MEMBERS[key]
        return getattr(self, fact.name) if fact.name in _MEMBER_ATTRIBUTES else self.answers.get(key)


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    reference_date: date
    area_type: str
    members: tuple[MemberFacts, ...]
    durable_parts: frozenset[str]
    floor_area_m2: Decimal
    water_source: str
    latrine: str
    uses_telecom: bool
    devices: frozenset[str]
    within_loudspeaker_reach: bool
    income_12m: Mapping[str, int] = field(hash=False)
    in_agriculture: bool

    # Answers to declared household facts that have no attribute above (the case's answers
    # document), keyed by fact; a fact missing here is not answered.
    answers: Mapping[str, object] = field(default_factory=dict, hash=False)
    # Facts the survey has not answered yet (their attribute holds a default): a standard that reads
    # one of them gives no class (``missing_answers``). Empty for the calculator, which asks all.
    unanswered: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        _check_declared(self, facts_declared.HOUSEHOLD_FACTS, member=False)
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "durable_parts", frozenset(self.durable_parts))
        object.__setattr__(self, "devices", frozenset(self.devices))
        object.__setattr__(self, "floor_area_m2", Decimal(self.floor_area_m2))
        object.__setattr__(self, "income_12m", MappingProxyType(dict(self.income_12m)))
        object.__setattr__(self, "unanswered", frozenset(self.unanswered))

    def answer(self, key: str) -> object:
        """The answer to a declared household fact, None when not answered."""
        if key in self.unanswered:
            return None
        fact = facts_declared.HOUSEHOLD[key]
        if fact.name in _HOUSEHOLD_ATTRIBUTES:
            return getattr(self, fact.name)
        return self.answers.get(key)


_MEMBER_ATTRIBUTES = frozenset(MemberFacts.__dataclass_fields__) - {"answers", "ref"}
_HOUSEHOLD_ATTRIBUTES = frozenset(HouseholdFacts.__dataclass_fields__) - {"answers", "unanswered", "members", "reference_date"}


def _check_declared(obj: MemberFacts | HouseholdFacts, declared: tuple[facts_declared.Fact, ...], *, member: bool) -> None:
    """Input checks derived from the declaration: each attribute and each extra answer is a valid
    value of its declared fact, and no answer is of an undeclared fact."""
    attributes = _MEMBER_ATTRIBUTES if member else _HOUSEHOLD_ATTRIBUTES
    for fact in declared:
        if fact.name in attributes:
            fact.check(getattr(obj, fact.name))
    extra = {k: v for k, v in obj.answers.items()}
    shadowed = [k for k in extra if facts_declared.FACTS.get(k) and facts_declared.FACTS[k].name in attributes]
    if shadowed:
        raise ValueError(f"answers {shadowed} have their own attribute")
    facts_declared.check_answers(extra, member=member)
    converted = {k: (frozenset(v) if isinstance(v, list | set | tuple) else v) for k, v in extra.items()}
    object.__setattr__(obj, "answers", MappingProxyType(converted))


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    key: str
    dimension: str
    name: str
    rule: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(self.params))


@dataclass(frozen=True, slots=True)
class AreaThresholds:
    """Income line and upper band of the average living standard, VND per person per month."""

    income_line: int
    average_upper: int | None = None

    def __post_init__(self) -> None:
        if type(self.income_line) is not int or self.income_line <= 0:
            raise ValueError(f"income_line must be a positive int, got {self.income_line!r}")
        if self.average_upper is not None and (type(self.average_upper) is not int or self.average_upper <= self.income_line):
            raise ValueError(f"average_upper must be an int above the income line, got {self.average_upper!r}")


@dataclass(frozen=True, slots=True)
class StandardSpec:
    code: str
    name: str
    legal_basis: str
    valid_from: date
    valid_to: date | None
    thresholds: Mapping[str, AreaThresholds | None] = field(hash=False)
    deprivation_cutoff: int | None
    indicators: tuple[IndicatorSpec, ...]

    def __post_init__(self) -> None:
        _check_subset("thresholds", self.thresholds, AREA_TYPES)
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"{self.code}: valid_to {self.valid_to} is before valid_from {self.valid_from}")
        if self.deprivation_cutoff is not None and (type(self.deprivation_cutoff) is not int or self.deprivation_cutoff < 1):
            raise ValueError(f"{self.code}: deprivation_cutoff must be a positive int or None")
        keys = [i.key for i in self.indicators]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{self.code}: duplicate indicator keys in {keys}")
        for indicator in self.indicators:
            _validate_indicator(indicator)
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))
        object.__setattr__(self, "indicators", tuple(self.indicators))


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    member_ref: str | None = None
    member_name: str | None = None
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _freeze(self.params))


@dataclass(frozen=True, slots=True)
class Deprivation:
    key: str
    dimension: str
    name: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class ClassificationResult:
    standard_code: str
    standard_name: str
    legal_basis: str
    area_type: str
    household_class: str | None
    income_per_person_month: Decimal
    total_income_12m: int
    income_for_average_band_per_person_month: Decimal
    member_count: int
    income_line: int | None
    average_upper: int | None
    cutoff: int | None
    deprivations: tuple[Deprivation, ...]
    deprivation_count: int
    average_band_applies: bool
    reasons: tuple[Reason, ...]
    # Facts the standard reads that the survey has not answered: while any is, no class is given.
    missing_answers: tuple[str, ...] = ()
    # While answers are missing: the class the answers so far point to (unanswered indicators
    # counted as not deprived), shown as provisional ("tạm tính"); None when the income itself or
    # the standard's line is missing. Never the household's class.
    provisional_class: str | None = None


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def age_on(birth_date: date, on: date) -> int:
    """Completed years on ``on``. Someone born on 29 February turns a year older on 1 March."""
    if birth_date > on:
        raise ValueError(f"birth date {birth_date} is after {on}")
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def active_standards(standards: Iterable[StandardSpec], on: date) -> tuple[StandardSpec, ...]:
    """Standards in force on ``on`` (both ends inclusive; an open end never expires), in given order."""
    return tuple(s for s in standards if s.valid_from <= on and (s.valid_to is None or on <= s.valid_to))


def _member_reason(code: str, member: MemberFacts, **params: object) -> Reason:
    return Reason(code=code, member_ref=member.ref, member_name=member.full_name, params=params)


def _ages(facts: HouseholdFacts) -> list[tuple[MemberFacts, int]]:
    return [(m, age_on(m.birth_date, facts.reference_date)) for m in facts.members]


def _exact(value: object) -> Fraction:
    # Via str so that a JSON 0.5 or "0.5" becomes exactly 1/2, never a binary float.
    return Fraction(str(value))


def _is_working_age(member: MemberFacts, age: int, params: Mapping[str, object]) -> bool:
    upper = params["working_age_to_male"] if member.sex == "male" else params["working_age_to_female"]
    return params["working_age_from"] <= age <= upper  # type: ignore[operator]


# --------------------------------------------------------------------------------------------
# Rules: one function per indicator rule, registered by name. A new indicator set is new data
# plus new functions registered here; existing rules stay untouched.
# --------------------------------------------------------------------------------------------

Rule = Callable[[HouseholdFacts, IndicatorSpec], tuple[Reason, ...]]
RULES: dict[str, Rule] = {}
# Parameters each rule needs, and an optional value check, used to reject bad data on load.
RULE_PARAMS: dict[str, tuple[str, ...]] = {}
_RULE_CHECKS: dict[str, Callable[[Mapping[str, Any]], None]] = {}


# The declared facts (policies/facts.py) each rule reads: a tuple, or a function of the params for a
# generic rule kind. The survey asks what the round's standards read (``facts_read``).
RULE_READS: dict[str, tuple[str, ...] | Callable[[Mapping[str, Any]], tuple[str, ...]]] = {}


def register_rule(
    name: str,
    params: tuple[str, ...] = (),
    check: Callable[[Mapping[str, Any]], None] | None = None,
    reads: tuple[str, ...] | Callable[[Mapping[str, Any]], tuple[str, ...]] = (),
) -> Callable[[Rule], Rule]:
    def decorator(fn: Rule) -> Rule:
        if name in RULES:
            raise ValueError(f"rule {name!r} is already registered")
        undeclared = [key for key in (reads if isinstance(reads, tuple) else ()) if key not in facts_declared.FACTS]
        if undeclared:
            raise ValueError(f"rule {name!r} reads undeclared facts {undeclared}")
        RULES[name] = fn
        RULE_PARAMS[name] = params
        RULE_READS[name] = reads
        if check is not None:
            _RULE_CHECKS[name] = check
        return fn

    return decorator


def _validate_indicator(indicator: IndicatorSpec) -> None:
    if indicator.rule not in RULES:
        raise ValueError(f"indicator {indicator.key!r}: unknown rule {indicator.rule!r}; known {sorted(RULES)}")
    missing = [p for p in RULE_PARAMS[indicator.rule] if p not in indicator.params]
    if missing:
        raise ValueError(f"indicator {indicator.key!r}: rule {indicator.rule!r} needs params {missing}")
    if indicator.rule in _RULE_CHECKS:
        try:
            _RULE_CHECKS[indicator.rule](indicator.params)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"indicator {indicator.key!r}: malformed params ({exc})") from exc


_WORKING_AGE = ("working_age_from", "working_age_to_male", "working_age_to_female")


@register_rule("employment", params=_WORKING_AGE, reads=("sex", "employment"))
def rule_employment(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 1 (employment).

    Deprived when a working-age member is unemployed or works for wages without a labour contract.
    Params: working_age_from [M]; working_age_to_male / working_age_to_female [L] — the last
    completed year of age still counted as working age (the retirement age rises every year under
    the 2019 Labour Code, so these are set per data vintage).
    """
    return tuple(
        _member_reason(m.employment, m, age=age)
        for m, age in _ages(facts)
        if m.employment in ("unemployed", "wage_without_contract") and _is_working_age(m, age, spec.params)
    )


def _check_dependants(p: Mapping[str, Any]) -> None:
    _check_choice("dependant_definition", p["dependant_definition"], ("age_or_incapacity", "allowance_recipients"))
    if not 0 <= _exact(p["share"]) < 1:
        raise ValueError("share must be in [0, 1)")


@register_rule(
    "dependants",
    params=("share", "dependant_definition", "child_age_under", "elderly_age", *_WORKING_AGE),
    check=_check_dependants,
    reads=("sex", "working_capacity", "has_disability", "receives_social_allowance"),
)
def rule_dependants(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 2 (dependants in the household).

    Deprived when dependants are strictly more than ``share`` of members [M].
    Who is a dependant is the ``dependant_definition`` parameter [L]: children under
    ``child_age_under`` always; then either "age_or_incapacity" (past working age, or working
    capacity "none") or "allowance_recipients" (aged ``elderly_age`` or over, or disabled, and
    receiving a monthly social allowance — the 2026–2030 drafting reading).
    """
    p = spec.params

    def is_dependant(m: MemberFacts, age: int) -> bool:
        if age < p["child_age_under"]:  # type: ignore[operator]
            return True
        if p["dependant_definition"] == "age_or_incapacity":
            past_working_age = age > (p["working_age_to_male"] if m.sex == "male" else p["working_age_to_female"])  # type: ignore[operator]
            return past_working_age or m.working_capacity == "none"
        return (age >= p["elderly_age"] or m.has_disability) and m.receives_social_allowance  # type: ignore[operator]

    members = len(facts.members)
    dependants = sum(1 for m, age in _ages(facts) if is_dependant(m, age))
    if members and Fraction(dependants, members) > _exact(p["share"]):
        return (
            Reason(
                "dependants_over_half",
                params={
                    "dependants": dependants,
                    "members": members,
                    "share": str(p["share"]),
                    "definition": p["dependant_definition"],
                },
            ),
        )
    return ()


@register_rule("child_nutrition", params=("child_age_under",), reads=("nutrition",))
def rule_child_nutrition(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 3 (nutrition).

    Deprived when a member under ``child_age_under`` (16) is stunted or underweight [M].
    """
    return tuple(
        _member_reason(f"child_{m.nutrition}", m, age=age)
        for m, age in _ages(facts)
        if age < spec.params["child_age_under"] and m.nutrition in ("stunted", "underweight")  # type: ignore[operator]
    )


@register_rule("health_insurance", params=("min_age",), reads=("has_health_insurance",))
def rule_health_insurance(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 4 (health insurance).

    Deprived when a member aged ``min_age`` (6) or over has no health insurance card [M].
    """
    return tuple(
        _member_reason("no_health_insurance", m, age=age)
        for m, age in _ages(facts)
        if age >= spec.params["min_age"] and not m.has_health_insurance  # type: ignore[operator]
    )


def _check_adult_education(p: Mapping[str, Any]) -> None:
    for band in p["bands"]:
        _check_choice("required_education", band["required_education"], EDUCATION)
        if not band["age_from"] <= band["age_to"] or not isinstance(band["vocational_counts"], bool):
            raise ValueError(f"malformed education band {dict(band)}")


@register_rule(
    "adult_education",
    params=("bands",),
    check=_check_adult_education,
    reads=("schooling", "education", "has_vocational_training"),
)
def rule_adult_education(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 5 (adult education).

    Deprived when a member in an age band (``age_from``..``age_to`` inclusive) is not studying and
    has completed less than the band's ``required_education``, unless the band lets vocational or
    on-the-job training count and the member has it. Bands [M]: 16–17 lower secondary; 18–30 upper
    secondary or vocational training.
    """
    reasons = []
    for m, age in _ages(facts):
        for band in spec.params["bands"]:  # type: ignore[attr-defined]
            if not band["age_from"] <= age <= band["age_to"] or m.schooling != "none":
                continue
            required = band["required_education"]
            if EDUCATION.index(m.education) >= EDUCATION.index(required):
                continue
            if band["vocational_counts"] and m.has_vocational_training:
                continue
            reasons.append(_member_reason("adult_education_lacking", m, age=age, required=required, education=m.education))
            break  # one reason per member even if bands overlap
    return tuple(reasons)


@register_rule("child_schooling", params=("age_from", "age_to"), reads=("schooling",))
def rule_child_schooling(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 6 (children's school attendance).

    Deprived when a child with ``age_from`` (3) <= age < ``age_to`` (16) attends no school [M].
    Whether the level attended is right for the age is not checked (the survey does not say).
    """
    p = spec.params
    return tuple(
        _member_reason("child_not_in_school", m, age=age)
        for m, age in _ages(facts)
        if p["age_from"] <= age < p["age_to"] and m.schooling == "none"  # type: ignore[operator]
    )


def _check_housing(p: Mapping[str, Any]) -> None:
    _check_subset("parts", p["parts"], HOUSING_PARTS)


@register_rule("housing_quality", params=("parts", "min_non_durable"), check=_check_housing, reads=("durable_parts",))
def rule_housing_quality(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 7 (housing quality).

    Deprived when at least ``min_non_durable`` (2) of ``parts`` (walls, columns, roof) are not of
    durable material [M: 2016–2020 wording, likely carried over].
    """
    non_durable = tuple(part for part in spec.params["parts"] if part not in facts.durable_parts)  # type: ignore[attr-defined]
    if len(non_durable) >= spec.params["min_non_durable"]:  # type: ignore[operator]
        return (Reason("non_durable_parts", params={"parts": non_durable, "count": len(non_durable)}),)
    return ()


@register_rule("floor_area", params=("min_m2_per_person",), reads=("floor_area_m2",))
def rule_floor_area(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 8 (floor area per person).

    Deprived when floor area per person is under ``min_m2_per_person`` (8 m²) [M-H].
    """
    minimum = Decimal(str(spec.params["min_m2_per_person"]))
    members = len(facts.members)
    # Compare without dividing so that no rounding can move a household across the edge.
    if facts.floor_area_m2 < minimum * members:
        # Rounded down for display so a deprived household never shows the minimum itself.
        per_person = (facts.floor_area_m2 / members).quantize(Decimal("0.01"), rounding=ROUND_FLOOR)
        return (Reason("floor_area_below", params={"per_person": per_person, "minimum": minimum}),)
    return ()


def _check_water(p: Mapping[str, Any]) -> None:
    _check_subset("acceptable", p["acceptable"], WATER_SOURCES)


@register_rule("drinking_water", params=("acceptable",), check=_check_water, reads=("water_source",))
def rule_drinking_water(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 9 (domestic water).

    Deprived when the water source is not in ``acceptable`` [M: 2016–2020 list].
    """
    if facts.water_source not in spec.params["acceptable"]:  # type: ignore[operator]
        return (Reason("unsafe_water", params={"source": facts.water_source}),)
    return ()


def _check_latrine(p: Mapping[str, Any]) -> None:
    _check_subset("acceptable", p["acceptable"], LATRINES)


@register_rule("hygienic_latrine", params=("acceptable",), check=_check_latrine, reads=("latrine",))
def rule_hygienic_latrine(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 10 (hygienic latrine).

    Deprived when the latrine type is not in ``acceptable`` [M: 2016–2020 list].
    """
    if facts.latrine not in spec.params["acceptable"]:  # type: ignore[operator]
        return (Reason("unhygienic_latrine", params={"latrine": facts.latrine}),)
    return ()


@register_rule("telecom_use", reads=("uses_telecom",))
def rule_telecom_use(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 11 (use of telecom services).

    Deprived when no member uses telecom / internet services [L-M]. No parameters.
    """
    return () if facts.uses_telecom else (Reason("no_telecom"),)


def _check_devices(p: Mapping[str, Any]) -> None:
    _check_subset("devices", p["devices"], DEVICES)


@register_rule("information_devices", params=("devices",), check=_check_devices, reads=("devices", "within_loudspeaker_reach"))
def rule_information_devices(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Decree 07/2021/NĐ-CP, Annex, indicator 12 (means of access to information).

    Deprived when the household has none of ``devices`` and is out of reach of the village
    loudspeaker [L]. Dropped from the 2027–2030 set by Decree 351/2025/NĐ-CP [H].
    """
    wanted = tuple(spec.params["devices"])  # type: ignore[call-overload]
    if not facts.devices & set(wanted) and not facts.within_loudspeaker_reach:
        return (Reason("no_information_device", params={"devices": wanted}),)
    return ()


# --------------------------------------------------------------------------------------------
# Generic rule kinds: a simple indicator over a declared fact is configured in the standard's data
# (rule + params), not coded. The fact is named by its key in policies/facts.py.
# --------------------------------------------------------------------------------------------


def _declared_fact(p: Mapping[str, Any], *, member: bool) -> facts_declared.Fact:
    declared = facts_declared.MEMBERS if member else facts_declared.HOUSEHOLD
    fact = declared.get(p["fact"])
    if fact is None:
        raise ValueError(f"{p['fact']!r} is not a declared {'member' if member else 'household'} fact")
    return fact


def _check_answer_values(fact: facts_declared.Fact, values: object) -> None:
    if isinstance(values, str) or not isinstance(values, tuple | list):
        raise ValueError(f"values must be a list, got {values!r}")
    if fact.kind == "yes_no":
        if not all(type(value) is bool for value in values):
            raise ValueError(f"values of the yes/no fact {fact.key!r} are true / false")
    elif fact.kind in ("choice", "multi_choice"):
        _check_subset("values", values, fact.value_keys)
    else:
        raise ValueError(f"fact {fact.key!r} of kind {fact.kind!r} cannot be compared with a set of values")


def _matches(fact: facts_declared.Fact, answer: object, values: Iterable[object]) -> bool:
    if fact.kind == "multi_choice":
        return bool(frozenset(answer) & set(values))  # type: ignore[arg-type]
    return answer in tuple(values)


def _check_household_answer_in(p: Mapping[str, Any]) -> None:
    fact = _declared_fact(p, member=False)
    _check_answer_values(fact, p["values"])
    _check_choice("deprived_when", p["deprived_when"], ("in", "not_in"))


def _reads_fact(p: Mapping[str, Any]) -> tuple[str, ...]:
    return (p["fact"],)


@register_rule(
    "household_answer_in", params=("fact", "values", "deprived_when"), check=_check_household_answer_in, reads=_reads_fact
)
def rule_household_answer_in(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Generic: deprived when the household's answer to ``fact`` is (``deprived_when`` "in") or is not
    ("not_in") one of ``values``; for a multi-choice fact, "in" means any of them was ticked. An
    unanswered fact deprives nothing; the result names it as missing instead."""
    p = spec.params
    fact = facts_declared.HOUSEHOLD[p["fact"]]  # type: ignore[index]
    answer = facts.answer(fact.key)
    if answer is None:
        return ()
    hit = _matches(fact, answer, p["values"])  # type: ignore[arg-type]
    if hit == (p["deprived_when"] == "in"):
        shown = tuple(sorted(answer)) if fact.kind == "multi_choice" else answer  # type: ignore[call-overload]
        return (Reason("household_answer", params={"question": fact.key, "answer": shown}),)
    return ()


def _check_household_yes_no(p: Mapping[str, Any]) -> None:
    fact = _declared_fact(p, member=False)
    if fact.kind != "yes_no" or type(p["deprived_when"]) is not bool:
        raise ValueError(f"household_yes_no needs a yes/no fact and deprived_when true or false, got {dict(p)}")


@register_rule("household_yes_no", params=("fact", "deprived_when"), check=_check_household_yes_no, reads=_reads_fact)
def rule_household_yes_no(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Generic: deprived when the household's yes/no answer to ``fact`` equals ``deprived_when``."""
    key = spec.params["fact"]
    answer = facts.answer(key)  # type: ignore[arg-type]
    if answer is not None and answer is spec.params["deprived_when"]:
        return (Reason("household_answer", params={"question": key, "answer": answer}),)
    return ()


def _check_members_meet(p: Mapping[str, Any]) -> None:
    fact = _declared_fact(p, member=True)
    _check_answer_values(fact, p["values"])
    for bound in ("age_from", "age_to"):
        if p[bound] is not None and (type(p[bound]) is not int or p[bound] < 0):
            raise ValueError(f"{bound} must be a whole age or null")
    if p["age_from"] is not None and p["age_to"] is not None and p["age_from"] > p["age_to"]:
        raise ValueError("age_from is above age_to")
    if p["share"] is not None and not 0 <= _exact(p["share"]) < 1:
        raise ValueError("share must be null (any member) or in [0, 1)")


def _in_band(age: int, p: Mapping[str, object]) -> bool:
    return (p["age_from"] is None or age >= p["age_from"]) and (p["age_to"] is None or age <= p["age_to"])  # type: ignore[operator]


@register_rule(
    "members_meet",
    params=("fact", "values", "age_from", "age_to", "share"),
    check=_check_members_meet,
    reads=_reads_fact,
)
def rule_members_meet(facts: HouseholdFacts, spec: IndicatorSpec) -> tuple[Reason, ...]:
    """Generic: among members aged ``age_from``..``age_to`` (inclusive; null: no bound) whose answer to
    the member ``fact`` is one of ``values``: with ``share`` null, deprived when any is (one reason
    per member); else deprived when they are strictly more than ``share`` of the members in the band."""
    p = spec.params
    fact = facts_declared.MEMBERS[p["fact"]]  # type: ignore[index]
    band = [(m, age) for m, age in _ages(facts) if _in_band(age, p)]
    meeting = [(m, age) for m, age in band if (a := m.answer(fact.key)) is not None and _matches(fact, a, p["values"])]  # type: ignore[arg-type]
    if p["share"] is None:
        return tuple(
            _member_reason("member_answer", m, age=age, question=fact.key, answer=m.answer(fact.key)) for m, age in meeting
        )
    if band and Fraction(len(meeting), len(band)) > _exact(p["share"]):
        return (
            Reason(
                "members_share_answer",
                params={
                    "count": len(meeting),
                    "members": len(band),
                    "question": fact.key,
                    "answers": tuple(p["values"]),  # type: ignore[call-overload]
                    "share": str(p["share"]),
                },
            ),
        )
    return ()


def facts_read(standard: StandardSpec) -> tuple[str, ...]:
    """The declared facts the standard's indicators read, in declaration order: what the survey asks."""
    keys: set[str] = set()
    for spec in standard.indicators:
        reads = RULE_READS[spec.rule]
        keys.update(reads(spec.params) if callable(reads) else reads)
    return tuple(key for key in facts_declared.FACTS if key in keys)


# Read by every standard whatever its indicators: the income decides every class.
ALWAYS_READ = ("income_12m",)


def missing_answers(facts: HouseholdFacts, standard: StandardSpec) -> tuple[str, ...]:
    """Facts the standard reads that the survey has not answered yet: a household fact with no
    answer (the income among them: unanswered is never 0), or a member fact some member of the
    ages it is asked for has no answer to."""
    missing = []
    read = set(facts_read(standard)) | set(ALWAYS_READ)
    for key in (k for k in facts_declared.FACTS if k in read):
        fact = facts_declared.FACTS[key]
        if fact.member:
            if any(m.answer(key) is None for m, age in _ages(facts) if fact.asked_at(age)):
                missing.append(key)
        elif facts.answer(key) is None:
            missing.append(key)
    return tuple(missing)


# --------------------------------------------------------------------------------------------
# Classification
# --------------------------------------------------------------------------------------------


def _indicator_reads(spec: IndicatorSpec) -> frozenset[str]:
    reads = RULE_READS[spec.rule]
    return frozenset(reads(spec.params) if callable(reads) else reads)


def evaluate_indicators(facts: HouseholdFacts, standard: StandardSpec, *, unknown: Iterable[str] = ()) -> tuple[Deprivation, ...]:
    """Deprivations of the household under ``standard``, in the standard's indicator order. An
    indicator that reads an ``unknown`` fact (not answered yet) is left out: it is neither
    deprived nor not, and a default answer must not make it look deprived."""
    if not facts.members:
        raise ValueError("a household needs at least one member to be classified")
    unknown = frozenset(unknown)
    result = []
    for spec in standard.indicators:
        if unknown and _indicator_reads(spec) & unknown:
            continue
        reasons = RULES[spec.rule](facts, spec)
        if reasons:
            result.append(Deprivation(key=spec.key, dimension=spec.dimension, name=spec.name, reasons=reasons))
    return tuple(result)


def _per_person_month(total_12m: int, members: int) -> Decimal:
    # Display only: the class is decided on exact integers below.
    return (Decimal(total_12m) / 12 / members).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def classify(facts: HouseholdFacts, standard: StandardSpec) -> ClassificationResult:
    """Classify one household against one standard (Decree 07/2021/NĐ-CP, Art. 3).

    poor: income <= line and deprivations >= cut-off; near-poor: income <= line and fewer;
    average: above the line and, on income without state social allowances, <= the upper band;
    otherwise not poor. Income is compared as total_12m <= line × 12 × members, exactly.
    """
    members = len(facts.members)
    if members == 0:
        raise ValueError("a household needs at least one member to be classified")
    unanswered = missing_answers(facts, standard)
    deprivations = evaluate_indicators(facts, standard, unknown=unanswered)
    count = len(deprivations)
    total = sum(facts.income_12m.values())
    band_total = sum(v for k, v in facts.income_12m.items() if k not in EXCLUDED_FROM_AVERAGE_BAND)
    per_person = _per_person_month(total, members)
    band_per_person = _per_person_month(band_total, members)

    thresholds = standard.thresholds.get(facts.area_type)
    line = thresholds.income_line if thresholds else None
    upper = thresholds.average_upper if thresholds else None
    cutoff = standard.deprivation_cutoff

    reasons: list[Reason] = []
    household_class: str | None
    provisional_class: str | None = None
    missing = [name for name, value in (("income_line", line), ("deprivation_cutoff", cutoff)) if value is None]
    known = _Known(total, band_total, members, per_person, band_per_person, count, facts.area_type)
    if unanswered:
        household_class = None
        reasons.append(Reason("answers_missing", params={"questions": unanswered}))
        if not missing and not set(ALWAYS_READ) & set(unanswered):
            # What the answers so far point to, the unanswered indicators counted as not deprived:
            # shown as "tạm tính" (provisional), never stored as the household's class.
            provisional_class, _reasons = _decide(known, line=line, upper=upper, cutoff=cutoff)  # type: ignore[arg-type]
    elif missing:
        household_class = None
        reasons.append(Reason("standard_incomplete", params={"missing": tuple(missing), "area_type": facts.area_type}))
    else:
        household_class, decided = _decide(known, line=line, upper=upper, cutoff=cutoff)  # type: ignore[arg-type]
        reasons.extend(decided)

    return ClassificationResult(
        standard_code=standard.code,
        standard_name=standard.name,
        legal_basis=standard.legal_basis,
        area_type=facts.area_type,
        household_class=household_class,
        income_per_person_month=per_person,
        total_income_12m=total,
        income_for_average_band_per_person_month=band_per_person,
        member_count=members,
        income_line=line,
        average_upper=upper,
        cutoff=cutoff,
        deprivations=deprivations,
        deprivation_count=count,
        average_band_applies=facts.in_agriculture,
        reasons=tuple(reasons),
        missing_answers=unanswered,
        provisional_class=provisional_class,
    )


@dataclass(frozen=True, slots=True)
class _Known:
    """What ``classify`` has worked out of the household before it decides the class."""

    total: int
    band_total: int
    members: int
    per_person: Decimal
    band_per_person: Decimal
    count: int
    area_type: str


def _decide(known: _Known, *, line: int, upper: int | None, cutoff: int) -> tuple[str, list[Reason]]:
    """The class and its reasons once income and the standard's line and cut-off are known."""
    total, band_total, members, count = known.total, known.band_total, known.members, known.count
    per_person, band_per_person, excluded = known.per_person, known.band_per_person, known.total - known.band_total
    reasons: list[Reason] = []
    if total <= line * 12 * members:
        reasons.append(Reason("income_at_or_below_line", params={"per_person": per_person, "line": line}))
        if count >= cutoff:
            household_class = "poor"
            reasons.append(Reason("deprivations_at_or_above_cutoff", params={"count": count, "cutoff": cutoff}))
        else:
            household_class = "near_poor"
            reasons.append(Reason("deprivations_below_cutoff", params={"count": count, "cutoff": cutoff}))
    else:
        reasons.append(Reason("income_above_line", params={"per_person": per_person, "line": line}))
        if upper is None:
            household_class = "not_poor"
            reasons.append(Reason("average_band_not_set", params={"area_type": known.area_type}))
        else:
            # Above the line on full income; the band's upper edge is tested without social
            # allowances [H]. A household whose income without allowances falls back under the
            # line is still "average", never "not poor": allowances cannot make it look richer.
            within = band_total <= upper * 12 * members
            household_class = "average" if within else "not_poor"
            band_params = {"per_person": band_per_person, "upper": upper, "social_allowance_12m": excluded}
            code = "income_within_average_band" if within else "income_above_average_band"
            reasons.append(Reason(code, params=band_params))
    return household_class, reasons


def classify_all(facts: HouseholdFacts, standards: Iterable[StandardSpec]) -> tuple[ClassificationResult, ...]:
    """Classify against every standard in force on ``facts.reference_date``, in the given order."""
    return tuple(classify(facts, s) for s in active_standards(standards, facts.reference_date))


# --------------------------------------------------------------------------------------------
# Loading standards from plain data (policies/fixtures/standards.json)
# --------------------------------------------------------------------------------------------

_STANDARD_KEYS = ("code", "name", "legal_basis", "valid_from", "valid_to", "thresholds", "deprivation_cutoff", "indicators")
_INDICATOR_KEYS = ("key", "dimension", "name", "rule", "params")


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # type: ignore[arg-type]


def standard_from_dict(d: Mapping[str, Any]) -> StandardSpec:
    """Parse one standard from the JSON format of standards.json.

    Every key of the format must be present (null where not set) so that a misspelt key is an
    error rather than a silently missing value. Metadata keys (source, confidence, notes, is_demo)
    are for the Django layer and ignored here. Unknown rule names and malformed params raise
    ValueError.
    """
    missing = [k for k in _STANDARD_KEYS if k not in d]
    if missing:
        raise ValueError(f"standard {d.get('code')!r} lacks keys {missing}")
    thresholds: dict[str, AreaThresholds | None] = {}
    for area, t in d["thresholds"].items():
        thresholds[area] = None if t is None else AreaThresholds(t["income_line"], t.get("average_upper"))
    indicators = []
    for raw in d["indicators"]:
        lacking = [k for k in _INDICATOR_KEYS if k not in raw]
        if lacking:
            raise ValueError(f"indicator {raw.get('key')!r} of {d['code']!r} lacks keys {lacking}")
        indicators.append(IndicatorSpec(*(raw[k] for k in _INDICATOR_KEYS)))
    return StandardSpec(
        code=d["code"],
        name=d["name"],
        legal_basis=d["legal_basis"],
        valid_from=_as_date(d["valid_from"]),
        valid_to=None if d["valid_to"] is None else _as_date(d["valid_to"]),
        thresholds=thresholds,
        deprivation_cutoff=d["deprivation_cutoff"],
        indicators=tuple(indicators),
    )
