"""Complaints (issue 16 item 4): the household chosen among the ward's cases, never typed; the village
head sees the complaint that reopened the survey; the resolve page shows the result now and what changed;
the complaints page of a ward and above counts what is overdue in working days on a pinned date, with the
time each took to resolve, paginated, in a fixed number of queries."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import complaints as reads
from reviews import services
from reviews.models import Case, Complaint, PublicHoliday
from tests.reviews.conftest import POOR_SECTIONS
from tests.reviews.test_procedure_integrity import POSTED, posted

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 10, 9)  # the posting's last day
HOLIDAY = date(2026, 10, 12)  # a Monday declared a day off, for these tests


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def case(review, key) -> Case:
    return Case.objects.select_related("round", "village", "household").get(pk=review["cases"][key].pk)


def record(review, key, received_on, content="Hộ có xe ô tô"):
    return services.complaint_record(
        case=case(review, key),
        user=review["personas"]["ward_officer"],
        received_on=received_on,
        complainant="Lê Thị B",
        content=content,
        today=FRIDAY,
    )


def record_url(review):
    return reverse("reviews:complaint_record", args=[review["round"].pk, review["ward"].code])


def list_url(review, unit_key="ward"):
    return reverse("reviews:complaint_list", args=[review["round"].pk, review[unit_key].code])


# ----------------------------------------------------------------------------- choosing the household


def test_the_household_is_found_by_the_heads_name_without_diacritics_or_by_its_code(client_for, review, today_is):
    posted(review)
    today_is(FRIDAY)
    client = client_for(review["personas"]["ward_officer"])
    html = client.get(record_url(review), {"q": "nguyen van hh-b"}, HTTP_HX_REQUEST="true").content.decode()
    b = review["cases"]["b"]
    assert f'value="{b.pk}"' in html and "Nguyễn Văn HH-B-0 (HH-B) · Tổ dân phố 1" in html
    assert f'value="{review["cases"]["a"].pk}"' not in html
    html = client.get(record_url(review), {"q": "hh-c"}).content.decode()
    assert "Nguyễn Văn HH-C-0 (HH-C) · Tổ dân phố 2" in html
    # The commune's household is not among this ward's: searched by its name, nothing comes up.
    page = text(client.get(record_url(review), {"q": "Nguyễn Văn HH-R"}))
    assert "Không có hộ nào trong danh sách của xã/phường khớp với “Nguyễn Văn HH-R”." in page
    # Without a search nothing is listed (a ward has thousands of households).
    assert 'name="case"' not in client.get(record_url(review)).content.decode()


def test_the_chosen_household_is_recorded_and_reopened(client_for, review, today_is):
    posted(review)
    today_is(FRIDAY)
    response = client_for(review["personas"]["ward_officer"]).post(
        record_url(review) + "?q=HH-B",
        {"case": review["cases"]["b"].pk, "received_on": "2026-10-09", "complainant": "Ông Y", "content": "Thu nhập cao"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.case_id == review["cases"]["b"].pk and complaint.recheck_due_on == date(2026, 10, 14)
    assert Case.objects.get(pk=complaint.case_id).reopened


def test_another_wards_case_is_refused_by_the_chooser_and_nothing_is_recorded(client_for, review, today_is):
    posted(review)
    today_is(FRIDAY)
    other = review["cases"]["r"]  # commune 20293, district 497
    response = client_for(review["personas"]["ward_officer"]).post(
        record_url(review), {"case": other.pk, "received_on": "2026-10-09", "complainant": "X", "content": "Y"}
    )
    assert response.status_code == 200
    assert "Hãy chọn một hộ trong danh sách của xã/phường này trong đợt rà soát này." in text(response)
    assert not Complaint.objects.exists() and not Case.objects.get(pk=other.pk).reopened
    # Nor is the id of a case that does not exist, nor one that is not a number.
    for value in (999_999, "HH-A"):
        client_for(review["personas"]["ward_officer"]).post(
            record_url(review), {"case": value, "received_on": "2026-10-09", "complainant": "X", "content": "Y"}
        )
    assert not Complaint.objects.exists()


# ----------------------------------------------------------------------------- the village head and the resolve page


def test_the_village_heads_case_page_shows_the_complaint_that_reopened_the_survey(client_for, review, today_is):
    posted(review)
    record(review, "a", FRIDAY, content="Hộ mới mua xe ô tô")
    today_is(FRIDAY)
    page = text(
        client_for(review["personas"]["village_head"]).get(reverse("reviews:case_detail", args=[review["cases"]["a"].pk]))
    )
    assert "Mở lại do có khiếu nại, để phúc tra:" in page
    assert "nhận ngày 09/10/2026, người khiếu nại Lê Thị B, hạn phúc tra 14/10/2026: Hộ mới mua xe ô tô" in page


def test_the_resolve_page_shows_the_result_now_and_each_change_before_and_after(client_for, review, today_is):
    posted(review)
    complaint = record(review, "a", FRIDAY)
    today_is(FRIDAY)
    c = case(review, "a")
    services.case_save_section(
        case=c,
        user=review["personas"]["village_head"],
        section="income",
        values={**POOR_SECTIONS["income"], "income_wages": 120_000_000},
        read_version=c.version,
    )
    url = reverse("reviews:complaint_resolve", args=[review["round"].pk, review["ward"].code, complaint.pk])
    page = text(client_for(review["personas"]["ward_officer"]).get(url))
    national = review["standards"]["national-2022"].name
    assert f"Kết quả hiện tại Chuẩn Phân loại Thu nhập bình quân đầu người/tháng Các chỉ số thiếu hụt {national}" in page
    assert f"{national} Không thuộc hộ nghèo, cận nghèo 3.333.333" in page
    assert "Thay đổi từ khi ghi nhận khiếu nại" in page
    assert f"{national} · Phân loại Hộ nghèo → Không thuộc hộ nghèo, cận nghèo" in page
    assert "Tiền công, tiền lương 30.000.000 đồng → 120.000.000 đồng" in page


# ----------------------------------------------------------------------------- the complaints page


@pytest.fixture
def complaints(review, today_is):
    """Household A: received Monday 5 October, resolved Thursday 8 October (3 working days). Household B:
    received Friday 9 October; Monday 12 October is a day off, so its 3 working days end Thursday 15."""
    posted(review)
    PublicHoliday.objects.create(day=HOLIDAY, name="Ngày nghỉ (thử)")
    first = record(review, "a", POSTED)
    second = record(review, "b", FRIDAY)
    today_is(date(2026, 10, 8))
    services.complaint_resolve(complaint=first, user=review["personas"]["ward_officer"], resolution="Giữ nguyên")
    return {"resolved": first, "open": second}


def test_a_re_check_due_date_skips_the_weekend_and_the_day_off(complaints):
    assert complaints["open"].recheck_due_on == date(2026, 10, 15)
    assert complaints["resolved"].recheck_due_on == date(2026, 10, 8)


@pytest.mark.parametrize(
    ("today", "overdue", "days_overdue"),
    [(date(2026, 10, 15), 0, 0), (date(2026, 10, 16), 1, 1), (date(2026, 10, 19), 1, 2)],
    ids=["on its due day", "the day after", "after a weekend"],
)
def test_the_overdue_count_is_read_on_the_given_day_in_working_days(complaints, review, today, overdue, days_overdue):
    qs = reads.complaints_under(review["ward"], review["round"], review["personas"]["ward_officer"])
    assert reads.complaint_counts(qs, today).overdue == overdue
    rows = {c.pk: c for c in reads.complaints_page(qs, page=1, today=today)}
    assert rows[complaints["open"].pk].days_overdue == days_overdue


def test_the_page_highlights_the_overdue_complaint_and_shows_the_time_each_took(client_for, complaints, review, today_is):
    today_is(date(2026, 10, 19))
    response = client_for(review["personas"]["ward_officer"]).get(list_url(review))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts.total, counts.open, counts.overdue, counts.resolved, counts.resolved_late) == (2, 1, 1, 1, 0)
    html = response.content.decode()
    assert html.count('class="table-danger"') == 1
    page = text(response)
    assert "15/10/2026 quá hạn 2 ngày làm việc" in page
    assert "Đã giải quyết 08/10/2026 3" in page  # received 05/10, resolved 08/10: three working days
    assert "Quá hạn tính đến ngày 19/10/2026" in page
    overdue_only = client_for(review["personas"]["ward_officer"]).get(list_url(review), {"status": "overdue"})
    assert [c.pk for c in overdue_only.context["page"]] == [complaints["open"].pk]


def test_the_district_and_city_pages_list_their_wards_complaints_and_others_get_404(client_for, complaints, review, today_is):
    today_is(date(2026, 10, 19))
    p = review["personas"]
    for user, unit in (("district_officer", "district"), ("city_officer", "city")):
        response = client_for(p[user]).get(list_url(review, unit))
        assert response.status_code == 200
        assert response.context["counts"].total == 2 and "Phường Hải Châu I" in text(response)
    assert client_for(p["other_district_officer"]).get(list_url(review, "district")).status_code == 404
    assert client_for(p["commune_officer"]).get(list_url(review)).status_code == 404
    assert client_for(p["village_head"]).get(list_url(review)).status_code == 403


def test_the_page_is_paginated_and_costs_the_same_queries_for_two_or_seven_complaints(
    client_for, complaints, review, today_is, monkeypatch, django_assert_num_queries
):
    today_is(date(2026, 10, 19))
    client = client_for(review["personas"]["district_officer"])
    url = list_url(review, "district")
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for i in range(5):
        record(review, "abc"[i % 3], FRIDAY, content=f"Khiếu nại {i}")
    # Session and user, the scope, the unit, the round, the counts, the page's count and rows, the calendar.
    with django_assert_num_queries(len(two)):
        response = client.get(url)
    assert response.context["counts"].total == 7
    assert len(two) == 9, [q["sql"] for q in two.captured_queries]
    monkeypatch.setattr(reads, "PAGE_SIZE", 3)
    response = client.get(url, {"page": 3})
    assert len(response.context["page"].object_list) == 1 and "3 / 3" in text(response)
