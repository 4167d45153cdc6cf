"""Demo review data: last year's official lists (so this year's scope is real), an open round, and wards
waiting at each stage of it.

Every date is counted from the day the demo is made (``demo_dates``), so that nothing is overdue on
arrival and a deadline is coming up. Deterministic for a seed and a day, and idempotent: last year's
round and its statuses are written once; this year's round is opened once through the same service a
city officer uses, and each stage ward is moved along once through the services and the workflow.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models, transaction

from households.demo import DEMO_WARD, STAGE_WARDS, head_username
from households.models import AdminUnit, Assignment, Household, ResidentCount
from policies import facts as declared
from policies.models import PovertyStandard
from reviews import services, tallies
from reviews.facts import FROM_REGISTER, case_columns
from reviews.models import Case, CaseResult, Class, OfficialStatus, ReviewRequest, ReviewRound, VillageList, WardList

DEMO_CITY_LINES = {
    "urban_income_line": 2_600_000,
    "rural_income_line": 2_000_000,
    "urban_average_upper": 3_900_000,
    "rural_average_upper": 3_000_000,
    "deprivation_cutoff": 3,
}


def demo_dates(today: date) -> dict[str, date]:
    """The open round's window and phase deadlines around ``today``: it opened six weeks ago, the survey
    closes in five days (the city officer's list of deadlines within a week shows it), the other phases
    follow at two-week steps."""
    return {
        "starts_on": today - timedelta(days=45),
        "survey_deadline": today + timedelta(days=5),
        "village_deadline": today + timedelta(days=12),
        "ward_deadline": today + timedelta(days=26),
        "approval_deadline": today + timedelta(days=40),
        "ends_on": today + timedelta(days=60),
    }


def year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


# Last year's poor / near-poor shares: the city's, the demo ward's (its village heads have work), the stage
# wards' (enough households for meetings, a posting and a decision, few enough to survey them quickly).
CITY_SHARES, DEMO_WARD_SHARES, STAGE_WARD_SHARES = (0.04, 0.03), (0.30, 0.15), (0.10, 0.06)


@transaction.atomic
def seed_previous_round(*, seed: int, focus_ward_code: str, stage_ward_codes: list[str], today: date) -> int:
    """A closed round of the year before ``today``'s, dated a year before this one (``demo_dates``), whose
    decisions put ``CITY_SHARES`` of households on the poor and near-poor lists (more in the demo ward and
    the stage wards)."""
    year = today.year - 1
    if ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC, year=year).exists():
        return 0
    national = PovertyStandard.objects.get(code="national-2022", version=1)
    dates = demo_dates(year_before(today))
    decided_on = dates["ends_on"] - timedelta(days=7)
    round_ = ReviewRound.objects.create(
        kind=ReviewRound.Kind.PERIODIC,
        year=year,
        name=f"Rà soát định kỳ năm {year} (dữ liệu minh họa)",
        starts_on=dates["starts_on"],
        ends_on=dates["ends_on"],
        effective_from=date(year + 1, 1, 1),
        primary_standard=national,
        status=ReviewRound.Status.CLOSED,
    )
    round_.standards.set([national])
    shares = {focus_ward_code: DEMO_WARD_SHARES, **dict.fromkeys(stage_ward_codes, STAGE_WARD_SHARES)}
    wards_of = dict(AdminUnit.objects.villages().values_list("id", "parent__code"))
    rng = random.Random(f"{seed}:previous-round")
    picks = []
    for household_id, village_id in Household.objects.active().values_list("id", "village_id").order_by("id").iterator():
        roll = rng.random()
        poor, near = shares.get(wards_of[village_id], CITY_SHARES)
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
                year=year,
                standard=national,
                household_class=c.result_class,
                movement="unchanged",
                decision_number=f"DEMO-{year}",
                decision_date=decided_on,
                effective_from=round_.effective_from,
            )
            for c in cases
        ],
        batch_size=2000,
    )
    tallies.rebuild(round_.pk)  # written in bulk, outside the services
    return len(cases)


def seed_current_round(*, today: date, city_officer_username: str = "thanhpho") -> ReviewRound:
    """This year's periodic round, opened by the city officer with dates around ``today`` (``demo_dates``)."""
    existing = ReviewRound.objects.filter(kind=ReviewRound.Kind.PERIODIC, year=today.year).first()
    if existing:
        return existing
    year = today.year
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
    return services.round_open(user=user, year=year, standards=standards, primary_standard=primary, **demo_dates(today))


def seed_requests(*, seed: int, village_codes: list[str], ward_officer_username: str, today: date) -> int:
    """A few Form 01 requests in the demo villages (households not already on a list)."""
    user = get_user_model().objects.get(username=ward_officer_username)
    rng = random.Random(f"{seed}:requests")
    listed = OfficialStatus.objects.values("household_id")
    created = 0
    for household in Household.objects.filter(village__code__in=village_codes).exclude(pk__in=listed).order_by("code"):
        # Both draws happen for every household, so that a second run makes the same picks (and skips them).
        # Received in the last two weeks: none is overdue on the day the demo is made, some are due soon.
        picked, received = rng.random() <= 0.5, today - timedelta(days=rng.randint(1, 14))
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


def survey_values(case: Case, rng: random.Random, *, incomes: tuple[int, int] = (1_000_000, 4_500_000)) -> dict:
    """Household facts for one case drawn at random around the standards' lines (income per person and
    month within ``incomes``): every section answered."""
    members = case.members.count() or 1
    per_person_month = rng.randint(*incomes)
    income = per_person_month * members * 12
    in_agriculture = case.village.area_type == AdminUnit.AreaType.RURAL and rng.random() < 0.5
    return {
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
    }


def seed_survey_progress(round_: ReviewRound, *, seed: int, keep_ward_codes: list[str], share: float = 0.7) -> int:
    """Survey about ``share`` of the round's households outside the wards the demo users work in, so the
    dashboards show a round in progress. Household facts are drawn at random around the standards' lines
    (``survey_values``) and classified by the engine through ``services.case_classify``, the function the
    survey pages use; the kept wards (the demo ward, the stage wards) are left to ``seed_stages``. Runs
    once per round."""
    outside = round_.cases.select_related("village", "round")
    for keep in AdminUnit.objects.filter(code__in=keep_ward_codes):
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
            values = {
                **survey_values(case, rng),
                "sections_done": list(services.SURVEY_SECTIONS),
                "status": Case.Status.SURVEYED,  # seeded data: every section is done
            }
            Case.objects.filter(pk=case.pk).update(**values)
            for name, value in values.items():
                setattr(case, name, value)
            services.case_classify(case)
            surveyed += 1
    return surveyed


# ----------------------------------------------------------------------------- wards at each stage

# The Case columns of each survey section (the answers document goes to every section that asks one of its facts).
_SECTION_OF = {column: fact.section for fact in declared.HOUSEHOLD_FACTS for column in case_columns(fact)}
_ANSWER_SECTIONS = {fact.section for fact in declared.HOUSEHOLD_FACTS if not case_columns(fact)}
# The share of a stage ward's households the village head excludes at the quick screen (Form A).
SCREENED_OUT_SHARE = 0.15
# In the demo ward the first villages are left for their heads (totruong.1, totruong.2 …), the next ones are
# submitted and wait for their meeting; the others agreed their list at the meeting.
LEFT_FOR_HEADS = 3
WAITING_FOR_MEETING = 2


def survey_case(case: Case, *, user, rng: random.Random) -> Case:
    """What a village head does on the survey page, through the same services: the quick screen, then (unless
    it excludes the household) the whole Form B in one save, each section with its history and log."""
    items = [item["key"] for item in case.round.primary_standard.quick_screen_items]
    if items and rng.random() < SCREENED_OUT_SHARE:
        return services.case_screen(case=case, user=user, items_met=[rng.choice(items)], read_version=case.version)
    case = services.case_screen(case=case, user=user, items_met=[], read_version=case.version)
    # Households on last year's lists are mostly still poor or near-poor.
    values = survey_values(case, rng, incomes=(800_000, 3_400_000))
    answers = values.pop("answers")
    sections = {section: {} for section in services.SURVEY_SECTIONS if section != "members"}
    for name, value in values.items():
        sections[_SECTION_OF.get(name, "income")][name] = value
    for section in _ANSWER_SECTIONS & set(sections):
        sections[section]["answers"] = answers
    members = [{"id": pk} for pk in case.members.order_by("id").values_list("pk", flat=True)]
    return services.case_save_form(case=case, user=user, members=members, sections=sections, read_version=case.version)


def _heads(structure: str, ward: AdminUnit) -> dict[int, object]:
    """The demo head of each village of ``ward``, by village id."""
    villages = dict(AdminUnit.objects.filter(parent=ward).values_list("code", "id"))
    users = {
        a.user.username: a.user
        for a in Assignment.objects.filter(role=Assignment.Role.VILLAGE_HEAD, unit__parent=ward).select_related("user")
    }
    return {pk: users[head_username(structure, code)] for code, pk in villages.items()}


def _survey_and_submit(round_, structure, ward, village_lists, *, rng, today) -> list[VillageList]:
    """Each village's head surveys every household of the round and submits the list (villages with no
    household in the round have nothing to send). Returns the lists submitted."""
    heads = _heads(structure, ward)
    submitted = []
    for village_list in village_lists:
        cases = list(
            Case.objects.filter(round=round_, village_id=village_list.village_id)
            .select_related("village", "round")
            .order_by("id")
        )
        if not cases:
            continue
        head = heads[village_list.village_id]
        for case in cases:
            survey_case(case, user=head, rng=rng)
        services.village_submit(village_list=village_list, user=head, today=today)
        submitted.append(village_list)
    return submitted


def _meet(village_lists, *, officer, rng, held_on: date, today: date) -> None:
    """The village meetings, each agreed by a clear majority."""
    for village_list in village_lists:
        attendees = rng.randint(18, 40)
        votes_for = attendees - rng.randint(0, attendees // 5)
        services.meeting_record(
            village_list=village_list,
            user=officer,
            held_on=held_on,
            attendees=attendees,
            votes_for=votes_for,
            votes_against=attendees - votes_for,
            today=today,
        )


def demo_structure() -> str:
    """The structure ``seed_demo`` loaded, known from the demo ward officer's ward."""
    code = Assignment.objects.filter(user__username="phuong.haichau").values_list("unit__code", flat=True).first()
    return next(structure for structure, ward in DEMO_WARD.items() if ward == code)


def stage_ward_codes(structure: str) -> list[str]:
    return [DEMO_WARD[structure], *(code for _stage, code, _slug in STAGE_WARDS[structure])]


def seed_stages(round_: ReviewRound, *, seed: int, today: date) -> dict[str, str]:
    """Wards waiting at each stage of the round, moved there through the services and the workflow as their
    people would have done it over the past weeks, so that every role has work on the day the demo is made:

    - the demo ward (``phuong.haichau``): most villages surveyed and submitted, most of those agreed at
      their meeting, two waiting for it, the first ``LEFT_FOR_HEADS`` left for their heads;
    - ``posted``: every village agreed, the list posted today (the posting runs), one complaint to re-check;
    - ``submitted``: posted three weeks ago, sent for opinion today: the approving level has it waiting;
    - ``decided``: posted five weeks ago, approved two weeks ago, decided a week ago: official statuses
      and certificates.

    Each ward is moved once (a ward already past its first step is left as it is). Returns the stage of
    each ward moved now, by ward name."""
    structure = demo_structure()
    users = get_user_model().objects.in_bulk(
        [f"phuong.{slug}" for _stage, _code, slug in STAGE_WARDS[structure]] + ["phuong.haichau"], field_name="username"
    )
    moved = {}
    demo_ward = AdminUnit.objects.get(code=DEMO_WARD[structure])
    lists = list(VillageList.objects.filter(round=round_, village__parent=demo_ward).order_by("village__code"))
    if lists and all(vl.status == VillageList.Status.OPEN for vl in lists):
        rng = random.Random(f"{seed}:stage:{demo_ward.code}")
        with transaction.atomic():
            submitted = _survey_and_submit(round_, structure, demo_ward, lists[LEFT_FOR_HEADS:], rng=rng, today=today)
            _meet(
                submitted[WAITING_FOR_MEETING:],
                officer=users["phuong.haichau"],
                rng=rng,
                held_on=today - timedelta(days=3),
                today=today,
            )
        moved[demo_ward.name] = "open"
    for stage, code, slug in STAGE_WARDS[structure]:
        ward_list = WardList.objects.select_related("round", "ward").get(round=round_, ward__code=code)
        if ward_list.status != WardList.Status.OPEN:
            continue
        with transaction.atomic():
            _move_ward(ward_list, stage, officer=users[f"phuong.{slug}"], structure=structure, seed=seed, today=today)
        moved[ward_list.ward.name] = stage
    return moved


def _move_ward(ward_list: WardList, stage: str, *, officer, structure: str, seed: int, today: date) -> None:
    round_, ward = ward_list.round, ward_list.ward
    rng = random.Random(f"{seed}:stage:{ward.code}")
    # How many days ago each step happened, by stage: (meetings, posting).
    meetings, posted = {"posted": (4, 0), "submitted": (24, 21), "decided": (42, 38)}[stage]
    lists = list(VillageList.objects.filter(round=round_, village__parent=ward).order_by("village__code"))
    submitted = _survey_and_submit(round_, structure, ward, lists, rng=rng, today=today - timedelta(days=meetings))
    _meet(submitted, officer=officer, rng=rng, held_on=today - timedelta(days=meetings), today=today)
    starts_on = today - timedelta(days=posted)
    services.ward_post(ward_list=ward_list, user=officer, starts_on=starts_on, today=starts_on)
    if stage == "posted":
        case = Case.objects.filter(round=round_, village__parent=ward).select_related("village", "round").order_by("id").first()
        if case is not None:
            services.complaint_record(
                case=case,
                user=officer,
                received_on=today,
                complainant="Trần Thị Mỹ",
                content="Hộ bên cạnh cho rằng hộ này đã có xe ô tô, đề nghị phúc tra.",
                today=today,
            )
        return
    services.ward_submit(ward_list=ward_list, user=officer, today=today - timedelta(days=20 if stage == "decided" else 0))
    if stage == "submitted":
        return
    approver = Assignment.objects.filter(
        unit_id=ward_list.approver_id, role__in=(Assignment.Role.DISTRICT_OFFICER, Assignment.Role.CITY_OFFICER)
    ).first()
    services.ward_approve(ward_list=ward_list, user=approver.user, today=today - timedelta(days=14))
    decided_on = today - timedelta(days=7)
    services.ward_decide(
        ward_list=ward_list,
        user=officer,
        decision_number=f"{rng.randint(100, 399)}/QĐ-UBND",
        decision_date=decided_on,
        today=today,
    )
