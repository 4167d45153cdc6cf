from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from reviews import services, workflow
from reviews.calendar import add_working_days, period_end
from reviews.models import Case, OfficialStatus, ReviewRound, Transition, VillageList, WardList
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db


def village_list(review, key="village"):
    return VillageList.objects.get(round=review["round"], village=review[key])


def ward_list(review, key="ward"):
    return WardList.objects.get(round=review["round"], ward=review[key])


def meet(review, key, attendees, votes_for):
    services.meeting_record(
        village_list=village_list(review, key),
        user=review["personas"]["ward_officer"],
        held_on=date(2026, 10, 1),
        today=date(2026, 10, 1),
        attendees=attendees,
        votes_for=votes_for,
        votes_against=attendees - votes_for,
    )


def village_one_agreed(review):
    """Village 1 surveyed, submitted and agreed at a 60 % meeting."""
    p = review["personas"]
    survey(review["cases"]["a"], p["village_head"])
    survey(review["cases"]["b"], p["village_head"])
    services.village_submit(village_list=village_list(review), user=p["village_head"])
    meet(review, "village", 10, 6)


def village_two_agreed(review):
    p = review["personas"]
    survey(review["cases"]["c"], p["other_village_head"])
    services.village_submit(village_list=village_list(review, "other_village"), user=p["other_village_head"])
    meet(review, "other_village", 8, 8)


def bring_ward_to_posted(review):
    village_one_agreed(review)
    village_two_agreed(review)
    services.ward_post(
        ward_list=ward_list(review), user=review["personas"]["ward_officer"], starts_on=date(2026, 10, 5), today=date(2026, 10, 5)
    )


def bring_ward_to_submitted(review):
    bring_ward_to_posted(review)
    services.ward_submit(ward_list=ward_list(review), user=review["personas"]["ward_officer"], today=date(2026, 10, 20))
    return ward_list(review)


def test_opening_a_round_puts_households_with_requests_in_scope_with_their_members(review):
    cases = review["cases"]
    assert {c.inclusion for c in cases.values()} == {"form01"}
    assert cases["a"].members.count() == 3
    assert ward_list(review).approver == review["district"]
    assert Transition.objects.filter(action="round_open").count() == 1


def test_a_surveyed_low_income_household_with_three_deprivations_is_poor_with_reasons(review):
    case = survey(review["cases"]["a"], review["personas"]["village_head"])
    assert case.status == Case.Status.SURVEYED
    assert case.result_class == "poor"
    result = case.results.get(standard=review["round"].primary_standard)
    assert {"housing_quality", "drinking_water", "hygienic_latrine"} <= set(result.deprived_keys)
    assert result.income_per_person_month == Decimal("833333.33")
    city = case.results.get(standard__code="city-danang")
    assert city.household_class == ""  # the city has not entered its lines yet
    assert case.movement == "new_poor"


def test_a_household_that_meets_a_quick_screen_item_is_excluded_and_not_surveyed(review):
    case = review["cases"]["a"]
    services.case_screen(case=case, user=review["personas"]["village_head"], items_met=["car"], read_version=case.version)
    case.refresh_from_db()
    assert (case.status, case.result_class) == ("screened_out", "not_poor")
    with pytest.raises(ValidationError):
        services.case_save_section(
            case=case, user=review["personas"]["village_head"], section="income", values={}, read_version=case.version
        )


def test_the_later_of_two_saves_of_the_same_survey_is_refused(review):
    head = review["personas"]["village_head"]
    case = review["cases"]["a"]
    services.case_screen(case=case, user=head, items_met=[], read_version=case.version)
    stale = Case.objects.get(pk=case.pk)
    fresh = Case.objects.get(pk=case.pk)
    services.case_save_section(case=fresh, user=head, section="housing", values={"floor_area_m2": 30}, read_version=fresh.version)
    with pytest.raises(ValidationError, match="head1"):
        services.case_save_section(
            case=stale, user=head, section="housing", values={"floor_area_m2": 99}, read_version=stale.version
        )
    assert Case.objects.get(pk=case.pk).floor_area_m2 == 30


def test_a_village_head_cannot_touch_another_village_and_a_district_officer_cannot_survey(review):
    p = review["personas"]
    case = review["cases"]["a"]
    with pytest.raises(Http404):  # another village: not found, in services as on the pages
        services.case_screen(case=case, user=p["other_village_head"], items_met=[], read_version=case.version)
    with pytest.raises(PermissionDenied):
        services.case_screen(case=case, user=p["district_officer"], items_met=[], read_version=case.version)
    with pytest.raises(Http404):
        services.village_submit(village_list=village_list(review), user=p["other_village_head"])
    with pytest.raises(PermissionDenied):
        services.village_submit(village_list=village_list(review), user=p["district_officer"])


def test_a_village_list_with_unsurveyed_households_cannot_be_submitted(review):
    with pytest.raises(workflow.WorkflowError, match="2"):
        services.village_submit(village_list=village_list(review), user=review["personas"]["village_head"])


def test_submitting_locks_the_surveys_until_the_ward_returns_the_list_with_a_reason(review):
    p = review["personas"]
    for key in ("a", "b"):
        survey(review["cases"][key], p["village_head"])
    services.village_submit(village_list=village_list(review), user=p["village_head"])
    case = Case.objects.get(pk=review["cases"]["a"].pk)
    with pytest.raises(ValidationError, match="locked|khóa"):
        services.case_save_section(case=case, user=p["village_head"], section="income", values={}, read_version=case.version)
    with pytest.raises(workflow.WorkflowError):
        services.village_return(village_list=village_list(review), user=p["ward_officer"], reason="  ")
    services.village_return(village_list=village_list(review), user=p["ward_officer"], reason="Sai diện tích nhà")
    assert village_list(review).status == "returned"
    services.case_save_section(
        case=case, user=p["village_head"], section="housing", values={"floor_area_m2": 25}, read_version=case.version
    )
    log = Transition.objects.get(action="village_return")
    assert (log.actor, log.reason, log.from_status, log.to_status) == (
        p["ward_officer"],
        "Sai diện tích nhà",
        "submitted",
        "returned",
    )


@pytest.mark.parametrize(
    ("attendees", "votes_for", "passes"),
    [(10, 5, True), (10, 6, True), (11, 5, False), (10, 4, False), (1, 1, True), (0, 0, False)],
)
def test_the_village_meeting_needs_at_least_half_of_the_attendees_to_agree(attendees, votes_for, passes):
    assert services.meeting_passes(attendees, votes_for, date(2026, 10, 1)) is passes


def test_a_meeting_under_half_returns_the_list_for_re_survey(review):
    p = review["personas"]
    for key in ("a", "b"):
        survey(review["cases"][key], p["village_head"])
    services.village_submit(village_list=village_list(review), user=p["village_head"])
    meeting = services.meeting_record(
        village_list=village_list(review),
        user=p["ward_officer"],
        held_on=date(2026, 10, 1),
        today=date(2026, 10, 1),
        attendees=10,
        votes_for=4,
        votes_against=6,
    )
    assert meeting.passed is False
    assert village_list(review).status == "returned"
    with pytest.raises(ValidationError):
        services.meeting_record(
            village_list=village_list(review),
            user=p["ward_officer"],
            held_on=date(2026, 10, 1),
            today=date(2026, 10, 1),
            attendees=5,
            votes_for=4,
            votes_against=3,
        )


def test_posting_runs_for_working_days_and_complaints_get_a_working_day_re_check_date():
    # Monday 5 Oct 2026 + 5 working days → Friday 9 Oct; a start on Saturday begins Monday.
    assert period_end(date(2026, 10, 5), 5) == date(2026, 10, 9)
    assert period_end(date(2026, 10, 7), 5) == date(2026, 10, 13)
    assert period_end(date(2026, 10, 3), 1) == date(2026, 10, 5)
    # A complaint on Friday with 3 working days is due Wednesday.
    assert add_working_days(date(2026, 10, 9), 3) == date(2026, 10, 14)
    assert add_working_days(date(2026, 10, 9), 3, holidays={date(2026, 10, 12)}) == date(2026, 10, 15)


def test_the_ward_posts_only_after_every_village_agreed_and_sends_only_after_the_posting(review):
    p = review["personas"]
    village_one_agreed(review)
    with pytest.raises(workflow.WorkflowError, match="Tổ dân phố 2"):
        services.ward_post(
            ward_list=ward_list(review), user=p["ward_officer"], starts_on=date(2026, 10, 5), today=date(2026, 10, 5)
        )
    village_two_agreed(review)
    services.ward_post(ward_list=ward_list(review), user=p["ward_officer"], starts_on=date(2026, 10, 5), today=date(2026, 10, 5))
    wl = ward_list(review)
    assert (wl.status, wl.posting_ends_on) == ("posted", date(2026, 10, 9))
    with pytest.raises(workflow.WorkflowError, match="09/10/2026"):
        services.ward_submit(ward_list=wl, user=p["ward_officer"], today=date(2026, 10, 9))


def test_a_complaint_reopens_the_household_and_blocks_sending_until_resolved(review):
    p = review["personas"]
    bring_ward_to_posted(review)
    case = Case.objects.get(pk=review["cases"]["b"].pk)
    complaint = services.complaint_record(
        case=case,
        user=p["ward_officer"],
        received_on=date(2026, 10, 9),
        complainant="Lê Văn X",
        content="Hộ có xe ô tô",
        today=date(2026, 10, 9),
    )
    assert complaint.recheck_due_on == date(2026, 10, 14)
    case.refresh_from_db()
    services.case_screen(case=case, user=p["village_head"], items_met=["car"], read_version=case.version)
    with pytest.raises(workflow.WorkflowError):
        services.ward_submit(ward_list=ward_list(review), user=p["ward_officer"], today=date(2026, 10, 20))
    services.complaint_resolve(
        complaint=complaint, user=p["ward_officer"], resolution="Phúc tra: hộ có ô tô, loại khỏi danh sách"
    )
    services.ward_submit(ward_list=ward_list(review), user=p["ward_officer"], today=date(2026, 10, 20))
    assert ward_list(review).status == "submitted"


def test_only_the_approving_district_approves_or_returns_and_a_return_needs_remarks(review):
    p = review["personas"]
    wl = bring_ward_to_submitted(review)
    with pytest.raises(Http404):
        services.ward_approve(ward_list=wl, user=p["other_district_officer"])
    with pytest.raises(PermissionDenied):
        services.ward_approve(ward_list=wl, user=p["city_officer"])  # the district gives the opinion here
    with pytest.raises(PermissionDenied):
        services.ward_approve(ward_list=wl, user=p["ward_officer"])
    with pytest.raises(workflow.WorkflowError):
        services.ward_return(ward_list=wl, user=p["district_officer"], reason="")
    services.ward_return(ward_list=wl, user=p["district_officer"], reason="Kiểm tra lại hộ HH-B")
    wl = ward_list(review)
    assert (wl.status, wl.remarks) == ("returned", "Kiểm tra lại hộ HH-B")
    with pytest.raises(workflow.WorkflowError):
        services.ward_approve(ward_list=wl, user=p["district_officer"], today=date(2026, 11, 10))


def test_the_decision_makes_results_official_and_approved_data_is_read_only(review):
    p = review["personas"]
    wl = bring_ward_to_submitted(review)
    services.ward_approve(ward_list=wl, user=p["district_officer"], today=date(2026, 11, 10))
    case = Case.objects.get(pk=review["cases"]["a"].pk)
    with pytest.raises(ValidationError):
        services.case_save_section(case=case, user=p["ward_officer"], section="income", values={}, read_version=case.version)
    services.ward_decide(
        ward_list=ward_list(review),
        user=p["ward_officer"],
        decision_number="123/QĐ-UBND",
        decision_date=date(2026, 11, 20),
        today=date(2026, 11, 20),
    )
    status = OfficialStatus.objects.get(household=review["households"]["a"])
    assert (status.household_class, status.year, status.decision_number, status.movement) == (
        "poor",
        2026,
        "123/QĐ-UBND",
        "new_poor",
    )
    assert status.effective_from == date(2027, 1, 1)
    with pytest.raises(workflow.WorkflowError):
        services.ward_decide(
            ward_list=ward_list(review),
            user=p["ward_officer"],
            decision_number="124",
            decision_date=date(2026, 11, 21),
            today=date(2026, 11, 21),
        )


def test_only_the_level_above_reopens_a_decided_list_and_only_with_a_reason(review):
    p = review["personas"]
    wl = bring_ward_to_submitted(review)
    services.ward_approve(ward_list=wl, user=p["district_officer"], today=date(2026, 11, 10))
    services.ward_decide(
        ward_list=ward_list(review),
        user=p["ward_officer"],
        decision_number="1/QĐ",
        decision_date=date(2026, 11, 20),
        today=date(2026, 11, 20),
    )
    with pytest.raises(PermissionDenied):
        services.ward_reopen(ward_list=ward_list(review), user=p["ward_officer"], reason="x")
    with pytest.raises(workflow.WorkflowError):
        services.ward_reopen(ward_list=ward_list(review), user=p["district_officer"], reason="")
    services.ward_reopen(ward_list=ward_list(review), user=p["district_officer"], reason="Sai sót hộ HH-A")
    assert ward_list(review).status == "open"
    assert not OfficialStatus.objects.filter(revoked_at__isnull=True).exists()
    assert OfficialStatus.objects.filter(revoked_at__isnull=False).count() == 3


def test_nothing_changes_after_the_round_is_closed_and_its_standards_are_locked(review):
    p = review["personas"]
    survey(review["cases"]["a"], p["village_head"])
    survey(review["cases"]["b"], p["village_head"])
    with pytest.raises(PermissionDenied):
        services.round_close(round_=review["round"], user=p["ward_officer"])
    services.round_close(round_=review["round"], user=p["city_officer"])
    review["round"].refresh_from_db()
    assert review["round"].status == ReviewRound.Status.CLOSED
    assert review["round"].primary_standard.locked_at is not None
    with pytest.raises(workflow.WorkflowError, match="closed|kết thúc"):
        services.village_submit(village_list=village_list(review), user=p["village_head"])
    case = Case.objects.get(pk=review["cases"]["a"].pk)
    with pytest.raises(ValidationError):
        services.case_save_section(case=case, user=p["village_head"], section="income", values={}, read_version=case.version)


def test_two_officers_acting_on_the_same_list_at_once_cannot_both_succeed(review):
    p = review["personas"]
    wl = bring_ward_to_submitted(review)
    stale = WardList.objects.get(pk=wl.pk)
    services.ward_approve(ward_list=wl, user=p["district_officer"], today=date(2026, 11, 10))
    with pytest.raises(workflow.WorkflowError):
        services.ward_return(ward_list=stale, user=p["district_officer"], reason="late")


def test_a_rural_commune_reports_to_its_own_district(review):
    assert ward_list(review, "commune").approver == review["other_district"]


# ----------------------------------------------------------------------------- phase deadlines


def test_a_village_list_sent_after_the_village_deadline_needs_the_reason_for_the_delay(review):
    p = review["personas"]
    round_ = review["round"]
    round_.village_deadline = date(2026, 11, 10)
    round_.save()
    survey(review["cases"]["a"], p["village_head"])
    survey(review["cases"]["b"], p["village_head"])
    with pytest.raises(workflow.WorkflowError) as refused:
        services.village_submit(village_list=village_list(review), user=p["village_head"], today=date(2026, 11, 11))
    assert "10/11/2026" in refused.value.messages[0]
    assert village_list(review).status == VillageList.Status.OPEN
    services.village_submit(
        village_list=village_list(review), user=p["village_head"], reason="  Chờ hộ đi làm xa về  ", today=date(2026, 11, 11)
    )
    assert village_list(review).status == VillageList.Status.SUBMITTED
    late = Transition.objects.get(action="village_submit")
    assert late.reason == "Chờ hộ đi làm xa về" and late.data["late_after"] == "2026-11-10" and late.actor == p["village_head"]


def test_on_the_deadline_day_itself_no_reason_is_asked(review):
    p = review["personas"]
    review["round"].village_deadline = date(2026, 11, 10)
    review["round"].save()
    survey(review["cases"]["a"], p["village_head"])
    survey(review["cases"]["b"], p["village_head"])
    services.village_submit(village_list=village_list(review), user=p["village_head"], today=date(2026, 11, 10))
    assert "late_after" not in Transition.objects.get(action="village_submit").data
    assert workflow.overdue("village_submit", review["round"], date(2026, 11, 10)) is None
    assert workflow.overdue("village_submit", review["round"], date(2026, 11, 11)) == date(2026, 11, 10)


def test_late_ward_list_and_late_approval_need_a_reason_too(review):
    p = review["personas"]
    round_ = review["round"]
    round_.ward_deadline, round_.approval_deadline = date(2026, 10, 15), date(2026, 10, 25)
    round_.save()
    bring_ward_to_posted(review)
    with pytest.raises(workflow.WorkflowError):
        services.ward_submit(ward_list=ward_list(review), user=p["ward_officer"], today=date(2026, 10, 20))
    services.ward_submit(ward_list=ward_list(review), user=p["ward_officer"], reason="Phúc tra kéo dài", today=date(2026, 10, 20))
    with pytest.raises(workflow.WorkflowError):
        services.ward_approve(ward_list=ward_list(review), user=p["district_officer"], today=date(2026, 10, 26))
    assert ward_list(review).status == WardList.Status.SUBMITTED
    services.ward_approve(
        ward_list=ward_list(review), user=p["district_officer"], reason="Nhận hồ sơ muộn", today=date(2026, 10, 26)
    )
    assert ward_list(review).status == WardList.Status.APPROVED
    assert [
        t.data.get("late_after") for t in Transition.objects.filter(action__in=["ward_submit", "ward_approve"]).order_by("id")
    ] == [
        "2026-10-15",
        "2026-10-25",
    ]


def test_steps_without_a_deadline_field_are_never_late(review):
    round_ = review["round"]
    round_.village_deadline = round_.ward_deadline = round_.approval_deadline = None
    round_.save()
    assert all(workflow.overdue(name, round_, date(2030, 1, 1)) is None for name in workflow.ACTIONS)
