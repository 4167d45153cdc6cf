"""Pages of the ward, district and city officers in a review round, read in Vietnamese."""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import AdminUnit
from reviews import services
from reviews.holidays import posting_end
from reviews.models import (
    Case,
    Complaint,
    OfficialStatus,
    ReviewRequest,
    ReviewRound,
    Transition,
    VillageList,
    VillageMeeting,
    WardList,
)
from tests.conftest import make_household, make_unit
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# A posting that started 20 days ago has ended (5 working days), so the list may be sent today.
POSTED_LONG_AGO = TODAY - timedelta(days=20)


def ward_kwargs(review, key="ward"):
    return {"round_id": review["round"].pk, "ward_code": review[key].code}


def url(name, review, **extra):
    return reverse(name, kwargs={**ward_kwargs(review), **extra})


def village_list(review, key="village"):
    return VillageList.objects.get(round=review["round"], village=review[key])


def ward_list(review, key="ward"):
    return WardList.objects.get(round=review["round"], ward=review[key])


def submit_both_villages(review):
    """The village heads survey their households and submit their lists (their pages are built elsewhere)."""
    p = review["personas"]
    survey(review["cases"]["a"], p["village_head"])
    survey(review["cases"]["b"], p["village_head"])
    services.village_submit(village_list=village_list(review), user=p["village_head"])
    survey(review["cases"]["c"], p["other_village_head"])
    services.village_submit(village_list=village_list(review, "other_village"), user=p["other_village_head"])


def hold_meeting(client, review, key="village", attendees=10, votes_for=6, votes_against=4, minutes=None):
    data = {
        "held_on": (TODAY - timedelta(days=30)).isoformat(),
        "attendees": attendees,
        "votes_for": votes_for,
        "votes_against": votes_against,
    }
    if minutes is not None:
        data["minutes"] = minutes
    return client.post(url("reviews:meeting_record", review, village_code=review[key].code), data)


def both_villages_agreed(client, review):
    submit_both_villages(review)
    hold_meeting(client, review, "village", 10, 6, 4)
    hold_meeting(client, review, "other_village", 8, 8, 0)


def post_list(client, review, starts_on=None):
    """Post the list through the page; without ``starts_on`` it is posted today and then the posting is
    let run out: its dates move 20 days back, as if it had been posted then (a back-dated start is refused)."""
    response = client.post(url("reviews:ward_post", review), {"starts_on": (starts_on or TODAY).isoformat()}, follow=True)
    if starts_on is None:
        WardList.objects.filter(round=review["round"], ward=review["ward"], status=WardList.Status.POSTED).update(
            posting_starts_on=POSTED_LONG_AGO, posting_ends_on=posting_end(POSTED_LONG_AGO, review["round"].posting_working_days)
        )
    return response


def content(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", content(response)).split())


# ----------------------------------------------------------------------------- ward page


def test_the_ward_page_shows_every_village_with_its_progress(client_for, review):
    submit_both_villages(review)
    response = client_for(review["personas"]["ward_officer"]).get(url("reviews:ward_detail", review))
    assert response.status_code == 200
    page = content(response)
    assert "Tổ dân phố 1" in page and "Tổ dân phố 2" in page
    assert "Đã gửi xã/phường" in page  # village list status
    assert "Ghi nhận họp dân" in page  # action per village
    assert "Gửi danh sách thôn/tổ · Tổ dân phố 1 (Đang rà soát → Đã gửi xã/phường)" in text(response)  # timeline
    rows = {vl.village.code: vl for vl in response.context["villages"]}
    assert rows["20236-001"].counts["total"] == 2
    assert rows["20236-001"].counts["surveyed"] == 2
    assert rows["20236-001"].counts["poor"] == 2


def test_an_anonymous_visitor_is_sent_to_log_in(client, review):
    response = client.get(url("reviews:ward_detail", review))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_officer_of_another_commune_gets_404_for_the_ward(client_for, review):
    response = client_for(review["personas"]["commune_officer"]).get(url("reviews:ward_detail", review))
    assert response.status_code == 404


def test_a_village_head_gets_403_on_the_ward_pages(client_for, review):
    client = client_for(review["personas"]["village_head"])
    assert client.get(url("reviews:ward_detail", review)).status_code == 403
    assert client.post(url("reviews:ward_post", review), {"starts_on": TODAY.isoformat()}).status_code == 403


def test_actions_answer_405_to_the_wrong_method(client_for, review):
    client = client_for(review["personas"]["ward_officer"])
    assert client.get(url("reviews:ward_post", review)).status_code == 405
    assert client.get(url("reviews:ward_submit", review)).status_code == 405
    assert client.put(url("reviews:meeting_record", review, village_code="20236-001")).status_code == 405
    district = client_for(review["personas"]["district_officer"])
    assert district.get(url("reviews:ward_approve", review)).status_code == 405


def test_a_district_officer_reads_the_ward_page_without_its_actions(client_for, review):
    submit_both_villages(review)
    response = client_for(review["personas"]["district_officer"]).get(url("reviews:ward_detail", review))
    assert response.status_code == 200
    assert "Ghi nhận họp dân" not in content(response)


# ----------------------------------------------------------------------------- village meeting


def test_a_meeting_where_60_percent_agree_passes_the_list_and_keeps_the_minutes(client_for, review, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    submit_both_villages(review)
    client = client_for(review["personas"]["ward_officer"])
    minutes = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    response = hold_meeting(client, review, minutes=minutes)
    assert response.status_code == 302
    assert village_list(review).status == VillageList.Status.MEETING_PASSED
    meeting = VillageMeeting.objects.get()
    assert meeting.passed and meeting.minutes.name.endswith(".pdf")
    page = content(client.get(response["Location"]))
    assert "Họp dân đã thông qua danh sách của Tổ dân phố 1 (6/10 người dự họp đồng ý)." in page
    assert "thông qua" in page


def test_a_meeting_where_under_half_agree_returns_the_list_for_re_survey(client_for, review):
    submit_both_villages(review)
    client = client_for(review["personas"]["ward_officer"])
    response = hold_meeting(client, review, attendees=10, votes_for=4, votes_against=6)
    assert village_list(review).status == VillageList.Status.RETURNED
    page = content(client.get(response["Location"]))
    assert "Dưới 50% số người dự họp đồng ý (4/10)" in page
    assert "trả lại để rà soát lại" in page


def test_minutes_that_are_not_pdf_jpeg_or_png_are_refused(client_for, review):
    submit_both_villages(review)
    client = client_for(review["personas"]["ward_officer"])
    fake = SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = hold_meeting(client, review, minutes=fake)
    assert response.status_code == 200
    assert "Hãy tải lên tệp PDF, JPEG hoặc PNG." in content(response)
    assert not VillageMeeting.objects.exists()


def test_minutes_above_the_size_limit_are_refused(client_for, review, monkeypatch):
    from reviews import forms_manage

    monkeypatch.setattr(forms_manage, "MINUTES_MAX_BYTES", 16)
    submit_both_villages(review)
    big = SimpleUploadedFile("bien-ban.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    response = hold_meeting(client_for(review["personas"]["ward_officer"]), review, minutes=big)
    assert "Tệp lớn hơn 10 MB." in content(response)
    assert village_list(review).status == VillageList.Status.SUBMITTED


def test_votes_above_the_attendees_are_refused_in_vietnamese(client_for, review):
    submit_both_villages(review)
    response = hold_meeting(client_for(review["personas"]["ward_officer"]), review, attendees=5, votes_for=4, votes_against=3)
    assert response.status_code == 200
    assert "không được vượt quá số người dự họp" in content(response)


def test_a_meeting_on_a_list_not_yet_submitted_shows_the_workflow_message(client_for, review):
    response = hold_meeting(client_for(review["personas"]["ward_officer"]), review)
    assert response.status_code == 200
    assert "Không thể thực hiện lúc này: danh sách đang ở tình trạng “Đang rà soát”." in content(response)


def test_a_form_whose_action_is_not_possible_now_says_why_before_it_is_filled(client_for, review):
    client = client_for(review["personas"]["ward_officer"])
    meeting = client.get(url("reviews:meeting_record", review, village_code="20236-001"))
    assert "Không thể thực hiện lúc này: danh sách đang ở tình trạng “Đang rà soát”." in content(meeting)
    complaint = client.get(url("reviews:complaint_record", review))
    assert "Khiếu nại chỉ được ghi nhận trong thời gian niêm yết công khai." in content(complaint)


def test_the_ward_returns_a_village_list_with_remarks(client_for, review):
    submit_both_villages(review)
    client = client_for(review["personas"]["ward_officer"])
    response = client.post(url("reviews:village_return", review, village_code="20236-001"), {"reason": "Hộ HH-B thiếu thu nhập"})
    assert response.status_code == 302
    vl = village_list(review)
    assert (vl.status, vl.remarks) == (VillageList.Status.RETURNED, "Hộ HH-B thiếu thu nhập")


# ----------------------------------------------------------------------------- posting and complaints


def test_posting_shows_the_end_date_in_working_days(client_for, review, today_is):
    client = client_for(review["personas"]["ward_officer"])
    both_villages_agreed(client, review)
    monday = today_is(date(2026, 11, 2))
    page = content(post_list(client, review, starts_on=monday))
    assert ward_list(review).posting_ends_on == date(2026, 11, 6)
    assert "Danh sách được niêm yết công khai từ 02/11/2026 đến 06/11/2026." in page


def test_posting_before_every_village_has_met_shows_the_services_message(client_for, review):
    submit_both_villages(review)
    page = content(post_list(client_for(review["personas"]["ward_officer"]), review))
    assert "Các thôn/tổ sau chưa thống nhất danh sách tại họp dân" in page
    assert ward_list(review).status == WardList.Status.OPEN


def test_sending_for_opinion_while_the_posting_runs_is_refused_with_the_services_message(client_for, review):
    client = client_for(review["personas"]["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review, starts_on=TODAY)
    page = content(client.post(url("reviews:ward_submit", review), follow=True))
    assert "Niêm yết công khai kéo dài đến hết ngày" in page
    assert ward_list(review).status == WardList.Status.POSTED


def test_a_complaint_reopens_the_household_and_its_overdue_recheck_is_highlighted_then_resolved(client_for, review):
    client = client_for(review["personas"]["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review)
    response = client.post(
        url("reviews:complaint_record", review),
        {
            "case": review["cases"]["a"].pk,
            "received_on": (TODAY - timedelta(days=10)).isoformat(),
            "complainant": "Lê Thị B",
            "content": "Hộ có xe ô tô",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert Case.objects.get(pk=complaint.case_id).reopened
    page = content(client.get(url("reviews:ward_detail", review)))
    assert "Hộ có xe ô tô" in page and "quá hạn" in page and "table-danger" in page

    refused = content(client.post(url("reviews:ward_submit", review), follow=True))
    assert "Còn 1 khiếu nại đang phúc tra: HH-A" in refused

    response = client.post(
        url("reviews:complaint_resolve", review, complaint_id=complaint.pk), {"resolution": "Không có xe, giữ kết quả"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.RESOLVED
    assert not Case.objects.get(pk=complaint.case_id).reopened


def test_a_complaint_against_a_household_outside_the_ward_is_refused(client_for, review):
    client = client_for(review["personas"]["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review)
    response = client.post(
        url("reviews:complaint_record", review),
        {"case": review["cases"]["r"].pk, "received_on": TODAY.isoformat(), "complainant": "X", "content": "Y"},
    )
    assert response.status_code == 200
    assert "Hãy chọn một hộ trong danh sách của xã/phường này trong đợt rà soát này." in content(response)
    assert not Complaint.objects.exists()


# ----------------------------------------------------------------------------- approval up the chain


def test_the_full_chain_through_the_pages_ends_with_official_statuses(client, review):
    p = review["personas"]
    client.force_login(p["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review)
    client.post(url("reviews:ward_submit", review))
    assert ward_list(review).status == WardList.Status.SUBMITTED

    client.force_login(p["district_officer"])
    approvals = client.get(reverse("reviews:approvals"))
    assert "Phường Hải Châu I" in content(approvals) and "Đang chờ ý kiến của bạn" in content(approvals)
    [waiting] = approvals.context["waiting"]
    assert waiting.counts["total"] == 3 and waiting.counts["poor"] >= 2
    review_page = client.get(url("reviews:ward_review", review))
    assert "HH-A" in content(review_page) and "Thu nhập bình quân đầu người/tháng" in content(review_page)
    client.post(url("reviews:ward_return", review), {"return-reason": "Kiểm tra lại hộ HH-C", "return-confirmed": "on"})
    assert ward_list(review).status == WardList.Status.RETURNED

    client.force_login(p["ward_officer"])
    page = content(client.get(url("reviews:ward_detail", review)))
    assert "Ý kiến của đơn vị cấp trên" in page and "Kiểm tra lại hộ HH-C" in page
    assert "Trả lại kèm ý kiến" in page  # the timeline
    # A returned list goes through the public posting again before it is sent.
    refused = content(client.post(url("reviews:ward_submit", review), follow=True))
    assert "Không thể thực hiện lúc này" in refused
    post_list(client, review)
    client.post(url("reviews:ward_submit", review))
    assert ward_list(review).status == WardList.Status.SUBMITTED

    client.force_login(p["district_officer"])
    page = content(client.post(url("reviews:ward_approve", review), {"approve-confirmed": "on"}, follow=True))
    assert "Đã thống nhất danh sách của Phường Hải Châu I." in page
    assert ward_list(review).status == WardList.Status.APPROVED

    client.force_login(p["ward_officer"])
    response = client.post(
        url("reviews:ward_decide", review), {"decision_number": "12/QĐ-UBND", "decision_date": TODAY.isoformat()}
    )
    assert response.status_code == 302
    assert ward_list(review).status == WardList.Status.DECIDED
    decided = Case.objects.filter(round=review["round"], village__parent=review["ward"]).exclude(result_class="")
    assert OfficialStatus.objects.filter(ward=review["ward"]).count() == decided.count() == 3
    assert OfficialStatus.objects.get(household=review["households"]["a"]).household_class == "poor"

    decision = content(client.get(url("reviews:decision_list", review)))
    assert "Kèm theo Quyết định số 12/QĐ-UBND" in decision
    assert "Nguyễn Văn HH-A-0" in decision and "Nghèo phát sinh" in decision
    assert "/static/css/decision_list.css" in decision  # A4 print rules (a file: the CSP forbids inline styles)
    assert "@page { size: A4" in (settings.BASE_DIR / "static" / "css" / "decision_list.css").read_text()


def test_the_city_officer_cannot_approve_a_list_sent_to_a_district(client_for, review):
    client = client_for(review["personas"]["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review)
    client.post(url("reviews:ward_submit", review))
    response = client_for(review["personas"]["city_officer"]).post(url("reviews:ward_approve", review))
    assert response.status_code == 403
    assert ward_list(review).status == WardList.Status.SUBMITTED


def test_returning_without_a_reason_shows_the_services_message(client_for, review):
    client = client_for(review["personas"]["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review)
    client.post(url("reviews:ward_submit", review))
    page = content(
        client_for(review["personas"]["district_officer"]).post(
            url("reviews:ward_return", review), {"return-confirmed": "on"}, follow=True
        )
    )
    assert "Hãy nêu lý do." in page
    assert ward_list(review).status == WardList.Status.SUBMITTED


def test_the_district_reopens_a_decided_list_with_a_reason_and_its_statuses_are_revoked(client, review):
    p = review["personas"]
    client.force_login(p["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review)
    client.post(url("reviews:ward_submit", review))
    services.ward_approve(ward_list=ward_list(review), user=p["district_officer"])
    services.ward_decide(ward_list=ward_list(review), user=p["ward_officer"], decision_number="1/QĐ", decision_date=TODAY)

    client.force_login(p["district_officer"])
    page = content(client.get(url("reviews:ward_review", review)))
    assert "Mở lại danh sách xã/phường" in page
    client.post(url("reviews:ward_reopen", review), {"reopen-reason": "Sai sót thu nhập"})
    assert ward_list(review).status == WardList.Status.OPEN
    assert not OfficialStatus.objects.filter(revoked_at__isnull=True).exists()
    assert Transition.objects.filter(action="ward_reopen", reason="Sai sót thu nhập").exists()


# ----------------------------------------------------------------------------- rounds


def test_the_city_officer_opens_a_round_with_the_default_window(client_for, review):
    client = client_for(review["personas"]["city_officer"])
    form = client.get(reverse("reviews:round_open"))
    assert form.status_code == 200
    page = content(form)
    assert "Niêm yết công khai (ngày làm việc)" in page and "Theo quy trình: 5 ngày làm việc (chưa xác minh;" in page
    effective = date(TODAY.year + 1, 1, 1)
    expected = {s.pk for s in services.default_standards_for(effective)}
    assert set(form.context["form"]["standards"].initial) == expected
    national = review["standards"]["national-2022"]
    response = client.post(
        reverse("reviews:round_open"),
        {
            "year": 2027,
            "kind": "periodic",
            "standards": [national.pk],
            "primary_standard": national.pk,
            "posting_working_days": 5,
            "recheck_working_days": 3,
        },
    )
    assert response.status_code == 302
    round_ = ReviewRound.objects.get(year=2027)
    assert (round_.starts_on, round_.ends_on, round_.effective_from) == (date(2027, 9, 1), date(2027, 12, 14), date(2028, 1, 1))
    assert "Rà soát định kỳ năm 2027" in content(client.get(response["Location"]))


def test_a_primary_standard_outside_the_applied_ones_is_refused(client_for, review):
    s = review["standards"]
    response = client_for(review["personas"]["city_officer"]).post(
        reverse("reviews:round_open"),
        {
            "year": 2027,
            "kind": "periodic",
            "standards": [s["city-danang"].pk],
            "primary_standard": s["national-2022"].pk,
            "posting_working_days": 5,
            "recheck_working_days": 3,
        },
    )
    assert response.status_code == 200
    assert "Chuẩn dùng để công nhận chính thức phải là một trong các chuẩn được áp dụng." in content(response)


def test_changing_the_deadlines_is_recorded_with_old_and_new_dates(client_for, review):
    client = client_for(review["personas"]["city_officer"])
    response = client.post(
        reverse("reviews:round_deadlines", args=[review["round"].pk]),
        {"survey_deadline": "2026-10-15", "village_deadline": "2026-10-31"},
    )
    assert response.status_code == 302
    entry = Transition.objects.get(action="round_deadlines")
    assert entry.data["survey_deadline"] == [None, "2026-10-15"]
    out_of_order = client.post(
        reverse("reviews:round_deadlines", args=[review["round"].pk]),
        {"survey_deadline": "2026-11-15", "village_deadline": "2026-10-31"},
    )
    assert "Thời hạn này sớm hơn thời hạn của bước trước." in content(out_of_order)


def test_closing_the_round_freezes_it(client_for, review):
    city = client_for(review["personas"]["city_officer"])
    assert "Kết thúc sẽ khóa đợt rà soát" in content(city.get(reverse("reviews:round_close", args=[review["round"].pk])))
    city.post(reverse("reviews:round_close", args=[review["round"].pk]))
    assert ReviewRound.objects.get(pk=review["round"].pk).status == ReviewRound.Status.CLOSED
    ward = client_for(review["personas"]["ward_officer"])
    page = content(ward.post(url("reviews:ward_post", review), {"starts_on": TODAY.isoformat()}, follow=True))
    assert "đã kết thúc; không thể thay đổi gì trong đợt" in page


def test_any_role_reads_the_round_list_but_only_the_city_may_open_a_round(client_for, review):
    page = content(client_for(review["personas"]["village_head"]).get(reverse("reviews:round_list")))
    assert "Rà soát định kỳ năm 2026" in page and "Mở đợt rà soát" not in page
    assert "Mở đợt rà soát" in content(client_for(review["personas"]["city_officer"]).get(reverse("reviews:round_list")))


def test_my_ward_leads_the_ward_officer_to_the_open_round(client_for, review):
    response = client_for(review["personas"]["ward_officer"]).get(reverse("reviews:my_ward"))
    assert response["Location"] == url("reviews:ward_detail", review)


# ----------------------------------------------------------------------------- requests


def test_a_village_head_records_a_request_due_15_days_later(client_for, review):
    client = client_for(review["personas"]["village_head"])
    household = make_household(review["village"], "HH-N", members=1)
    received = TODAY - timedelta(days=2)
    response = client.post(
        reverse("reviews:request_record", args=[review["village"].code]),
        {"household_code": "HH-N", "form": "form01", "received_on": received.isoformat(), "channel": "village_head"},
    )
    assert response.status_code == 302
    request = ReviewRequest.objects.get(household=household)
    assert request.due_on == received + timedelta(days=15)
    page = content(client.get(response["Location"]))
    assert "HH-N" in page and "Mẫu 01 – giấy đề nghị rà soát" in page


def test_a_request_for_a_household_outside_the_area_is_refused(client_for, review):
    response = client_for(review["personas"]["village_head"]).post(
        reverse("reviews:request_record", args=[review["village"].code]),
        {"household_code": "HH-C", "form": "form01", "received_on": TODAY.isoformat(), "channel": "post"},
    )
    assert response.status_code == 200
    assert "Không có hộ nào có mã này tại Tổ dân phố 1." in content(response)


def test_overdue_requests_are_flagged_to_the_ward_and_to_the_district(client_for, review):
    ward_page = content(client_for(review["personas"]["ward_officer"]).get(reverse("reviews:request_list", args=["20236"])))
    assert "HH-A" in ward_page and "quá hạn" in ward_page
    district = client_for(review["personas"]["district_officer"]).get(reverse("reviews:request_list", args=["492"]))
    page = content(district)
    assert district.context["overdue_only"]
    assert "HH-A" in page and "HH-C" in page and "HH-R" not in page


# ----------------------------------------------------------------------------- bounded queries


def _count_queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def add_villages(review, n):
    """n more villages in the ward, each with a household in scope and a meeting on record."""
    for i in range(n):
        village = make_unit(f"20236-1{i:02d}", f"Tổ {i}", AdminUnit.Level.VILLAGE, review["ward"])
        household = make_household(village, f"HH-V{i}", members=1)
        # The village got its list when it was added (reviews.territory); it has been submitted since.
        vl, _created = VillageList.objects.update_or_create(
            round=review["round"], village=village, defaults={"status": VillageList.Status.SUBMITTED}
        )
        Case.objects.create(round=review["round"], household=household, village=village, inclusion="form01")
        VillageMeeting.objects.create(
            village_list=vl,
            held_on=TODAY,
            attendees=4,
            votes_for=1,
            votes_against=3,
            passed=False,
            recorded_by=review["personas"]["ward_officer"],
        )


def test_the_ward_page_costs_the_same_queries_for_2_and_20_villages(client_for, review, django_assert_max_num_queries):
    client = client_for(review["personas"]["ward_officer"])
    path = url("reviews:ward_detail", review)
    few = _count_queries(client, path)
    add_villages(review, 18)
    # session, user, assignment, ward, ward list, village lists, case counts, meetings, complaints, timeline,
    # and either the public holidays of the posting preview or (here) the villages that block the posting
    with django_assert_max_num_queries(11):
        response = client.get(path)
    assert len(response.context["villages"]) == 20
    assert _count_queries(client, path) == few


def test_the_approvals_page_costs_the_same_queries_for_2_and_20_wards(client_for, review, django_assert_max_num_queries):
    client = client_for(review["personas"]["district_officer"])
    path = reverse("reviews:approvals")

    def add_wards(start, n):
        for i in range(start, start + n):
            ward = make_unit(f"2030{i:02d}", f"Phường {i}", AdminUnit.Level.WARD, review["district"], area_type="urban")
            village = make_unit(f"{ward.code}-001", "Tổ 1", AdminUnit.Level.VILLAGE, ward)
            Case.objects.create(
                round=review["round"], household=make_household(village, f"HH-W{i}"), village=village, inclusion="form01"
            )
            WardList.objects.create(
                round=review["round"], ward=ward, approver=review["district"], status=WardList.Status.SUBMITTED
            )

    add_wards(0, 2)
    few = _count_queries(client, path)
    add_wards(2, 18)
    # session, user, assignment, ward lists, case counts per ward
    with django_assert_max_num_queries(5):
        response = client.get(path)
    assert len(response.context["waiting"]) == 20
    assert _count_queries(client, path) == few


def test_where_a_ward_reports_to_the_city_the_city_officer_gives_the_opinion(client_for, review):
    """Since 07/2025 Đà Nẵng has no districts: WardList.approver is the city department."""
    ward = make_unit("20300", "Phường Hải Châu", AdminUnit.Level.WARD, review["city"], area_type="urban")
    WardList.objects.create(round=review["round"], ward=ward, approver=review["city"], status=WardList.Status.SUBMITTED)
    client = client_for(review["personas"]["city_officer"])
    approvals = client.get(reverse("reviews:approvals"))
    assert [wl.ward.code for wl in approvals.context["waiting"]] == ["20300"]
    kwargs = {"round_id": review["round"].pk, "ward_code": "20300"}
    assert "Thống nhất danh sách xã/phường" in content(client.get(reverse("reviews:ward_review", kwargs=kwargs)))
    client.post(reverse("reviews:ward_approve", kwargs=kwargs), {"approve-confirmed": "on"})
    assert WardList.objects.get(ward=ward).status == WardList.Status.APPROVED
    # The district officer of 492 covers no such ward, so it does not exist for them.
    district = client_for(review["personas"]["district_officer"])
    assert district.post(reverse("reviews:ward_reopen", kwargs=kwargs), {"reopen-reason": "x"}).status_code == 404


def test_a_late_approval_asks_for_the_reason_for_the_delay_on_the_page(client, review):
    p = review["personas"]
    client.force_login(p["ward_officer"])
    both_villages_agreed(client, review)
    post_list(client, review)
    client.post(url("reviews:ward_submit", review))
    client.force_login(p["district_officer"])
    assert "Lý do chậm" not in content(client.get(url("reviews:ward_review", review))), "no deadline set: not late"
    round_ = review["round"]
    round_.approval_deadline = TODAY - timedelta(days=1)
    round_.save()
    page = content(client.get(url("reviews:ward_review", review)))
    assert "Lý do chậm" in page and round_.approval_deadline.strftime("%d/%m/%Y") in page
    refused = content(client.post(url("reviews:ward_approve", review), {"approve-confirmed": "on"}, follow=True))
    assert "lý do chậm" in refused
    assert ward_list(review).status == WardList.Status.SUBMITTED
    client.post(url("reviews:ward_approve", review), {"approve-reason": "Nhận hồ sơ muộn do mưa lũ", "approve-confirmed": "on"})
    assert ward_list(review).status == WardList.Status.APPROVED
    assert Transition.objects.get(action="ward_approve").reason == "Nhận hồ sơ muộn do mưa lũ"
