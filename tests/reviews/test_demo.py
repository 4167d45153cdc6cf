"""The review demo: a round dated around the day it is made, surveyed for the most part, with wards
waiting at each stage so that every role has work; deterministic and idempotent."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from households.demo import DEMO_WARD, STAGE_WARDS
from households.models import AdminUnit, Assignment, Member
from reviews.models import (
    Case,
    CaseResult,
    Complaint,
    OfficialStatus,
    ReviewRequest,
    ReviewRound,
    Transition,
    VillageList,
    VillageMeeting,
    WardList,
)

pytestmark = pytest.mark.django_db

# Two days far apart, so that nothing in the demo holds a fixed date: the day this was written, and a
# day in the spring of the next year (another round year, outside the procedure's autumn window).
DAYS = {"2025": date(2026, 12, 4), "2023": date(2027, 3, 16)}


def seed(structure: str, *, villages_per_ward=(2, 3)):
    call_command("seed_demo", structure=structure, households=1500, seed=7, villages_per_ward=villages_per_ward, verbosity=0)
    call_command("seed_review_demo", seed=7, verbosity=0)


@pytest.fixture
def demo(settings):
    settings.DEMO_DATA_ALLOWED = True
    seed("2025")
    return ReviewRound.objects.get(kind=ReviewRound.Kind.PERIODIC, status=ReviewRound.Status.OPEN)


def stage_ward(structure: str, stage: str) -> AdminUnit:
    return AdminUnit.objects.get(code=next(code for s, code, _slug in STAGE_WARDS[structure] if s == stage))


def test_the_open_round_is_surveyed_outside_the_demo_and_stage_wards(demo):
    kept = [AdminUnit.objects.get(code=DEMO_WARD["2025"]), *(stage_ward("2025", s) for s, _c, _s in STAGE_WARDS["2025"])]
    outside = Case.objects.filter(round=demo)
    for ward in kept:
        outside = outside.exclude(village__path__startswith=ward.path)
    surveyed = outside.filter(status=Case.Status.SURVEYED)
    assert 0.5 < surveyed.count() / outside.count() < 0.9
    # Classified by the engine under every standard of the round, with a mix of classes.
    standards = demo.standards.count()
    assert CaseResult.objects.filter(case__in=surveyed).count() == surveyed.count() * standards
    assert {"poor", "near_poor", "not_poor"} <= set(surveyed.values_list("result_class", flat=True))
    assert Member.objects.filter(date_of_birth__gt=date(2026, 9, 1)).count() == 0


def snapshot():
    return {
        "rounds": sorted(ReviewRound.objects.values_list("year", "status", "starts_on", "ends_on", *ReviewRound.PHASE_DEADLINES)),
        "cases": sorted(Case.objects.values_list("id", "status", "result_class", "version")),
        "results": CaseResult.objects.count(),
        "requests": ReviewRequest.objects.count(),
        "village_lists": sorted(VillageList.objects.values_list("id", "status", "version")),
        "ward_lists": sorted(WardList.objects.values_list("id", "status", "posting_starts_on", "decision_number")),
        "meetings": VillageMeeting.objects.count(),
        "complaints": Complaint.objects.count(),
        "statuses": OfficialStatus.objects.count(),
        "log": Transition.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", "first_name", "password")),
    }


@pytest.mark.parametrize("structure", ["2025", "2023"])
def test_the_demo_can_be_walked_from_every_stage_on_the_day_it_is_made(structure, settings, today_is):
    settings.DEMO_DATA_ALLOWED = True
    today = today_is(DAYS[structure])
    # Enough villages per ward that the demo ward has some left for its heads and some already submitted.
    seed(structure, villages_per_ward=(6, 7))
    round_ = ReviewRound.objects.get(kind=ReviewRound.Kind.PERIODIC, status=ReviewRound.Status.OPEN)

    # Dated around the day: open, nothing overdue, a deadline within the week; last year's round closed.
    assert round_.year == today.year and round_.starts_on < today < round_.ends_on
    deadlines = [getattr(round_, name) for name in ReviewRound.PHASE_DEADLINES]
    assert all(d is not None and d >= today for d in deadlines), deadlines
    assert min(deadlines) <= today + timedelta(days=7)
    previous = ReviewRound.objects.get(kind=ReviewRound.Kind.PERIODIC, year=today.year - 1)
    assert previous.status == ReviewRound.Status.CLOSED and previous.ends_on < round_.ends_on
    assert not ReviewRequest.objects.filter(decided_on__isnull=True, due_on__lt=today).exists()
    assert not Transition.objects.filter(round=round_, data__has_key="late_after").exists(), "no step was late"

    # The demo ward: villages left for their heads, some submitted waiting for the meeting, some agreed.
    ward = AdminUnit.objects.get(code=DEMO_WARD[structure])
    assert Assignment.objects.get(user__username="phuong.haichau").unit == ward
    lists = VillageList.objects.filter(round=round_, village__parent=ward)
    statuses = set(lists.values_list("status", flat=True))
    assert {VillageList.Status.OPEN, VillageList.Status.SUBMITTED, VillageList.Status.MEETING_PASSED} <= statuses
    left = lists.filter(status=VillageList.Status.OPEN, village__code__in=[f"{ward.code}-00{n}" for n in (1, 2, 3)])
    assert Case.objects.filter(round=round_, village__in=left.values("village"), status=Case.Status.TO_SCREEN).exists()
    assert WardList.objects.get(round=round_, ward=ward).status == WardList.Status.OPEN
    # Every village of the demo ward has its head's login, totruong.<village number>.
    for village in AdminUnit.objects.filter(parent=ward):
        head = Assignment.objects.current_heads().get(unit=village)
        assert head.user.username == f"totruong.{int(village.code.rsplit('-', 1)[1])}"
        assert head.user.check_password("demo-2026") and head.user.first_name
    # The submitted villages were surveyed through the services: each case's screen and survey are logged.
    done = Case.objects.filter(round=round_, village__parent=ward).exclude(status=Case.Status.TO_SCREEN)
    assert done.exists() and not done.filter(status=Case.Status.TO_SURVEY).exists()
    for case in done:
        actions = set(Transition.objects.filter(case=case).values_list("action", flat=True))
        assert "case_screen" in actions
        assert case.status == Case.Status.SCREENED_OUT or {"case_survey", "case_complete"} <= actions

    # Each stage ward has its officer; the posted one's posting runs, with a complaint to re-check.
    approver = AdminUnit.objects.get(code="492" if structure == "2023" else "48")
    for _stage, code, slug in STAGE_WARDS[structure]:
        assert Assignment.objects.get(user__username=f"phuong.{slug}").unit.code == code
    posted = WardList.objects.get(round=round_, ward=stage_ward(structure, "posted"))
    assert posted.status == WardList.Status.POSTED and posted.posting_starts_on == today < posted.posting_ends_on
    assert Complaint.objects.filter(case__village__parent=posted.ward, status=Complaint.Status.OPEN).count() == 1
    # The submitted one waits for the approving level: the city officer (2025) or the district officer (2023).
    waiting = WardList.objects.get(round=round_, ward=stage_ward(structure, "submitted"))
    assert waiting.status == WardList.Status.SUBMITTED and waiting.approver == approver
    assert Assignment.objects.get(user__username="quan.haichau" if structure == "2023" else "thanhpho").unit == approver
    # The decided one: official statuses for every classified household, after an approval by that level.
    decided = WardList.objects.get(round=round_, ward=stage_ward(structure, "decided"))
    assert decided.status == WardList.Status.DECIDED and decided.decision_date < today
    classified = Case.objects.filter(round=round_, village__parent=decided.ward).exclude(result_class="")
    statuses = OfficialStatus.objects.filter(round=round_, ward=decided.ward)
    assert statuses.count() == classified.count() > 0
    assert statuses.filter(household_class__in=["poor", "near_poor"]).exists(), "households with a certificate"
    approval = Transition.objects.get(round=round_, unit=decided.ward, action="ward_approve")
    assert approval.actor.assignment.unit == approver
    assert list(
        Transition.objects.filter(round=round_, unit=decided.ward, action__startswith="ward_")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["ward_post", "ward_submit", "ward_approve", "ward_decide"]
    call_command("rebuild_tallies", check=True, verbosity=0)  # the services kept the dashboards' counts

    # Running it all again the same day changes nothing.
    before = snapshot()
    seed(structure, villages_per_ward=(6, 7))
    assert snapshot() == before
