"""The dates of the procedure keep its order: a posting cannot be back-dated (so a posting and a complaint
window always exist), and a closed round takes no complaint. Every date is pinned: the services take
``today=``, the pages run under ``today_is``."""

from datetime import date

import pytest
from django.urls import reverse

from reviews import services, workflow
from reviews.forms_manage import PostForm
from reviews.models import Case, Complaint, Transition, VillageList, WardList
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db

ROUND_START = date(2026, 9, 1)  # the 2026 periodic round of the ``review`` fixture: 1 September – 14 December
MEETINGS = date(2026, 10, 1)
POSTED = date(2026, 10, 5)  # a Monday: the five working days end on Friday 9 October


def ward_list(review) -> WardList:
    return WardList.objects.get(round=review["round"], ward=review["ward"])


def villages_agreed(review) -> WardList:
    """Both villages of the ward surveyed, submitted and agreed at a meeting on 1 October 2026."""
    p = review["personas"]
    for key, head in (("a", "village_head"), ("b", "village_head"), ("c", "other_village_head")):
        survey(review["cases"][key], p[head])
    for village, head in (("village", "village_head"), ("other_village", "other_village_head")):
        village_list = VillageList.objects.get(round=review["round"], village=review[village])
        services.village_submit(village_list=village_list, user=p[head])
        services.meeting_record(
            village_list=village_list,
            user=p["ward_officer"],
            held_on=MEETINGS,
            attendees=10,
            votes_for=8,
            votes_against=2,
            today=MEETINGS,
        )
    return ward_list(review)


def posted(review) -> WardList:
    villages_agreed(review)
    services.ward_post(ward_list=ward_list(review), user=review["personas"]["ward_officer"], starts_on=POSTED, today=POSTED)
    return ward_list(review)


def close_the_round(review):
    services.round_close(round_=review["round"], user=review["personas"]["city_officer"])
    review["round"].refresh_from_db()


# ----------------------------------------------------------------------------- the posting's start


def test_a_posting_back_dated_to_2020_on_the_2026_round_is_refused_and_the_list_stays_open(review):
    villages_agreed(review)
    with pytest.raises(workflow.WorkflowError) as refused:
        services.ward_post(
            ward_list=ward_list(review), user=review["personas"]["ward_officer"], starts_on=date(2020, 1, 1), today=POSTED
        )
    assert "Ngày bắt đầu niêm yết không được trước ngày bắt đầu đợt rà soát (01/09/2026)." in refused.value.messages
    wl = ward_list(review)
    assert (wl.status, wl.posting_starts_on) == (WardList.Status.OPEN, None)
    assert not Transition.objects.filter(action="ward_post").exists()


def test_the_post_form_refuses_a_start_before_the_round_with_a_vietnamese_message(review):
    form = PostForm({"starts_on": "2020-01-01"}, round_=review["round"], today=POSTED)
    assert not form.is_valid()
    assert form.errors["starts_on"] == ["Ngày bắt đầu niêm yết không được trước ngày bắt đầu đợt rà soát (01/09/2026)."]


def test_the_post_form_accepts_a_start_up_to_the_grace_before_today_and_not_a_day_more(review):
    assert PostForm({"starts_on": "2026-10-02"}, round_=review["round"], today=POSTED).is_valid()
    form = PostForm({"starts_on": "2026-10-01"}, round_=review["round"], today=POSTED)
    assert not form.is_valid()
    assert form.errors["starts_on"] == [
        "Ngày bắt đầu niêm yết không được sớm hơn hôm nay quá 3 ngày: sớm nhất là ngày 02/10/2026. "
        "Hãy ghi nhận việc niêm yết ngay trong ngày niêm yết."
    ]


def test_the_posting_may_start_three_days_before_today_but_not_four(review):
    villages_agreed(review)
    officer = review["personas"]["ward_officer"]
    today = date(2026, 10, 8)
    with pytest.raises(workflow.WorkflowError, match="sớm nhất là ngày 05/10/2026"):
        services.ward_post(ward_list=ward_list(review), user=officer, starts_on=date(2026, 10, 4), today=today)
    assert ward_list(review).status == WardList.Status.OPEN
    services.ward_post(ward_list=ward_list(review), user=officer, starts_on=date(2026, 10, 5), today=today)
    wl = ward_list(review)
    assert (wl.status, wl.posting_starts_on, wl.posting_ends_on) == (WardList.Status.POSTED, date(2026, 10, 5), date(2026, 10, 9))


def test_the_grace_is_a_setting(review, settings):
    settings.POSTING_BACKDATE_GRACE_DAYS = 0
    villages_agreed(review)
    with pytest.raises(workflow.WorkflowError, match="quá 0 ngày"):
        services.ward_post(
            ward_list=ward_list(review), user=review["personas"]["ward_officer"], starts_on=date(2026, 10, 4), today=POSTED
        )


def test_a_posting_cannot_be_recorded_more_than_a_week_ahead(review):
    villages_agreed(review)
    officer = review["personas"]["ward_officer"]
    with pytest.raises(workflow.WorkflowError, match="muộn nhất là ngày 12/10/2026"):
        services.ward_post(ward_list=ward_list(review), user=officer, starts_on=date(2026, 10, 13), today=POSTED)
    services.ward_post(ward_list=ward_list(review), user=officer, starts_on=date(2026, 10, 12), today=POSTED)
    assert ward_list(review).status == WardList.Status.POSTED


def test_the_ward_page_refuses_a_back_dated_posting_with_the_message(review, client_for, today_is):
    villages_agreed(review)
    today_is(POSTED)
    client = client_for(review["personas"]["ward_officer"])
    url = reverse("reviews:ward_post", args=[review["round"].pk, review["ward"].code])
    page = client.post(url, {"starts_on": "2020-01-01"}, follow=True).content.decode()
    assert "Ngày bắt đầu niêm yết không được trước ngày bắt đầu đợt rà soát (01/09/2026)." in page
    assert ward_list(review).status == WardList.Status.OPEN


# ----------------------------------------------------------------------------- other dates of the procedure


def test_a_meeting_cannot_be_dated_before_the_round(review):
    p = review["personas"]
    survey(review["cases"]["a"], p["village_head"])
    survey(review["cases"]["b"], p["village_head"])
    village_list = VillageList.objects.get(round=review["round"], village=review["village"])
    services.village_submit(village_list=village_list, user=p["village_head"])
    with pytest.raises(workflow.WorkflowError, match="Ngày họp không được trước ngày bắt đầu đợt rà soát"):
        services.meeting_record(
            village_list=village_list,
            user=p["ward_officer"],
            held_on=date(2026, 8, 31),
            attendees=10,
            votes_for=8,
            votes_against=2,
            today=MEETINGS,
        )
    assert VillageList.objects.get(pk=village_list.pk).status == VillageList.Status.SUBMITTED


def test_a_complaint_is_received_between_the_posting_start_and_today(review):
    posted(review)
    officer = review["personas"]["ward_officer"]
    case = review["cases"]["a"]
    with pytest.raises(workflow.WorkflowError, match=r"trước ngày bắt đầu niêm yết \(05/10/2026\)"):
        services.complaint_record(
            case=case, user=officer, received_on=date(2026, 10, 2), complainant="Bà X", content="-", today=POSTED
        )
    with pytest.raises(workflow.WorkflowError, match="Ngày nhận không được ở tương lai"):
        services.complaint_record(
            case=case, user=officer, received_on=date(2026, 10, 6), complainant="Bà X", content="-", today=POSTED
        )
    assert not Complaint.objects.exists() and not Case.objects.get(pk=case.pk).reopened


def test_the_decision_cannot_be_dated_before_the_approval(review):
    posted(review)
    p = review["personas"]
    services.ward_submit(ward_list=ward_list(review), user=p["ward_officer"], today=date(2026, 10, 12))
    services.ward_approve(ward_list=ward_list(review), user=p["district_officer"], today=date(2026, 10, 20))
    with pytest.raises(workflow.WorkflowError, match=r"trước ngày danh sách được phê duyệt \(20/10/2026\)"):
        services.ward_decide(
            ward_list=ward_list(review),
            user=p["ward_officer"],
            decision_number="1/QĐ-UBND",
            decision_date=date(2026, 10, 19),
            today=date(2026, 10, 22),
        )
    services.ward_decide(
        ward_list=ward_list(review),
        user=p["ward_officer"],
        decision_number="1/QĐ-UBND",
        decision_date=date(2026, 10, 20),
        today=date(2026, 10, 22),
    )
    assert ward_list(review).status == WardList.Status.DECIDED


# ----------------------------------------------------------------------------- complaints on a closed round


def test_a_complaint_on_a_closed_round_is_refused_and_the_case_is_not_reopened(review):
    posted(review)
    close_the_round(review)
    case = Case.objects.get(pk=review["cases"]["a"].pk)
    with pytest.raises(workflow.WorkflowError, match="đã kết thúc"):
        services.complaint_record(
            case=case,
            user=review["personas"]["ward_officer"],
            received_on=date(2026, 10, 6),
            complainant="Bà X",
            content="Hộ có xe ô tô",
            today=date(2026, 10, 6),
        )
    assert not Case.objects.get(pk=case.pk).reopened
    assert not Complaint.objects.exists()
    assert not Transition.objects.filter(action="complaint_record").exists()


def test_a_complaint_cannot_be_resolved_once_the_round_is_closed(review):
    posted(review)
    officer = review["personas"]["ward_officer"]
    complaint = services.complaint_record(
        case=review["cases"]["a"], user=officer, received_on=POSTED, complainant="Bà X", content="-", today=POSTED
    )
    close_the_round(review)
    complaint = Complaint.objects.select_related("case__round").get(pk=complaint.pk)
    with pytest.raises(workflow.WorkflowError, match="đã kết thúc"):
        services.complaint_resolve(complaint=complaint, user=officer, resolution="Giữ nguyên")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolution) == (Complaint.Status.OPEN, "")


def test_the_ward_page_of_a_closed_round_offers_no_complaint_buttons(review, client_for):
    posted(review)
    officer = review["personas"]["ward_officer"]
    complaint = services.complaint_record(
        case=review["cases"]["a"], user=officer, received_on=POSTED, complainant="Bà X", content="-", today=POSTED
    )
    client = client_for(officer)
    args = [review["round"].pk, review["ward"].code]
    record_url = reverse("reviews:complaint_record", args=args)
    resolve_url = reverse("reviews:complaint_resolve", args=[*args, complaint.pk])
    page = client.get(reverse("reviews:ward_detail", args=args)).content.decode()
    assert record_url in page and resolve_url in page, "while the round is open both are offered"
    close_the_round(review)
    page = client.get(reverse("reviews:ward_detail", args=args)).content.decode()
    assert record_url not in page and resolve_url not in page
    form = client.get(record_url).content.decode()
    assert "đã kết thúc; không thể thay đổi gì trong đợt" in form
    response = client.post(
        record_url, {"case": review["cases"]["b"].pk, "received_on": "2026-10-06", "complainant": "Ông Y", "content": "-"}
    )
    assert response.status_code == 200 and Complaint.objects.count() == 1
    assert not Case.objects.get(pk=review["cases"]["b"].pk).reopened
