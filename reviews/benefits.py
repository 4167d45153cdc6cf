"""Entitlements, beneficiary lists and budgets: the ONE place that combines official results, members and
support policies (design.md: reviews imports households and policies; policies/eligibility.py stays pure).

Official results per standard: an ``OfficialStatus`` carries the class under the round's primary
standard; the other standards the round applied come from the same case's ``CaseResult`` rows (the
ward's decision approved the case with all its results). Every result, past and present, feeds the
engine's movement history, so "escaped within N years" is judged on the record.

Queries are bounded: one for the policy versions, one for the household ids in scope, then three per
chunk of ``CHUNK`` households (statuses, case results, members) whatever the number of households.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count

from households.models import AdminUnit, Household, Member
from policies import eligibility as rules
from policies.models import PovertyStandard, SupportPolicy, SupportPolicyVersion
from reviews.models import CaseResult, Class, OfficialStatus

CHUNK = 500


@dataclass(frozen=True)
class BeneficiaryRow:
    household: Household
    ward: AdminUnit
    district: AdminUnit | None
    member: Member | None
    version: SupportPolicyVersion
    entitlement: rules.Entitlement

    @property
    def policy(self) -> SupportPolicy:
        return self.version.policy

    @property
    def months(self) -> int:
        return self.entitlement.months

    @property
    def amount_per_period(self) -> Decimal | None:
        return self.entitlement.amount_per_period

    @property
    def estimate(self) -> Decimal | None:
        return self.entitlement.estimate


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def policy_versions_for_year(year: int, policy_code: str | None = None) -> list[SupportPolicyVersion]:
    """Every version in force on some day of the year (one query, policies joined)."""
    start, end = year_bounds(year)
    versions = SupportPolicyVersion.objects.overlapping(start, end).select_related("policy").order_by("policy__code", "version")
    if policy_code is not None:
        versions = versions.filter(policy__code=policy_code)
    return list(versions)


@dataclass
class UnnamedStandard:
    """Households recognised poor or near-poor for the year under a standard that no support policy in
    force that year names: they are entitled to nothing until the city adds policy versions for it."""

    standard: PovertyStandard
    households: int


def standards_no_policy_names(
    user, unit: AdminUnit, year: int, versions: list[SupportPolicyVersion] | None = None
) -> list[UnnamedStandard]:
    """Standards of the poor / near-poor lists that take effect in ``year`` under ``unit`` which no policy
    version in force during the year names in its target groups (two queries)."""
    start, end = year_bounds(year)
    versions = policy_versions_for_year(year) if versions is None else versions
    named = {group.get("standard") for v in versions for group in (v.target_groups or [])}
    counts = (
        OfficialStatus.objects.visible_to(user)
        .current()
        .filter(
            household__village__path__startswith=unit.path,
            effective_from__range=(start, end),
            household_class__in=(Class.POOR, Class.NEAR_POOR),
        )
        .exclude(standard__code__in=named)
        .values_list("standard")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    counts = dict(counts)
    standards = PovertyStandard.objects.in_bulk(list(counts))
    return [UnnamedStandard(standards[pk], n) for pk, n in sorted(counts.items())]


def _household_ids(user, unit: AdminUnit, end: date) -> list[int]:
    return list(
        OfficialStatus.objects.visible_to(user)
        .current()
        .filter(household__village__path__startswith=unit.path, effective_from__lte=end)
        .values_list("household_id", flat=True)
        .distinct()
        .order_by("household_id")
    )


def _member_facts(member: Member) -> rules.MemberFacts:
    return rules.MemberFacts(
        ref=str(member.pk),
        full_name=member.full_name,
        birth_date=member.date_of_birth,
        in_school=member.schooling != Member.Schooling.NONE,
        has_disability=member.has_disability,
        working_capacity=member.working_capacity,
        left_on=member.left_on,
    )


def _chunk_facts(user, ids: list[int], end: date):
    """(household, facts, members by ref) for one chunk: three queries."""
    statuses = list(
        OfficialStatus.objects.visible_to(user)
        .current()
        .filter(household_id__in=ids, effective_from__lte=end)
        .select_related("household__village__parent__parent", "standard")
        .order_by("household_id", "effective_from", "id")
    )
    case_results: dict[int, list[tuple[str, str]]] = {}
    for case_id, code, household_class in (
        CaseResult.objects.filter(case_id__in=[s.case_id for s in statuses])
        .exclude(household_class="")
        .values_list("case_id", "standard__code", "household_class")
    ):
        case_results.setdefault(case_id, []).append((code, household_class))
    members: dict[int, list[Member]] = {}
    for member in Member.objects.filter(household_id__in=ids).order_by("household_id", "id"):
        members.setdefault(member.household_id, []).append(member)
    by_household: dict[int, list[OfficialStatus]] = {}
    for status in statuses:
        by_household.setdefault(status.household_id, []).append(status)
    for household_id, rows in by_household.items():
        results = []
        for status in rows:
            primary = status.standard.code
            results.append(rules.OfficialResult(primary, status.household_class, status.effective_from, status.year))
            results.extend(
                rules.OfficialResult(code, household_class, status.effective_from, status.year)
                for code, household_class in case_results.get(status.case_id, [])
                if code != primary
            )
        people = members.get(household_id, [])
        facts = rules.HouseholdFacts(
            ref=str(household_id), results=tuple(results), members=tuple(_member_facts(m) for m in people)
        )
        yield rows[-1].household, facts, {str(m.pk): m for m in people}


def beneficiary_rows(
    user, unit: AdminUnit, year: int, policy_code: str | None = None, *, versions: list[SupportPolicyVersion] | None = None
) -> Iterator[BeneficiaryRow]:
    """Every entitlement in ``unit`` (within the user's area) for ``year``, households in id order.
    ``versions``: the year's versions if the caller already read them (``policy_versions_for_year``)."""
    if versions is None:
        versions = policy_versions_for_year(year, policy_code)
    if not versions:
        return
    by_key = {(v.policy.code, v.version): v for v in versions}
    specs = [v.to_spec() for v in versions]
    _start, end = year_bounds(year)
    ids = _household_ids(user, unit, end)
    for offset in range(0, len(ids), CHUNK):
        for household, facts, members in _chunk_facts(user, ids[offset : offset + CHUNK], end):
            ward = household.village.parent
            district = ward.parent if ward.parent and ward.parent.level == AdminUnit.Level.DISTRICT else None
            for entitlement in rules.entitlements_for_year(facts, specs, year):
                yield BeneficiaryRow(
                    household=household,
                    ward=ward,
                    district=district,
                    member=members.get(entitlement.member_ref) if entitlement.member_ref else None,
                    version=by_key[(entitlement.policy, entitlement.version)],
                    entitlement=entitlement,
                )


# ----------------------------------------------------------------------------- budget


@dataclass
class Cell:
    """Beneficiaries of one policy in one unit: people and households counted once, estimate summed.
    ``estimate`` is None as soon as one entitlement has no amount (the policy shows counts only)."""

    people: set = field(default_factory=set)
    households: set = field(default_factory=set)
    estimate: Decimal | None = Decimal(0)
    amount_set: bool = True

    def add(self, row: BeneficiaryRow) -> None:
        if row.member is not None:
            self.people.add(row.member.pk)
        self.households.add(row.household.pk)
        if row.estimate is None:
            self.amount_set = False
            self.estimate = None
        elif self.estimate is not None:
            self.estimate += row.estimate

    def merge(self, other: Cell) -> None:
        self.people |= other.people
        self.households |= other.households
        self.amount_set = self.amount_set and other.amount_set
        self.estimate = self.estimate + other.estimate if self.amount_set else None  # type: ignore[operator]

    def beneficiaries(self, per: str) -> int:
        return len(self.households) if per == SupportPolicyVersion.Per.HOUSEHOLD else len(self.people)


@dataclass
class BudgetLine:
    unit: AdminUnit | None
    level: str  # "ward", "district" or "total"
    cells: dict[str, Cell]
    district: AdminUnit | None = None

    def total_estimate(self) -> Decimal:
        return sum((c.estimate for c in self.cells.values() if c.estimate is not None), Decimal(0))


@dataclass
class Budget:
    year: int
    unit: AdminUnit
    policies: list[SupportPolicy]
    per: dict[str, str]
    lines: list[BudgetLine]
    unnamed: list[UnnamedStandard] = field(default_factory=list)

    @property
    def wards(self) -> list[BudgetLine]:
        return [line for line in self.lines if line.level == "ward"]

    @property
    def total(self) -> BudgetLine:
        return self.lines[-1]


def _empty(policies) -> dict[str, Cell]:
    return {p.code: Cell() for p in policies}


def budget(user, unit: AdminUnit, year: int) -> Budget:
    """Beneficiaries and estimated cost (amount × people or households × months) per policy, by ward,
    with a subtotal per district (unless ``unit`` is one ward) and the total of ``unit``. Wards with
    nobody entitled are left out."""
    versions = policy_versions_for_year(year)
    policies = list({v.policy.code: v.policy for v in versions}.values())
    # How a policy counts beneficiaries: by its newest version of the year.
    per = {v.policy.code: v.per for v in versions}
    wards: dict[int, BudgetLine] = {}
    for row in beneficiary_rows(user, unit, year, versions=versions):
        line = wards.get(row.ward.pk)
        if line is None:
            line = wards[row.ward.pk] = BudgetLine(row.ward, "ward", _empty(policies), district=row.district)
        line.cells[row.policy.code].add(row)
    lines: list[BudgetLine] = []
    total = BudgetLine(unit, "total", _empty(policies))
    ordered = sorted(wards.values(), key=lambda line: ((line.district.path if line.district else ""), line.unit.path))
    current: BudgetLine | None = None
    for line in ordered:
        if unit.is_ward_level:
            pass  # one ward: its line and the total, no district subtotal
        elif line.district is not None and (current is None or current.unit != line.district):
            if current is not None:
                lines.append(current)
            current = BudgetLine(line.district, "district", _empty(policies))
        elif line.district is None and current is not None:
            lines.append(current)
            current = None
        lines.append(line)
        for code, cell in line.cells.items():
            if current is not None:
                current.cells[code].merge(cell)
            total.cells[code].merge(cell)
    if current is not None:
        lines.append(current)
    lines.append(total)
    return Budget(
        year=year,
        unit=unit,
        policies=policies,
        per=per,
        lines=lines,
        unnamed=standards_no_policy_names(user, unit, year, versions),
    )
