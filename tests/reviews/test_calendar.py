"""The working-day calendar: Saturdays declared working days (làm bù) count, and the expected holidays
computed from the lunar calendar count only once the city officer confirms them with the announcement."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reviews import holidays, services
from reviews.calendar import add_working_days, is_working_day, period_end, working_days_between
from reviews.holidays import posting_end, recheck_due
from reviews.models import PublicHoliday, Transition
from tests.reviews.test_holidays import content, ward_list_ready_to_post

pytestmark = pytest.mark.django_db

WORKING_SATURDAY_2026 = date(2026, 8, 22)  # worked for Monday 31 August 2026 (the 2/9 bridge)
WEDNESDAY_19_AUG_2026 = date(2026, 8, 19)
FRIDAY_21_AUG_2026 = date(2026, 8, 21)
HUNG_KINGS_2027 = date(2027, 4, 16)  # 10/3 lunar, a Friday
LIST_URL = reverse("reviews:holiday_list")
SUGGEST_URL = reverse("reviews:holiday_suggest")
EXPECTED = PublicHoliday.Status.EXPECTED
CONFIRMED = PublicHoliday.Status.CONFIRMED
REJECTED = PublicHoliday.Status.REJECTED


def working_saturday(status=CONFIRMED) -> PublicHoliday:
    return PublicHoliday.objects.create(
        day=WORKING_SATURDAY_2026,
        kind=PublicHoliday.Kind.WORKING_DAY,
        status=status,
        name="Làm bù cho thứ Hai 31/8",
        announcement="Thông báo số 01/TB-TEST",
        swapped_with=date(2026, 8, 31),
    )


# ----------------------------------------------------------------------------- declared working days count


def test_a_saturday_is_a_day_off_unless_declared_a_working_day():
    assert not is_working_day(WORKING_SATURDAY_2026)
    assert is_working_day(WORKING_SATURDAY_2026, workdays={WORKING_SATURDAY_2026})
    # A day off wins over everything: a weekday holiday stays off whatever else is listed.
    assert not is_working_day(date(2026, 9, 2), holidays={date(2026, 9, 2)}, workdays={date(2026, 9, 2)})


def test_the_pure_counts_take_the_declared_working_saturday():
    assert period_end(WEDNESDAY_19_AUG_2026, 5) == date(2026, 8, 25)
    assert period_end(WEDNESDAY_19_AUG_2026, 5, workdays={WORKING_SATURDAY_2026}) == date(2026, 8, 24)
    assert add_working_days(FRIDAY_21_AUG_2026, 3) == date(2026, 8, 26)
    assert add_working_days(FRIDAY_21_AUG_2026, 3, workdays={WORKING_SATURDAY_2026}) == date(2026, 8, 25)


@pytest.mark.parametrize(
    ("declared", "ends", "due"), [(False, date(2026, 8, 25), date(2026, 8, 26)), (True, date(2026, 8, 24), date(2026, 8, 25))]
)
def test_a_declared_working_saturday_counts_in_the_posting_and_the_re_check_deadline(review, declared, ends, due):
    if declared:
        working_saturday()
    officer = review["personas"]["ward_officer"]
    ward_list = ward_list_ready_to_post(review)
    # Wed 19, Thu 20, Fri 21, (Sat 22 when worked), Mon 24, Tue 25: five working days.
    services.ward_post(ward_list=ward_list, user=officer, starts_on=WEDNESDAY_19_AUG_2026, today=WEDNESDAY_19_AUG_2026)
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == ends
    # Received on Friday 21 with 3 working days: (Sat 22 when worked), Mon 24, Tue 25, Wed 26.
    complaint = services.complaint_record(
        case=review["cases"]["a"],
        user=officer,
        received_on=FRIDAY_21_AUG_2026,
        complainant="Lê Thị B",
        content="-",
        today=FRIDAY_21_AUG_2026,
    )
    assert complaint.recheck_due_on == due


def test_the_periods_still_read_the_calendar_in_one_query(db, django_assert_num_queries):
    working_saturday()
    PublicHoliday.objects.create(day=date(2026, 8, 31), name="Nghỉ thay cho 22/8")
    with django_assert_num_queries(1):
        # Fri 21, (Sat 22 worked), Mon 24 … Fri 28, (Mon 31 off), Tue 1 Sep: 7 working days.
        assert posting_end(FRIDAY_21_AUG_2026, 7) == date(2026, 8, 28)


@pytest.mark.parametrize("status", [EXPECTED, REJECTED])
def test_a_working_saturday_that_is_not_confirmed_does_not_count(db, status):
    working_saturday(status=status)
    assert recheck_due(FRIDAY_21_AUG_2026, 3) == date(2026, 8, 26)


def test_the_city_officer_declares_a_working_saturday_on_the_page_and_it_is_audited(client_for, personas, territory, today_is):
    today_is(date(2026, 8, 3))
    client = client_for(personas["city_officer"])
    response = client.post(
        LIST_URL,
        {
            "kind": PublicHoliday.Kind.WORKING_DAY,
            "day": WORKING_SATURDAY_2026.isoformat(),
            "name": "Làm bù",
            "announcement": "Thông báo số 01/TB-TEST",
            "swapped_with": "2026-08-31",
        },
        follow=True,
    )
    day = PublicHoliday.objects.get(day=WORKING_SATURDAY_2026)
    assert (day.kind, day.status, day.swapped_with, day.added_by) == (
        PublicHoliday.Kind.WORKING_DAY,
        CONFIRMED,
        date(2026, 8, 31),
        personas["city_officer"],
    )
    page = content(response)
    assert "Đã thêm ngày 22/08/2026 (Làm bù) vào danh sách ngày làm bù." in page
    assert "Ngày làm bù" in page and "thông báo số Thông báo số 01/TB-TEST" in page
    assert "hoán đổi với ngày 31/08/2026" in page
    log = Transition.objects.get(action="holiday_add")
    assert log.data == {"day": "2026-08-22", "name": "Làm bù", "kind": "working_day", "announcement": "Thông báo số 01/TB-TEST"}
    assert recheck_due(FRIDAY_21_AUG_2026, 3) == date(2026, 8, 25)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2026-08-21", "announcement": "01/TB"}, "Ngày 21/08/2026 là ngày trong tuần, vốn đã là ngày làm việc"),
        ({"day": "2026-08-22", "announcement": ""}, "Hãy nhập số thông báo quy định ngày làm bù này."),
    ],
)
def test_a_declared_working_day_is_a_weekend_day_with_an_announcement(client_for, personas, data, message):
    response = client_for(personas["city_officer"]).post(LIST_URL, {"kind": "working_day", "name": "Làm bù", **data})
    assert response.status_code == 200
    assert message in content(response)
    assert not PublicHoliday.objects.exists() and not Transition.objects.exists()


def test_the_database_refuses_a_confirmed_working_day_without_an_announcement(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        PublicHoliday.objects.create(day=WORKING_SATURDAY_2026, kind=PublicHoliday.Kind.WORKING_DAY, name="Làm bù")


# ----------------------------------------------------------------------------- expected days from the lunar calendar


def test_the_expected_days_of_2027_come_from_the_lunar_calendar_with_vietnamese_names():
    days = {d.day: d for d in holidays.expected_days(2027)}
    assert days[date(2027, 2, 6)].name == "Tết Nguyên Đán"  # 1/1 lunar
    assert days[HUNG_KINGS_2027].name == "Ngày Giỗ Tổ Hùng Vương"  # 10/3 lunar
    assert days[date(2027, 9, 2)].name == days[date(2027, 9, 3)].name == "Quốc khánh"  # and the second day
    assert date(2027, 1, 1) in days and all(d.year == 2027 for d in days)
    assert {d.kind for d in days.values()} == {PublicHoliday.Kind.DAY_OFF}  # no swap announced for 2027 yet


def test_the_expected_days_of_2026_include_the_announced_working_saturday():
    workday = next(d for d in holidays.expected_days(2026) if d.kind == PublicHoliday.Kind.WORKING_DAY)
    assert (workday.day, workday.name, workday.swapped_with) == (WORKING_SATURDAY_2026, "Ngày làm bù", date(2026, 8, 31))


def test_an_expected_day_does_not_count_until_confirmed_and_counts_once_confirmed(personas, today_is):
    today = today_is(date(2026, 12, 1))
    created = holidays.holidays_suggest(user=personas["city_officer"], year=2027, today=today)
    hung_kings = next(h for h in created if h.day == HUNG_KINGS_2027)
    assert (hung_kings.status, hung_kings.computed, hung_kings.added_by) == (EXPECTED, True, personas["city_officer"])
    # Thursday 15 April, one working day: Friday 16 while the day is only expected …
    assert recheck_due(date(2027, 4, 15), 1) == HUNG_KINGS_2027
    holidays.holiday_confirm(
        user=personas["city_officer"], holiday=hung_kings, announcement="Thông báo số 02/TB-TEST", today=today
    )
    # … Monday 19 once the announcement confirms it.
    assert recheck_due(date(2027, 4, 15), 1) == date(2027, 4, 19)
    hung_kings.refresh_from_db()
    assert (hung_kings.status, hung_kings.announcement) == (CONFIRMED, "Thông báo số 02/TB-TEST")
    log = Transition.objects.get(action="holiday_confirm")
    assert log.data == {
        "day": "2027-04-16",
        "name": "Ngày Giỗ Tổ Hùng Vương",
        "kind": "day_off",
        "announcement": "Thông báo số 02/TB-TEST",
    }


def test_suggesting_twice_creates_nothing_new_and_a_rejected_day_is_not_offered_again(personas):
    today = date(2026, 12, 1)
    officer = personas["city_officer"]
    holidays.holidays_load()  # 1/1, 30/4, 1/5, 2/9 of 2027 are shipped: not suggested again
    first = holidays.holidays_suggest(user=officer, year=2027, today=today)
    assert first and not {date(2027, 1, 1), date(2027, 4, 30), date(2027, 9, 2)} & {h.day for h in first}
    count = PublicHoliday.objects.count()
    holidays.holiday_reject(user=officer, holiday=next(h for h in first if h.day == date(2027, 11, 24)))
    assert holidays.holidays_suggest(user=officer, year=2027, today=today) == []
    assert PublicHoliday.objects.count() == count
    assert PublicHoliday.objects.get(day=date(2027, 11, 24)).status == REJECTED
    assert Transition.objects.filter(action="holiday_suggest").count() == 1


def test_a_day_entered_by_hand_is_not_suggested_again(personas):
    officer = personas["city_officer"]
    holidays.holiday_add(user=officer, day=HUNG_KINGS_2027, name="Giỗ Tổ", announcement="03/TB", today=date(2026, 12, 1))
    created = holidays.holidays_suggest(user=officer, year=2027, today=date(2026, 12, 1))
    assert HUNG_KINGS_2027 not in {h.day for h in created}
    assert PublicHoliday.objects.get(day=HUNG_KINGS_2027).name == "Giỗ Tổ"


def test_suggestions_are_for_this_year_and_the_next_two_only(personas):
    with pytest.raises(ValidationError, match="2026 đến 2028|2026 to 2028"):
        holidays.holidays_suggest(user=personas["city_officer"], year=2025, today=date(2026, 12, 1))
    assert not PublicHoliday.objects.exists()


def test_confirming_an_expected_day_during_a_posting_moves_its_end(review):
    holidays.holidays_suggest(user=review["personas"]["city_officer"], year=2026, today=date(2026, 8, 1))
    ward_list = ward_list_ready_to_post(review)
    services.ward_post(
        ward_list=ward_list, user=review["personas"]["ward_officer"], starts_on=WEDNESDAY_19_AUG_2026, today=WEDNESDAY_19_AUG_2026
    )
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 8, 25)  # the expected working Saturday does not count
    holidays.holiday_confirm(
        user=review["personas"]["city_officer"],
        holiday=PublicHoliday.objects.get(day=WORKING_SATURDAY_2026),
        announcement="Thông báo số 01/TB-TEST",
        today=date(2026, 8, 20),
    )
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 8, 24)
    assert Transition.objects.get(action="posting_rescheduled").data["to"] == "2026-08-24"


# ----------------------------------------------------------------------------- the pages


def test_the_city_officer_suggests_next_years_holidays_from_the_page_twice(client_for, personas, today_is):
    today_is(date(2026, 12, 1))
    client = client_for(personas["city_officer"])
    page = content(client.get(LIST_URL, {"year": 2027}))
    assert "Đề xuất ngày nghỉ năm 2027" in page
    response = client.post(SUGGEST_URL, {"year": 2027})
    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}?year=2027"
    count = PublicHoliday.objects.filter(status=EXPECTED).count()
    assert count >= 10
    page = content(client.get(response["Location"]))
    assert f"Đã đề xuất {count} ngày dự kiến của năm 2027." in page
    assert "Ngày dự kiến năm 2027: chờ thông báo chính thức" in page
    assert "Tết Nguyên Đán" in page and "Ngày Giỗ Tổ Hùng Vương" in page and "dự kiến" in page
    again = content(client.post(SUGGEST_URL, {"year": 2027}, follow=True))
    assert "Không có ngày mới để đề xuất cho năm 2027" in again
    assert PublicHoliday.objects.count() == count


def test_the_page_offers_no_suggestion_for_a_past_year(client_for, personas, today_is):
    today_is(date(2026, 12, 1))
    assert "Đề xuất ngày nghỉ năm" not in content(client_for(personas["city_officer"]).get(LIST_URL, {"year": 2025}))


def test_the_city_officer_confirms_an_expected_day_with_the_announcement_number(client_for, personas, today_is):
    today_is(date(2026, 12, 1))
    holidays.holidays_suggest(user=personas["city_officer"], year=2027, today=date(2026, 12, 1))
    hung_kings = PublicHoliday.objects.get(day=HUNG_KINGS_2027)
    url = reverse("reviews:holiday_confirm", args=[hung_kings.pk])
    client = client_for(personas["city_officer"])
    assert "Xác nhận ngày 16/04/2027 (Ngày Giỗ Tổ Hùng Vương)?" in content(client.get(url))
    refused = client.post(url, {"announcement": "  "})
    assert refused.status_code == 200 and "Hãy nhập số thông báo quy định ngày này." in content(refused)
    assert PublicHoliday.objects.get(pk=hung_kings.pk).status == EXPECTED
    response = client.post(url, {"announcement": "Thông báo số 02/TB-TEST", "name": ""}, follow=True)
    assert "Đã xác nhận ngày 16/04/2027 (Ngày Giỗ Tổ Hùng Vương) theo thông báo số Thông báo số 02/TB-TEST" in content(response)
    hung_kings.refresh_from_db()
    assert (hung_kings.status, hung_kings.announcement, hung_kings.name) == (
        CONFIRMED,
        "Thông báo số 02/TB-TEST",
        "Ngày Giỗ Tổ Hùng Vương",
    )
    # Confirmed once: the page sends the officer back to the list instead.
    assert client.get(url)["Location"] == f"{LIST_URL}?year=2027"


def test_the_city_officer_rejects_an_expected_day(client_for, personas, today_is):
    today_is(date(2026, 12, 1))
    holidays.holidays_suggest(user=personas["city_officer"], year=2027, today=date(2026, 12, 1))
    culture_day = PublicHoliday.objects.get(day=date(2027, 11, 24))
    client = client_for(personas["city_officer"])
    response = client.post(reverse("reviews:holiday_reject", args=[culture_day.pk]), follow=True)
    assert "Đã bỏ đề xuất ngày 24/11/2027 (Ngày Văn hóa Việt Nam)" in content(response)
    assert "1 đề xuất đã bỏ" in content(response)
    culture_day.refresh_from_db()
    assert culture_day.status == REJECTED
    assert Transition.objects.get(action="holiday_reject").data["day"] == "2027-11-24"
    # A decided day cannot be decided again.
    again = client.post(reverse("reviews:holiday_reject", args=[culture_day.pk]), follow=True)
    assert "Đề xuất này vừa được người khác xác nhận hoặc bỏ." in content(again)


def test_a_suggestion_is_rejected_not_removed(personas):
    holidays.holidays_suggest(user=personas["city_officer"], year=2027, today=date(2026, 12, 1))
    with pytest.raises(ValidationError, match="bỏ đề xuất|reject a suggestion"):
        holidays.holiday_remove(
            user=personas["city_officer"], holiday=PublicHoliday.objects.get(day=HUNG_KINGS_2027), today=date(2026, 12, 1)
        )


@pytest.mark.parametrize("persona", ["village_head", "ward_officer", "district_officer", "statistician", "no_role"])
def test_other_roles_may_not_suggest_confirm_or_reject(client_for, personas, persona):
    holidays.holidays_suggest(user=personas["city_officer"], year=2027, today=date(2026, 12, 1))
    expected = PublicHoliday.objects.get(day=HUNG_KINGS_2027)
    before = list(PublicHoliday.objects.values_list("pk", "status"))
    client = client_for(personas[persona])
    assert client.post(SUGGEST_URL, {"year": 2028}).status_code == 403
    assert client.get(reverse("reviews:holiday_confirm", args=[expected.pk])).status_code == 403
    assert client.post(reverse("reviews:holiday_confirm", args=[expected.pk]), {"announcement": "X"}).status_code == 403
    assert client.post(reverse("reviews:holiday_reject", args=[expected.pk])).status_code == 403
    assert list(PublicHoliday.objects.values_list("pk", "status")) == before


def test_the_services_refuse_other_roles_too(personas):
    with pytest.raises(PermissionDenied):
        holidays.holidays_suggest(user=personas["ward_officer"], year=2027, today=date(2026, 12, 1))
    holidays.holidays_suggest(user=personas["city_officer"], year=2027, today=date(2026, 12, 1))
    expected = PublicHoliday.objects.get(day=HUNG_KINGS_2027)
    with pytest.raises(PermissionDenied):
        holidays.holiday_confirm(user=personas["district_officer"], holiday=expected, announcement="X")
    with pytest.raises(PermissionDenied):
        holidays.holiday_reject(user=personas["statistician"], holiday=expected)


def test_anonymous_users_log_in_wrong_methods_get_405_and_unknown_days_404(client, client_for, personas):
    assert client.post(SUGGEST_URL, {"year": 2027})["Location"].startswith(reverse("login"))
    officer = client_for(personas["city_officer"])
    assert officer.get(SUGGEST_URL).status_code == 405
    assert officer.get(reverse("reviews:holiday_reject", args=[1])).status_code == 405
    assert officer.get(reverse("reviews:holiday_confirm", args=[999])).status_code == 404
    assert officer.post(reverse("reviews:holiday_reject", args=[999])).status_code == 404


def test_the_holiday_page_with_suggestions_costs_no_more_queries(client_for, personas, today_is, django_assert_max_num_queries):
    today_is(date(2026, 12, 1))
    holidays.holidays_suggest(user=personas["city_officer"], year=2027, today=date(2026, 12, 1))
    client = client_for(personas["city_officer"])
    # session, user, assignment, years with holidays, the days of the year with who added them
    with django_assert_max_num_queries(5):
        response = client.get(LIST_URL, {"year": 2027})
    assert len(response.context["expected"]) >= 10 and response.context["holidays"] == []


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 10, 9), date(2026, 10, 9), 0),  # the same day: none
        (date(2026, 10, 9), date(2026, 10, 12), 1),  # Friday to Monday: the weekend does not count
        (date(2026, 10, 5), date(2026, 10, 8), 3),  # Monday to Thursday
        (date(2026, 10, 8), date(2026, 10, 5), 0),  # backwards: none
    ],
)
def test_working_days_between_counts_the_days_after_the_start_up_to_the_end(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_is_the_inverse_of_add_working_days_with_a_day_off_and_a_working_saturday():
    day_off, saturday = {date(2026, 10, 12)}, {date(2026, 10, 10)}
    due = add_working_days(date(2026, 10, 9), 3, day_off, saturday)
    assert due == date(2026, 10, 14)
    assert working_days_between(date(2026, 10, 9), due, day_off, saturday) == 3
