"""Aggregate reads for the ward, district and city dashboards and for the Excel reports built on them.

Every figure is a database GROUP BY over the unit's subtree (one prefix match on the materialised
path), grouped by the child unit the row belongs to (``households.selectors.child_code``). The number
of queries does not depend on how many units or households there are. The caller passes a unit the
user may see (``households.access.get_visible_or_404``); nothing here widens it.

Rates divide by the resident households that wards enter per year (``ResidentCount``). A district or
the city has a denominator only when every ward under it has one: a partial sum would inflate the
rate, so the rate is shown as missing instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case as DbCase
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value, When
from django.utils import timezone

from households.models import AdminUnit, Household, Member, ResidentCount
from households.names import natural_sorted
from households.selectors import child_code
from policies.models import PovertyStandard
from reviews.models import Case, CaseResult, Class, Movement, ReviewRound, VillageList, VillageTally, WardList

ESCAPED = (Movement.ESCAPED_POVERTY, Movement.ESCAPED_NEAR_POVERTY)
OPEN_CASE = (Case.Status.TO_SCREEN, Case.Status.TO_SURVEY)
VILLAGE_SUBMITTED = (VillageList.Status.SUBMITTED, VillageList.Status.MEETING_PASSED)
WARD_POSTED_OR_LATER = (
    WardList.Status.POSTED,
    WardList.Status.SUBMITTED,
    WardList.Status.APPROVED,
    WardList.Status.DECIDED,
)
WARD_SUBMITTED_OR_LATER = (WardList.Status.SUBMITTED, WardList.Status.APPROVED, WardList.Status.DECIDED)
WARD_APPROVED_OR_LATER = (WardList.Status.APPROVED, WardList.Status.DECIDED)


def rate(count: int, denominator: int | None) -> Decimal | None:
    """Share as a fraction (0.0425), or None when there is no denominator: never estimated."""
    if not denominator:
        return None
    return Decimal(count) / Decimal(denominator)


@dataclass
class StandardFigures:
    poor: int = 0
    near_poor: int = 0
    average: int = 0
    not_poor: int = 0


@dataclass
class UnitFigures:
    """Everything the dashboard and the summary report show for one unit (a child or the total)."""

    code: str
    name: str
    unit: AdminUnit | None = None
    cases: int = 0
    to_screen: int = 0
    to_survey: int = 0
    surveyed: int = 0
    screened_out: int = 0
    villages: int = 0
    villages_submitted: int = 0
    villages_behind_survey: int = 0
    villages_overdue: int = 0
    wards: int = 0
    wards_posted: int = 0
    wards_submitted: int = 0
    wards_approved: int = 0
    wards_decided: int = 0
    wards_overdue: int = 0
    approvals_overdue: int = 0
    movement: Counter = field(default_factory=Counter)
    by_standard: dict[int, StandardFigures] = field(default_factory=lambda: defaultdict(StandardFigures))
    residents: int | None = None
    wards_with_residents: int = 0
    _residents_sum: int = 0

    @property
    def done(self) -> int:
        return self.surveyed + self.screened_out

    @property
    def done_share(self) -> Decimal | None:
        return rate(self.done, self.cases)

    @property
    def escaped(self) -> int:
        return self.movement[Movement.ESCAPED_POVERTY] + self.movement[Movement.ESCAPED_NEAR_POVERTY]

    @property
    def new_poor(self) -> int:
        return self.movement[Movement.NEW_POOR]

    @property
    def re_poor(self) -> int:
        return self.movement[Movement.RE_POOR]

    def figures(self, standard_id: int) -> StandardFigures:
        return self.by_standard[standard_id]

    def poor_rate(self, standard_id: int) -> Decimal | None:
        return rate(self.by_standard[standard_id].poor, self.residents)

    def near_poor_rate(self, standard_id: int) -> Decimal | None:
        return rate(self.by_standard[standard_id].near_poor, self.residents)


@dataclass
class Dashboard:
    round: ReviewRound
    unit: AdminUnit
    standards: list[PovertyStandard]
    primary: PovertyStandard
    total: UnitFigures
    children: list[UnitFigures]
    by_area: dict[str, UnitFigures]
    today: date

    @property
    def deadlines_passed(self) -> dict[str, bool]:
        return self.round.deadlines_passed(self.today)


def round_standards(round_: ReviewRound) -> list[PovertyStandard]:
    """The round's standards, the one of the official status first (national before city)."""
    standards = list(round_.standards.order_by("scope", "code"))
    return sorted(standards, key=lambda s: s.pk != round_.primary_standard_id)


def _child(unit: AdminUnit, path_field: str):
    """``child_code``, with "" for rows of the unit itself (a ward's own list, a village's cases):
    cutting a child code from the unit's own path would ask for a negative length."""
    return DbCase(When(**{path_field: unit.path}, then=Value("")), default=child_code(unit, path_field))


def _tallies(round_: ReviewRound, unit: AdminUnit):
    """The round's per-village counts under ``unit`` (``reviews.tallies``: a few rows per village)."""
    return VillageTally.objects.filter(round=round_, village__path__startswith=unit.path)


def unit_dashboard(round_: ReviewRound, unit: AdminUnit, *, today: date | None = None) -> Dashboard:
    """Progress, classes under every standard, movement and denominators per child unit (8 or 9 queries)."""
    today = today or timezone.localdate()
    standards = round_standards(round_)  # 1
    primary = next((s for s in standards if s.pk == round_.primary_standard_id), None) or round_.primary_standard
    children = [] if unit.level == AdminUnit.Level.VILLAGE else natural_sorted(unit.children.current())  # 2
    figures = {c.code: UnitFigures(code=c.code, name=c.name, unit=c) for c in children}
    total = UnitFigures(code=unit.code, name=unit.name, unit=unit)
    by_area = {a: UnitFigures(code=a, name=str(label)) for a, label in AdminUnit.AreaType.choices}

    def targets(child: str, area: str | None = None):
        found = [total]
        if child in figures:
            found.append(figures[child])
        if area in by_area:
            found.append(by_area[area])
        return found

    # 3: cases by child, area type, status and movement.
    rows = (
        _tallies(round_, unit)
        .filter(standard__isnull=True)
        .annotate(child=_child(unit, "village__path"))
        .values("child", "village__area_type", "status", "movement")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in rows:
        for f in targets(row["child"], row["village__area_type"]):
            f.cases += row["n"]
            setattr(f, row["status"], getattr(f, row["status"]) + row["n"])
            if row["movement"]:
                f.movement[row["movement"]] += row["n"]

    # 4: classes under every standard, by child and area type.
    rows = (
        _tallies(round_, unit)
        .filter(standard__isnull=False, indicator="")
        .exclude(household_class="")
        .annotate(child=_child(unit, "village__path"))
        .values("child", "village__area_type", "standard_id", "household_class")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in rows:
        for f in targets(row["child"], row["village__area_type"]):
            sf = f.by_standard[row["standard_id"]]
            setattr(sf, row["household_class"], getattr(sf, row["household_class"]) + row["n"])

    passed = round_.deadlines_passed(today)
    # 5: village lists by child and status.
    rows = (
        VillageList.objects.filter(round=round_, village__path__startswith=unit.path)
        .annotate(child=_child(unit, "village__path"))
        .values("child", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        for f in targets(row["child"]):
            f.villages += row["n"]
            if row["status"] in VILLAGE_SUBMITTED:
                f.villages_submitted += row["n"]
            elif passed["village_deadline"]:
                f.villages_overdue += row["n"]

    # 6: villages that still have households to screen or survey, once the survey deadline has passed
    # (before it nobody is behind, so the scan is skipped).
    rows = (
        _tallies(round_, unit)
        .filter(standard__isnull=True, status__in=OPEN_CASE)
        .annotate(child=_child(unit, "village__path"))
        .values("child")
        .annotate(n=Count("village_id", distinct=True))
        .order_by()
        if passed["survey_deadline"]
        else []
    )
    for row in rows:
        for f in targets(row["child"]):
            f.villages_behind_survey += row["n"]

    # 7: ward lists by child and status.
    rows = (
        WardList.objects.filter(round=round_, ward__path__startswith=unit.path)
        .annotate(child=_child(unit, "ward__path"))
        .values("child", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        status, n = row["status"], row["n"]
        for f in targets(row["child"]):
            f.wards += n
            f.wards_posted += n if status in WARD_POSTED_OR_LATER else 0
            f.wards_submitted += n if status in WARD_SUBMITTED_OR_LATER else 0
            f.wards_approved += n if status in WARD_APPROVED_OR_LATER else 0
            f.wards_decided += n if status == WardList.Status.DECIDED else 0
            if passed["ward_deadline"] and status not in WARD_SUBMITTED_OR_LATER:
                f.wards_overdue += n
            if passed["approval_deadline"] and status == WardList.Status.SUBMITTED:
                f.approvals_overdue += n

    # 8: resident households of the round's year, entered per ward, summed upward.
    rows = (
        ResidentCount.objects.filter(year=round_.year, unit__path__startswith=unit.path, unit__level__in=AdminUnit.WARD_LEVELS)
        .annotate(child=_child(unit, "unit__path"))
        .values("child", "unit__area_type")
        .annotate(n=Sum("households"), wards=Count("id"))
        .order_by()
    )
    for row in rows:
        for f in targets(row["child"], row["unit__area_type"]):
            f._residents_sum += row["n"]
            f.wards_with_residents += row["wards"]
    # 9: how many wards each child has (a ward-level unit counts itself).
    rows = (
        AdminUnit.objects.current()
        .filter(path__startswith=unit.path, level__in=AdminUnit.WARD_LEVELS)
        .annotate(child=_child(unit, "path"))
        .values("child", "area_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    wards_in: Counter = Counter()
    for row in rows:
        for f in targets(row["child"], row["area_type"]):
            wards_in[id(f)] += row["n"]
    for f in [total, *figures.values(), *by_area.values()]:
        if wards_in[id(f)] and f.wards_with_residents >= wards_in[id(f)]:
            f.residents = f._residents_sum
    return Dashboard(
        round=round_,
        unit=unit,
        standards=standards,
        primary=primary,
        total=total,
        children=[figures[c.code] for c in children],
        by_area=by_area,
        today=today,
    )


@dataclass
class IndicatorShare:
    key: str
    name: str
    poor: int
    near_poor: int
    poor_share: Decimal | None
    near_poor_share: Decimal | None


def deprivation(
    round_: ReviewRound, unit: AdminUnit, standard: PovertyStandard, totals: StandardFigures | None = None
) -> tuple[list[IndicatorShare], int, int]:
    """For poor and near-poor households under ``standard``: how many are deprived on each indicator.

    Returns (indicators in the standard's order, poor households, near-poor households): 2 or 3 queries,
    over the per-village tallies (``reviews.tallies``), whatever the number of households.
    """
    indicators = list(standard.indicators.order_by("position").values_list("key", "name"))
    tallied = _tallies(round_, unit).filter(standard=standard, household_class__in=(Class.POOR, Class.NEAR_POOR))
    if totals is not None:  # the dashboard already counted them
        counted = {Class.POOR: totals.poor, Class.NEAR_POOR: totals.near_poor}
    else:
        counted = dict(tallied.filter(indicator="").values_list("household_class").annotate(n=Sum("n")).order_by())
    counts: dict[tuple[str, str], int] = {
        (household_class, key): n
        for household_class, key, n in tallied.exclude(indicator="")
        .values_list("household_class", "indicator")
        .annotate(n=Sum("n"))
        .order_by()
    }
    poor_total, near_total = counted.get(Class.POOR, 0), counted.get(Class.NEAR_POOR, 0)
    shares = [
        IndicatorShare(
            key=key,
            name=name,
            poor=counts.get((Class.POOR, key), 0),
            near_poor=counts.get((Class.NEAR_POOR, key), 0),
            poor_share=rate(counts.get((Class.POOR, key), 0), poor_total),
            near_poor_share=rate(counts.get((Class.NEAR_POOR, key), 0), near_total),
        )
        for key, name in indicators
    ]
    return shares, poor_total, near_total


@dataclass
class TrendPoint:
    round: ReviewRound
    poor: int = 0
    near_poor: int = 0
    average: int = 0
    escaped: int = 0
    new_poor: int = 0
    re_poor: int = 0
    cases: int = 0
    done: int = 0

    @property
    def in_progress(self) -> bool:
        """An open round's counts are those surveyed so far, not a list to compare with last year's."""
        return self.round.is_open

    @property
    def done_share(self) -> Decimal | None:
        return rate(self.done, self.cases)


def trend(round_: ReviewRound, unit: AdminUnit) -> list[TrendPoint]:
    """Classes, movement and progress in this round and every earlier round of the same kind (2 queries)."""
    rounds = {
        r.pk: TrendPoint(round=r) for r in ReviewRound.objects.filter(kind=round_.kind, year__lte=round_.year).order_by("year")
    }
    rows = (
        VillageTally.objects.filter(round_id__in=list(rounds), village__path__startswith=unit.path, standard__isnull=True)
        .values("round_id", "status", "household_class", "movement")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in rows:
        point, n = rounds[row["round_id"]], row["n"]
        point.cases += n
        if row["status"] not in OPEN_CASE:
            point.done += n
        if row["household_class"] in (Class.POOR, Class.NEAR_POOR, Class.AVERAGE):
            setattr(point, row["household_class"], getattr(point, row["household_class"]) + n)
        if row["movement"] in ESCAPED:
            point.escaped += n
        elif row["movement"] in (Movement.NEW_POOR, Movement.RE_POOR):
            setattr(point, row["movement"], getattr(point, row["movement"]) + n)
    return list(rounds.values())


# ----------------------------------------------------------------------------- household lists

LIST_KINDS = ("poor", "near_poor", "escaped", "average")


def household_rows(round_: ReviewRound, unit: AdminUnit, kind: str, standards: list[PovertyStandard]):
    """One row per household of the list ``kind`` under ``unit`` (primary standard's result), as a
    values_list queryset: code, head, head's ID number, address, village, ward, members, income per
    person, deprived keys, movement, then the class under each of ``standards``. One query."""
    primary_id = round_.primary_standard_id
    results = _list_results(round_, unit, kind)
    head = Member.objects.filter(
        household=OuterRef("case__household_id"), relationship=Member.Relationship.HEAD, left_on__isnull=True
    )
    members = (
        Member.objects.filter(household=OuterRef("case__household_id"), left_on__isnull=True)
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    annotations = {
        "head_name": Subquery(head.values("full_name")[:1]),
        "head_id_number": Subquery(head.values("id_number")[:1]),
        "member_count": Subquery(members),
    }
    class_fields = []
    for s in standards:
        name = f"class_{s.pk}"
        class_fields.append("household_class" if s.pk == primary_id else name)
        if s.pk != primary_id:
            other = CaseResult.objects.filter(case_id=OuterRef("case_id"), standard_id=s.pk)
            annotations[name] = Subquery(other.values("household_class")[:1])
    return (
        results.annotate(**annotations)
        .order_by("case__village__path", "case__household__code")
        .values_list(
            "case__household__code",
            "head_name",
            "head_id_number",
            "case__household__address",
            "case__village__name",
            "case__village__parent__name",
            "member_count",
            "income_per_person_month",
            "deprived_keys",
            "case__movement",
            *class_fields,
        )
    )


def _list_results(round_: ReviewRound, unit: AdminUnit, kind: str):
    """The primary standard's results of the households on the list ``kind`` under ``unit``."""
    results = CaseResult.objects.filter(
        standard_id=round_.primary_standard_id, case__round=round_, case__village__path__startswith=unit.path
    )
    if kind == "escaped":
        return results.filter(case__movement__in=ESCAPED)
    return results.filter(household_class={"poor": Class.POOR, "near_poor": Class.NEAR_POOR, "average": Class.AVERAGE}[kind])


def household_count(round_: ReviewRound, unit: AdminUnit, kind: str) -> int:
    return _list_results(round_, unit, kind).count()


def list_households(round_: ReviewRound, unit: AdminUnit, kind: str):
    """The households on the list ``kind`` under ``unit`` (a queryset, e.g. to record who saw them)."""
    return Household.objects.filter(pk__in=_list_results(round_, unit, kind).values("case__household_id"))


def rounds_for_dashboard():
    return ReviewRound.objects.order_by("-year", "kind")


def village_households(round_: ReviewRound, village: AdminUnit):
    """The village's cases with head, member count and the primary result: one query."""
    head = Member.objects.filter(household=OuterRef("household_id"), relationship=Member.Relationship.HEAD, left_on__isnull=True)
    return list(
        Case.objects.filter(round=round_, village=village)
        .select_related("household")
        .annotate(
            head_name=Subquery(head.values("full_name")[:1]),
            member_count=Count("household__members", filter=Q(household__members__left_on__isnull=True)),
        )
        .order_by("household__code")
    )
