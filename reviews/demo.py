"""Demo review data: last year's official lists (so this year's scope is real) and an open round.

Deterministic for a seed and idempotent: the 2025 round and its statuses are written once; the
2026 round is opened once through the same service a city officer uses.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models, transaction

from households.models import AdminUnit, Household, ResidentCount
from policies import facts as declared
from policies import procedure
from policies.models import PovertyStandard
from reviews import services, tallies
from reviews.facts import FROM_REGISTER, case_columns
from reviews.models import Case, CaseResult, Class, OfficialStatus, ReviewRequest, ReviewRound

DEMO_CITY_LINES = {
    "urban_income_line": 2_600_000,
    "rural_income_line": 2_000_000,
    "urban_average_upper": 3_900_000,
    "rural_average_upper": 3_000_000,
    "deprivation_cutoff": 3,
}


@transaction.atomic
def seed_previous_round(*, seed: int, focus_ward_code: str | None) -> int:
    """A closed 2025 round whose decisions put ~4 % of households on the poor list and ~3 % on the
    near-poor list (30 % / 15 % in the focus ward, so the demo village heads have work)."""
    if ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC, year=2025).exists():
        return 0
    national = PovertyStandard.objects.get(code="national-2022", version=1)
    round_ = ReviewRound.objects.create(
        kind=ReviewRound.Kind.PERIODIC,
        year=2025,
        name="Rà soát định kỳ năm 2025 (dữ liệu minh họa)",
        starts_on=procedure.current().periodic_window(2025)[0],
        ends_on=procedure.current().periodic_window(2025)[1],
        effective_from=date(2026, 1, 1),
        primary_standard=national,
        status=ReviewRound.Status.CLOSED,
    )
    round_.standards.set([national])
    focus = AdminUnit.objects.filter(code=focus_ward_code).first() if focus_ward_code else None
    rng = random.Random(f"{seed}:previous-round")
    picks = []
    for household_id, village_id, path in (
        Household.objects.active().values_list("id", "village_id", "village__path").order_by("id").iterator()
    ):
        in_focus = focus is not None and path.startswith(focus.path)
        roll = rng.random()
        poor, near = (0.30, 0.15) if in_focus else (0.04, 0.03)
        if roll < poor:
            picks.append((household_id, village_id, Class.POOR))
        elif roll < poor + near:
            picks.append((household_id, village_id, Class.NEAR_POOR))
    cases = Case.objects.bulk_create(
        [
            Case(
                round=round_,
                household_id=h,
                village_id=v,
                inclusion=Case.Inclusion.FORM_01,
                status=Case.Status.SURVEYED,
                result_class=c,
            )
            for h, v, c in picks
        ],
        batch_size=2000,
    )
    if any(c.pk is None for c in cases):
        cases = list(Case.objects.filter(round=round_).order_by("household_id"))
    # Results as the engine would have stored them, so dashboards and reports have last year's figures.
    keys = list(national.indicators.values_list("key", flat=True))
    lines = {"urban": national.urban_income_line, "rural": national.rural_income_line}
    areas = dict(AdminUnit.objects.villages().values_list("id", "area_type"))
    results = []
    for c in cases:
        deprived = rng.sample(keys, rng.randint(3, 5) if c.result_class == Class.POOR else rng.randint(0, 2))
        line = lines[areas[c.village_id] or "urban"]
        results.append(
            CaseResult(
                case=c,
                standard=national,
                household_class=c.result_class,
                deprivation_count=len(deprived),
                deprived_keys=deprived,
                income_per_person_month=rng.randint(line // 3, line),
                explanation={"demo": True},
            )
        )
    CaseResult.objects.bulk_create(results, batch_size=2000)
    wards = dict(AdminUnit.objects.villages().values_list("id", "parent_id"))
    OfficialStatus.objects.bulk_create(
        [
            OfficialStatus(
                household_id=c.household_id,
                round=round_,
                case=c,
                ward_id=wards[c.village_id],
                year=2025,
                standard=national,
                household_class=c.result_class,
                movement="unchanged",
                decision_number="DEMO-2025",
                decision_date=date(2025, 12, 20),
                effective_from=date(2026, 1, 1),
            )
            for c in cases
        ],
        batch_size=2000,
    )
    tallies.rebuild(round_.pk)  # written in bulk, outside the services
    return len(cases)


def seed_current_round(*, city_officer_username: str = "thanhpho", year: int = 2026) -> ReviewRound:
    existing = ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC, year=year).first()
    if existing:
        return existing
    city = PovertyStandard.objects.filter(code="city-danang").latest_versions().first()
    if city is not None and city.urban_income_line is None:
        for name, value in DEMO_CITY_LINES.items():
            setattr(city, name, value)
        city.is_demo = True
        city._change_reason = "Demo values (not the city's real lines)"
        city.save()
    user = get_user_model().objects.get(username=city_officer_username)
    standards = list(services.default_standards_for(date(year + 1, 1, 1)))
    primary = next(s for s in standards if s.scope == PovertyStandard.Scope.NATIONAL)
    return services.round_open(
        user=user,
        year=year,
        standards=standards,
        primary_standard=primary,
        survey_deadline=date(year, 10, 31),
        village_deadline=date(year, 11, 10),
        ward_deadline=date(year, 11, 30),
        approval_deadline=date(year, 12, 10),
    )


def seed_requests(*, seed: int, village_codes: list[str], ward_officer_username: str) -> int:
    """A few Form 01 requests in the demo villages (households not already on a list)."""
    user = get_user_model().objects.get(username=ward_officer_username)
    rng = random.Random(f"{seed}:requests")
    listed = OfficialStatus.objects.values("household_id")
    created = 0
    for household in Household.objects.filter(village__code__in=village_codes).exclude(pk__in=listed).order_by("code"):
        # Both draws happen for every household, so that a second run makes the same picks (and skips them).
        picked, received = rng.random() <= 0.5, procedure.current().periodic_window(2026)[0] + timedelta(days=rng.randint(0, 40))
        if not picked or ReviewRequest.objects.filter(household=household).exists():
            continue
        ReviewRequest.objects.create(
            household=household,
            form=ReviewRequest.Form.FORM_01,
            received_on=received,
            channel="village_head",
            due_on=services.request_due_on(received),
            recorded_by=user,
        )
        created += 1
    return created


def seed_resident_counts(*, year: int = 2026) -> int:
    """Demo denominators: each ward's registered households plus a few percent (source "demo", never real)."""
    counts = dict(Household.objects.active().values_list("village__parent_id").annotate(n=models.Count("id")).order_by())
    created = 0
    for ward in AdminUnit.objects.current().wards():
        _obj, was_created = ResidentCount.objects.get_or_create(
            unit=ward,
            year=year,
            defaults={"households": int(counts.get(ward.pk, 0) * 1.04), "source": ResidentCount.Source.DEMO},
        )
        created += was_created
    return created


WATER_WEIGHTS = {
    "piped": 70,
    "drilled_well": 12,
    "protected_dug_well": 6,
    "rain_water": 3,
    "unprotected_well": 6,
    "surface_water": 3,
}
LATRINE_WEIGHTS = {"septic": 68, "semi_septic": 12, "pour_flush": 6, "simple_pit": 9, "none": 5}


def seed_survey_progress(round_: ReviewRound, *, seed: int, keep_ward_code: str | None, share: float = 0.7) -> int:
    """Survey about ``share`` of the round's households outside the ward the demo users work in, so the
    district and city dashboards show a round in progress. Household facts are drawn at random around the
    standards' lines and classified by the engine through ``services.case_classify``, the function the
    survey pages use; the demo users' ward stays untouched for them to survey. Runs once per round."""
    outside = round_.cases.select_related("village", "round")
    keep = AdminUnit.objects.filter(code=keep_ward_code).first() if keep_ward_code else None
    if keep is not None:
        outside = outside.exclude(village__path__startswith=keep.path)
    if outside.exclude(status=Case.Status.TO_SCREEN).exists():
        return 0  # already seeded
    cases = outside.filter(status=Case.Status.TO_SCREEN)
    rng = random.Random(f"{seed}:survey-progress")
    surveyed = 0
    with transaction.atomic():
        for case in cases.order_by("id"):
            if rng.random() >= share:
                continue
            members = case.members.count() or 1
            per_person_month = rng.randint(1_000_000, 4_500_000)
            income = per_person_month * members * 12
            in_agriculture = case.village.area_type == AdminUnit.AreaType.RURAL and rng.random() < 0.5
            values = {
                "durable_walls": rng.random() < 0.75,
                "durable_columns": rng.random() < 0.75,
                "durable_roof": rng.random() < 0.75,
                "floor_area_m2": Decimal(members * rng.randint(50, 250)) / 10,
                "water_source": rng.choices(list(WATER_WEIGHTS), weights=list(WATER_WEIGHTS.values()))[0],
                "latrine": rng.choices(list(LATRINE_WEIGHTS), weights=list(LATRINE_WEIGHTS.values()))[0],
                "uses_telecom": rng.random() < 0.85,
                "devices": sorted(d for d in declared.values_of("devices") if rng.random() < 0.4),
                # Facts kept in the answers document: mostly the first (not deprived) value of each.
                "answers": {
                    fact.key: fact.value_keys[0] if rng.random() < 0.8 else rng.choice(fact.value_keys)
                    for fact in declared.HOUSEHOLD_FACTS
                    if fact.kind == "choice" and not case_columns(fact) and fact.key not in FROM_REGISTER
                },
                "in_agriculture": in_agriculture,
                # Every source answered: the ones the household has not are an explicit 0.
                **dict.fromkeys(Case.INCOME_FIELDS.values(), 0),
                "income_agriculture": income // 2 if in_agriculture else 0,
                "income_wages": income - (income // 2 if in_agriculture else 0),
                "sections_done": list(services.SURVEY_SECTIONS),
                "status": Case.Status.SURVEYED,  # seeded data: every section is done
            }
            Case.objects.filter(pk=case.pk).update(**values)
            for name, value in values.items():
                setattr(case, name, value)
            services.case_classify(case)
            surveyed += 1
    return surveyed
