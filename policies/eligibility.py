"""Pure eligibility engine: a household's official results + members + support-policy versions -> entitlements.

Implements the kinds of support of Đà Nẵng Resolution 75/2021/NQ-HĐND (17/12/2021), amended by
Resolution 45/2022/NQ-HĐND (14/07/2022) [H for titles and dates; the mapping of each support to an
article is unverified]. Which groups, conditions and amounts apply is data carried by a
``PolicyVersionSpec``; nothing here is a literal amount, age or number of years.

Time is counted in months: a year's entitlements are evaluated on the first day of each month, so a
version that takes effect on 14/07 counts from August (the first month that starts under it), and a
child who turns 6 on 20/03 counts from April. ``entitlements_on`` answers for one exact day.

Results carry structured ``Reason`` codes (documented in ``REASON_CODES``) that the Django layer
translates (``policies.explain.explain_entitlement_reason``). This module imports only the standard library; a test checks that.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any

CLASSES = ("poor", "near_poor", "average", "not_poor")
TARGET_KINDS = ("poor", "near_poor", "average", "escaped_poverty", "escaped_near_poverty")
PER = ("person", "household")
PERIODS = ("monthly", "yearly", "one_off")
WORKING_CAPACITY = ("full", "partial", "none")

REASON_CODES: dict[str, str] = {
    "class_by_standard": "{household_class} household by the {standard} standard",
    "escaped_within_years": "escaped {from_class} status by the {standard} standard on {escaped_on}, within {years} years",
    "member_age_in_band": "{member_name}, aged {age}, is in the age band {age_from} to under {age_to}",
    "member_in_school": "{member_name} is attending school",
    "member_has_disability": "{member_name} has a disability",
    "member_no_working_capacity": "{member_name} has no working capacity",
    "member_elderly": "{member_name}, aged {age}, is elderly (from {elderly_age})",
}


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name}={value!r} is not one of {choices}")


def _money(name: str, value: object) -> Decimal | None:
    """Money is Decimal or integer đồng; a float is a caller bug."""
    if value is None:
        return None
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be Decimal or int đồng, got {value!r}")
    amount = Decimal(value)
    if amount < 0:
        raise ValueError(f"{name} must not be negative")
    return amount


def age_on(birth_date: date, day: date) -> int:
    """Completed years on ``day`` (a 29 February birthday is reached on 1 March in common years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return date(day.year + years, 3, 1)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    member_ref: str | None = None
    member_name: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def __post_init__(self) -> None:
        if self.code not in REASON_CODES:
            raise ValueError(f"unknown reason code {self.code!r}")
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


@dataclass(frozen=True, slots=True)
class OfficialResult:
    """One official class of the household under one named standard (the standard's code, any version),
    in force from ``effective_from`` until the next result under the same standard."""

    standard: str
    household_class: str
    effective_from: date
    year: int

    def __post_init__(self) -> None:
        _check_choice("household_class", self.household_class, CLASSES)


@dataclass(frozen=True, slots=True)
class MemberFacts:
    ref: str
    full_name: str
    birth_date: date
    in_school: bool = False
    has_disability: bool = False
    working_capacity: str = "full"
    left_on: date | None = None

    def __post_init__(self) -> None:
        _check_choice("working_capacity", self.working_capacity, WORKING_CAPACITY)

    def is_member_on(self, day: date) -> bool:
        return self.left_on is None or day < self.left_on


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """``results``: every official result of the household (all years, all standards): the movement
    history is read from it, so a result is never needed twice."""

    ref: str
    results: tuple[OfficialResult, ...]
    members: tuple[MemberFacts, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.results, key=lambda r: (r.standard, r.effective_from)))
        object.__setattr__(self, "results", ordered)
        object.__setattr__(self, "members", tuple(self.members))

    def history(self, standard: str, day: date) -> list[OfficialResult]:
        """Results under ``standard`` in force on or before ``day``, oldest first."""
        return [r for r in self.results if r.standard == standard and r.effective_from <= day]


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """Who the policy is for. ``within_years`` only for the escaped kinds."""

    kind: str
    standard: str
    within_years: int | None = None

    def __post_init__(self) -> None:
        _check_choice("kind", self.kind, TARGET_KINDS)
        if self.kind.startswith("escaped") and not self.within_years:
            raise ValueError("an escaped-poverty target group needs within_years")


@dataclass(frozen=True, slots=True)
class MemberCondition:
    """All the set fields must hold for a member (an empty condition matches everybody).
    ``age_to`` is exclusive: 6 to under 18 is ``age_from=6, age_to=18``."""

    age_from: int | None = None
    age_to: int | None = None
    in_school: bool | None = None
    has_disability: bool | None = None
    no_working_capacity: bool | None = None
    elderly_from: int | None = None


@dataclass(frozen=True, slots=True)
class PolicyVersionSpec:
    policy: str
    version: int
    name: str
    legal_basis: str
    valid_from: date
    valid_to: date | None
    target_groups: tuple[TargetGroup, ...]
    member_conditions: tuple[MemberCondition, ...] = ()
    per: str = "person"
    period: str = "monthly"
    amount: Decimal | None = None
    percentage: Decimal | None = None
    base_amount: Decimal | None = None
    duration_months: int | None = None

    def __post_init__(self) -> None:
        _check_choice("per", self.per, PER)
        _check_choice("period", self.period, PERIODS)
        object.__setattr__(self, "amount", _money("amount", self.amount))
        object.__setattr__(self, "base_amount", _money("base_amount", self.base_amount))
        if self.percentage is not None:
            object.__setattr__(self, "percentage", _money("percentage", self.percentage))
        if self.amount is not None and self.percentage is not None:
            raise ValueError("a benefit is an amount or a percentage of a base, not both")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to before valid_from")
        object.__setattr__(self, "target_groups", tuple(self.target_groups))
        object.__setattr__(self, "member_conditions", tuple(self.member_conditions))

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def amount_per_period(self) -> Decimal | None:
        """The amount per person or household per period in đồng; None when it is not set (counts only)."""
        if self.amount is not None:
            return self.amount
        if self.percentage is not None and self.base_amount is not None:
            return (self.base_amount * self.percentage / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return None


@dataclass(frozen=True, slots=True)
class Entitlement:
    """One support for one household (``member_ref`` None) or one member, for ``months`` months."""

    policy: str
    version: int
    household_ref: str
    member_ref: str | None
    member_name: str | None
    reasons: tuple[Reason, ...]
    amount_per_period: Decimal | None
    period: str
    months: int

    @property
    def estimate(self) -> Decimal | None:
        """Cost over the months counted: monthly × months; yearly spread over the months (× months / 12);
        one-off once. None when the amount is not set."""
        if self.amount_per_period is None:
            return None
        if self.period == "monthly":
            total = self.amount_per_period * self.months
        elif self.period == "yearly":
            total = self.amount_per_period * self.months / 12
        else:
            total = self.amount_per_period
        return total.quantize(Decimal(1), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def _current(household: HouseholdFacts, standard: str, day: date) -> OfficialResult | None:
    history = household.history(standard, day)
    return history[-1] if history else None


def _escape(household: HouseholdFacts, standard: str, day: date, from_class: str) -> OfficialResult | None:
    """The result that ended the household's last ``from_class`` spell before ``day``, if it still holds.

    Follows policies.movement: a poor household that becomes near-poor has escaped poverty; a near-poor
    household escapes near-poverty when it is neither poor nor near-poor."""
    history = household.history(standard, day)
    left = {"poor": ("poor",), "near_poor": ("poor", "near_poor")}[from_class]
    escape = None
    for previous, result in zip(history, history[1:], strict=False):
        if previous.household_class == from_class and result.household_class not in left:
            escape = result
        elif result.household_class in left:
            escape = None
    return escape


def target_reason(household: HouseholdFacts, group: TargetGroup, day: date) -> Reason | None:
    """Whether the household is in ``group`` on ``day``, by the group's named standard only
    (Resolution 75/2021/NQ-HĐND names poor, near-poor and recently escaped households; poor by the city
    standard is not poor by the national one). An escape counts while ``day`` is less than
    ``within_years`` full years after the escaping result took effect (Resolution 75/2021, as amended by
    45/2022; the number of years is data) [article mapping unverified]."""
    if group.kind in ("poor", "near_poor", "average"):
        current = _current(household, group.standard, day)
        if current is not None and current.household_class == group.kind:
            return Reason("class_by_standard", params={"household_class": group.kind, "standard": group.standard})
        return None
    from_class = "poor" if group.kind == "escaped_poverty" else "near_poor"
    escape = _escape(household, group.standard, day, from_class)
    if escape is None or day >= add_years(escape.effective_from, group.within_years or 0):
        return None
    return Reason(
        "escaped_within_years",
        params={
            "from_class": from_class,
            "standard": group.standard,
            "escaped_on": escape.effective_from,
            "years": group.within_years,
        },
    )


def member_reasons(member: MemberFacts, condition: MemberCondition, day: date) -> tuple[Reason, ...] | None:
    """The reasons ``member`` meets every part of ``condition`` on ``day``, or None.

    Conditions of Resolution 75/2021/NQ-HĐND's supports to people (children of school age, pupils,
    people with disabilities, people without working capacity, the elderly) [article mapping
    unverified]; the ages are data of the version."""
    age = age_on(member.birth_date, day)
    ref, name = member.ref, member.full_name
    reasons: list[Reason] = []
    if condition.age_from is not None or condition.age_to is not None:
        if condition.age_from is not None and age < condition.age_from:
            return None
        if condition.age_to is not None and age >= condition.age_to:
            return None
        reasons.append(
            Reason(
                "member_age_in_band",
                ref,
                name,
                {"age": age, "age_from": condition.age_from or 0, "age_to": condition.age_to},
            )
        )
    if condition.in_school is not None:
        if member.in_school != condition.in_school:
            return None
        if condition.in_school:
            reasons.append(Reason("member_in_school", ref, name))
    if condition.has_disability is not None:
        if member.has_disability != condition.has_disability:
            return None
        if condition.has_disability:
            reasons.append(Reason("member_has_disability", ref, name))
    if condition.no_working_capacity is not None:
        if (member.working_capacity == "none") != condition.no_working_capacity:
            return None
        if condition.no_working_capacity:
            reasons.append(Reason("member_no_working_capacity", ref, name))
    if condition.elderly_from is not None:
        if age < condition.elderly_from:
            return None
        reasons.append(Reason("member_elderly", ref, name, {"age": age, "elderly_age": condition.elderly_from}))
    return tuple(reasons)


def _version_on(versions: Iterable[PolicyVersionSpec], policy: str, day: date) -> PolicyVersionSpec | None:
    """The newest version of ``policy`` in force on ``day``: an amendment from a later date takes over from
    that date, and the version it amends still answers for the days before."""
    active = [v for v in versions if v.policy == policy and v.in_force_on(day)]
    return max(active, key=lambda v: v.version) if active else None


def _grants_on(household: HouseholdFacts, version: PolicyVersionSpec, day: date) -> list[tuple[MemberFacts | None, tuple]]:
    """(member or None for the household, reasons) for one version on one day."""
    household_reason = next((r for r in (target_reason(household, g, day) for g in version.target_groups) if r is not None), None)
    if household_reason is None:
        return []
    members = [m for m in household.members if m.is_member_on(day)]
    conditions = version.member_conditions or (MemberCondition(),)
    matched: list[tuple[MemberFacts, tuple[Reason, ...]]] = []
    for member in members:
        for condition in conditions:
            reasons = member_reasons(member, condition, day)
            if reasons is not None:
                matched.append((member, reasons))
                break
    if version.per == "household":
        if not version.member_conditions:
            return [(None, (household_reason,))]
        if matched:
            member, reasons = matched[0]
            return [(member, (household_reason, *reasons))]
        return []
    return [(member, (household_reason, *reasons)) for member, reasons in matched]


def entitlements_on(household: HouseholdFacts, versions: Sequence[PolicyVersionSpec], day: date) -> tuple[Entitlement, ...]:
    """What the household is entitled to on one day (months=1 for each support)."""
    out = []
    for policy in dict.fromkeys(v.policy for v in versions):
        version = _version_on(versions, policy, day)
        if version is None:
            continue
        for member, reasons in _grants_on(household, version, day):
            out.append(_entitlement(household, version, member, reasons, 1))
    return tuple(out)


def _entitlement(household, version, member, reasons, months) -> Entitlement:
    return Entitlement(
        policy=version.policy,
        version=version.version,
        household_ref=household.ref,
        member_ref=member.ref if member else None,
        member_name=member.full_name if member else None,
        reasons=tuple(reasons),
        amount_per_period=version.amount_per_period,
        period=version.period,
        months=months,
    )


def month_starts(year: int) -> list[date]:
    return [date(year, month, 1) for month in range(1, 13)]


def entitlements_for_year(household: HouseholdFacts, versions: Sequence[PolicyVersionSpec], year: int) -> tuple[Entitlement, ...]:
    """The year's entitlements: each month is judged on its first day; months of the same version for the
    same member (or household) add up; the reasons are those of the last month counted. A version's
    ``duration_months`` caps the months counted in the year; a one-off support counts once."""
    grouped: dict[tuple, list] = {}
    for day in month_starts(year):
        for policy in dict.fromkeys(v.policy for v in versions):
            version = _version_on(versions, policy, day)
            if version is None:
                continue
            for member, reasons in _grants_on(household, version, day):
                key = (version.policy, version.version, member.ref if member else None)
                entry = grouped.setdefault(key, [version, member, reasons, 0])
                entry[2] = reasons
                entry[3] += 1
    out = []
    for version, member, reasons, months in grouped.values():
        if version.duration_months is not None:
            months = min(months, version.duration_months)
        if version.period == "one_off":
            months = min(months, 1)
        out.append(_entitlement(household, version, member, reasons, months))
    return tuple(out)


def spec_from_dict(data: Mapping[str, Any]) -> PolicyVersionSpec:
    """A version from its plain-data form (fixtures, the database's JSON fields)."""

    def money(key: str) -> Decimal | None:
        value = data.get(key)
        return None if value in (None, "") else Decimal(str(value))

    return PolicyVersionSpec(
        policy=data["policy"],
        version=int(data.get("version", 1)),
        name=data.get("name", data["policy"]),
        legal_basis=data.get("legal_basis", ""),
        valid_from=data["valid_from"] if isinstance(data["valid_from"], date) else date.fromisoformat(data["valid_from"]),
        valid_to=(
            None
            if not data.get("valid_to")
            else data["valid_to"]
            if isinstance(data["valid_to"], date)
            else date.fromisoformat(data["valid_to"])
        ),
        target_groups=tuple(TargetGroup(**g) for g in data.get("target_groups", ())),
        member_conditions=tuple(MemberCondition(**c) for c in data.get("member_conditions", ())),
        per=data.get("per", "person"),
        period=data.get("period", "monthly"),
        amount=money("amount"),
        percentage=money("percentage"),
        base_amount=money("base_amount"),
        duration_months=data.get("duration_months"),
    )
