"""The approving unit's opinion with its context (issue 16 item 3): the list's summary, every household
linked, an "I have checked" box the server insists on, and several ward lists at once, each through its
own transition (one refused does not stop the others; the same form sent twice changes nothing)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from households.models import AdminUnit
from reviews import opinions, services
from reviews.models import Case, Transition, WardList
from tests.conftest import make_household, make_unit
from tests.reviews.conftest import POOR_SECTIONS
from tests.reviews.test_procedure_integrity import POSTED, posted

pytestmark = pytest.mark.django_db

SENT = date(2026, 10, 12)  # the Monday after the posting of 5–9 October ended


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def wards(request, territory):
    """Two more wards of district 492 (its officer gives their opinion), each with a household, created
    before the review round opens so that the round gives them their lists."""
    district = territory["district"]
    extra = {}
    for code, name in (("20239", "Phường Thạch Thang"), ("20242", "Phường Thuận Phước")):
        ward = make_unit(code, name, AdminUnit.Level.WARD, district, area_type="urban")
        village = make_unit(f"{code}-001", "Tổ 1", AdminUnit.Level.VILLAGE, ward)
        make_household(village, f"HH-{code}")
        extra[code] = ward
    review = request.getfixturevalue("review")
    for ward in extra.values():
        # These lists are set up as sent for opinion: the procedure that gets them there is tested elsewhere.
        WardList.objects.filter(round=review["round"], ward=ward).update(status=WardList.Status.SUBMITTED)
    return {**review, "extra": extra}


def ward_list(review, ward) -> WardList:
    return WardList.objects.get(round=review["round"], ward=ward)


def review_url(name, review, ward=None):
    return reverse(name, kwargs={"round_id": review["round"].pk, "ward_code": (ward or review["ward"]).code})


def sent_with_a_complaint_that_changed_a_class(review) -> WardList:
    """Ward 20236 posted on 5 October; a complaint against household A (poor) finds four times its income
    at the re-check (not poor any more), then the list is sent on 12 October."""
    p = review["personas"]
    posted(review)
    case = Case.objects.select_related("round", "village", "household").get(pk=review["cases"]["a"].pk)
    complaint = services.complaint_record(
        case=case, user=p["ward_officer"], received_on=POSTED, complainant="Lê Thị B", content="Hộ có cửa hàng", today=POSTED
    )
    case.refresh_from_db()
    services.case_save_section(
        case=case,
        user=p["village_head"],
        section="income",
        values={**POOR_SECTIONS["income"], "income_wages": 120_000_000},
        read_version=case.version,
    )
    services.complaint_resolve(complaint=complaint, user=p["ward_officer"], resolution="Có thu nhập từ cửa hàng")
    services.ward_submit(ward_list=ward_list(review, review["ward"]), user=p["ward_officer"], today=SENT)
    return ward_list(review, review["ward"])


# ----------------------------------------------------------------------------- the summary


def test_the_summary_counts_households_by_class_and_movement_and_names_what_each_complaint_changed(review):
    wl = sent_with_a_complaint_that_changed_a_class(review)
    summary = opinions.ward_summary(wl)
    classes = {f.key: f.count for f in summary.classes}
    movements = {f.key: f.count for f in summary.movements}
    cases = Case.objects.filter(round=review["round"], village__parent=review["ward"])
    # A re-checked out of poverty, B poor (2 members), C one person over the line: average living standard.
    assert [cases.get(household__code=c).result_class for c in ("HH-A", "HH-B", "HH-C")] == ["not_poor", "poor", "average"]
    assert classes == {"poor": 1, "near_poor": 0, "average": 1, "not_poor": 1}
    assert (summary.total, summary.unclassified) == (3, 0)
    # No official list last year: the poor household is new poor, the others unchanged.
    assert movements["new_poor"] == 1 and movements["unchanged"] == 2
    assert sum(movements.values()) == 3
    (complaint,) = summary.complaints
    assert (complaint.class_before, complaint.class_after, complaint.class_changed) == (
        "Hộ nghèo",
        "Không thuộc hộ nghèo, cận nghèo",
        True,
    )
    assert summary.complaints_changed == 1


def test_the_opinion_page_shows_the_summary_and_links_every_household_to_its_case(client_for, review, today_is):
    wl = sent_with_a_complaint_that_changed_a_class(review)
    today_is(SENT)
    response = client_for(review["personas"]["district_officer"]).get(review_url("reviews:ward_review", review))
    assert response.status_code == 200
    page = text(response)
    assert "Hộ nghèo 1" in page and "Hộ có mức sống trung bình 1" in page and "Số hộ trong đợt rà soát 3" in page
    assert "Nghèo phát sinh 1" in page
    assert "1 khiếu nại · 1 đã thay đổi phân loại" in page
    assert "HH-A (Tổ dân phố 1): Hộ có cửa hàng — Đã giải quyết: Có thu nhập từ cửa hàng." in page
    assert "Hộ nghèo → Không thuộc hộ nghèo, cận nghèo" in page
    client = client_for(review["personas"]["district_officer"])
    for case in Case.objects.filter(round=wl.round, village__parent=review["ward"]).select_related("village"):
        # One village's households at a time (the page stays small at any size).
        html = client.get(review_url("reviews:ward_review", review), {"village": case.village.code}).content.decode()
        assert f'href="{reverse("reviews:case_detail", args=[case.pk])}">{case.household.code}</a>' in html
    assert "Tôi đã kiểm tra số liệu, danh sách hộ và các khiếu nại của danh sách." in page


def test_the_opinion_page_costs_the_same_queries_with_one_or_three_complaints(
    client_for, review, today_is, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wl = sent_with_a_complaint_that_changed_a_class(review)
    today_is(SENT)
    client = client_for(review["personas"]["district_officer"])
    url = review_url("reviews:ward_review", review)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # Two more complaints, recorded by the service (with their cases' history) as if during the posting.
    WardList.objects.filter(pk=wl.pk).update(status=WardList.Status.POSTED)
    for key in ("b", "c"):
        case = Case.objects.select_related("round", "village", "household").get(pk=review["cases"][key].pk)
        services.complaint_record(
            case=case, user=review["personas"]["ward_officer"], received_on=SENT, complainant="X", content="Y", today=SENT
        )
    WardList.objects.filter(pk=wl.pk).update(status=WardList.Status.SUBMITTED)
    with django_assert_num_queries(len(one)):
        client.get(url)


# ----------------------------------------------------------------------------- confirmation


def test_an_approval_or_a_return_without_the_i_have_checked_box_is_refused_on_the_server(client_for, wards, today_is):
    today_is(SENT)
    ward = wards["extra"]["20239"]
    client = client_for(wards["personas"]["district_officer"])
    response = client.post(review_url("reviews:ward_approve", wards, ward), follow=True)
    assert "Đánh dấu “Tôi đã kiểm tra” để xác nhận ý kiến." in text(response)
    response = client.post(review_url("reviews:ward_return", wards, ward), {"return-reason": "Thiếu biên bản"}, follow=True)
    assert "Đánh dấu “Tôi đã kiểm tra” để xác nhận ý kiến." in text(response)
    assert ward_list(wards, ward).status == WardList.Status.SUBMITTED
    assert not Transition.objects.filter(action__in=["ward_approve", "ward_return"]).exists()

    client.post(review_url("reviews:ward_approve", wards, ward), {"approve-confirmed": "on"})
    assert ward_list(wards, ward).status == WardList.Status.APPROVED


def test_without_the_box_the_city_officer_is_still_refused_as_not_the_approving_unit(client_for, wards, today_is):
    today_is(SENT)
    ward = wards["extra"]["20239"]
    response = client_for(wards["personas"]["city_officer"]).post(review_url("reviews:ward_approve", wards, ward))
    assert response.status_code == 403


# ----------------------------------------------------------------------------- several at once


def bulk(client, lists, decision="approve", reason="", confirmed=True, versions=None):
    data = {"bulk-decision": decision, "bulk-reason": reason, "lists": [wl.pk for wl in lists]}
    if confirmed:
        data["bulk-confirmed"] = "on"
    for wl in lists:
        data[f"version-{wl.pk}"] = (versions or {}).get(wl.pk, wl.version)
    return client.post(reverse("reviews:approvals_bulk"), data)


def test_the_approvals_page_offers_the_waiting_lists_with_checkboxes(client_for, wards):
    response = client_for(wards["personas"]["district_officer"]).get(reverse("reviews:approvals"))
    html = response.content.decode()
    for ward in wards["extra"].values():
        assert f'name="lists" value="{ward_list(wards, ward).pk}"' in html
    # Ward 20236 is not sent yet: not offered.
    assert f'name="lists" value="{ward_list(wards, wards["ward"]).pk}"' not in html


def test_bulk_approval_does_the_sent_lists_and_reports_the_one_not_sent_with_its_reason(client_for, wards, today_is):
    today_is(SENT)
    lists = [ward_list(wards, wards["ward"]), *(ward_list(wards, w) for w in wards["extra"].values())]
    response = bulk(client_for(wards["personas"]["district_officer"]), lists)
    assert response.status_code == 200
    page = text(response)
    assert "Đã xong: 2 danh sách" in page and "Bị từ chối: 1 danh sách" in page
    assert "Phường Hải Châu I : Không thể thực hiện lúc này: danh sách đang ở tình trạng “Các thôn/tổ đang rà soát”." in page
    statuses = {wl.ward.code: wl.status for wl in WardList.objects.filter(round=wards["round"]).select_related("ward")}
    assert statuses["20236"] == WardList.Status.OPEN
    assert statuses["20239"] == statuses["20242"] == WardList.Status.APPROVED
    assert Transition.objects.filter(action="ward_approve").count() == 2


def test_sending_the_same_bulk_form_twice_is_a_refusal_that_changes_nothing(client_for, wards, today_is):
    today_is(SENT)
    client = client_for(wards["personas"]["district_officer"])
    lists = [ward_list(wards, w) for w in wards["extra"].values()]
    bulk(client, lists)
    logged = list(Transition.objects.values_list("pk", flat=True))
    again = text(bulk(client, lists))  # the same page's form, sent again (its versions are the old ones)
    assert "Đã xong: 0 danh sách" in again and "Bị từ chối: 2 danh sách" in again
    assert again.count("Không thể thực hiện lúc này: danh sách đang ở tình trạng “Đã thống nhất”.") == 2
    assert list(Transition.objects.values_list("pk", flat=True)) == logged
    assert {wl.status for wl in WardList.objects.filter(pk__in=[wl.pk for wl in lists])} == {WardList.Status.APPROVED}


def test_bulk_return_gives_every_ward_the_same_remarks_and_needs_them(client_for, wards, today_is):
    today_is(SENT)
    client = client_for(wards["personas"]["district_officer"])
    lists = [ward_list(wards, w) for w in wards["extra"].values()]
    refused = text(bulk(client, lists, decision="return"))
    assert refused.count("Hãy nêu lý do.") == 2
    assert {wl.status for wl in WardList.objects.filter(pk__in=[wl.pk for wl in lists])} == {WardList.Status.SUBMITTED}
    bulk(client, lists, decision="return", reason="Bổ sung biên bản họp dân")
    returned = WardList.objects.filter(pk__in=[wl.pk for wl in lists])
    assert {(wl.status, wl.remarks) for wl in returned} == {(WardList.Status.RETURNED, "Bổ sung biên bản họp dân")}


def test_bulk_without_the_box_or_without_a_list_does_nothing(client_for, wards, today_is):
    today_is(SENT)
    client = client_for(wards["personas"]["district_officer"])
    lists = [ward_list(wards, w) for w in wards["extra"].values()]
    page = text(client.post(reverse("reviews:approvals_bulk"), {"bulk-decision": "approve"}, follow=True))
    assert "Đánh dấu ít nhất một danh sách." in page
    assert bulk(client, lists, confirmed=False).status_code == 302
    page = text(client.get(reverse("reviews:approvals")))
    assert "Đánh dấu “Tôi đã kiểm tra” để xác nhận ý kiến." in page
    assert not Transition.objects.filter(action="ward_approve").exists()


def test_a_list_changed_since_the_page_was_read_is_refused_and_the_others_go_through(client_for, wards, today_is):
    today_is(SENT)
    first, second = (ward_list(wards, w) for w in wards["extra"].values())
    stale = {first.pk: first.version - 1 if first.version > 1 else first.version + 5}
    page = text(bulk(client_for(wards["personas"]["district_officer"]), [first, second], versions=stale))
    assert "Người khác vừa thay đổi danh sách này" in page
    assert ward_list(wards, first.ward).status == WardList.Status.SUBMITTED
    assert ward_list(wards, second.ward).status == WardList.Status.APPROVED


def test_another_units_or_another_areas_lists_are_refused_without_naming_them(client_for, wards, today_is):
    today_is(SENT)
    lists = [ward_list(wards, w) for w in wards["extra"].values()]
    commune = WardList.objects.get(round=wards["round"], ward=wards["commune"])
    WardList.objects.filter(pk=commune.pk).update(status=WardList.Status.SUBMITTED)
    # District 497's officer: ward 20236's district is another area (not found), its own commune is fine.
    page = text(bulk(client_for(wards["personas"]["other_district_officer"]), [*lists, commune]))
    assert "Đã xong: 1 danh sách" in page
    assert page.count("Không có danh sách này trong địa bàn của bạn.") == 2
    assert "Thạch Thang" not in page
    # The city officer reads ward 20239 but its opinion belongs to district 492.
    page = text(bulk(client_for(wards["personas"]["city_officer"]), lists[:1]))
    assert "Danh sách này được gửi đến đơn vị khác để cho ý kiến." in page
    assert ward_list(wards, lists[0].ward).status == WardList.Status.SUBMITTED
