"""Public holidays as data: the posting and re-check periods skip them; the city officer keeps the list."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from reviews import holidays, services
from reviews.calendar import add_working_days, period_end
from reviews.holidays import DATA_FILE, posting_end, recheck_due
from reviews.models import PublicHoliday, ReviewRound, Transition, VillageList, WardList

pytestmark = pytest.mark.django_db

MONDAY_31_AUG_2026 = date(2026, 8, 31)
NATIONAL_DAY_2026 = date(2026, 9, 2)  # a Wednesday
TODAY = timezone.localdate()
NEXT_YEAR = TODAY.year + 1
LIST_URL = reverse("reviews:holiday_list")


def national_day():
    return PublicHoliday.objects.create(day=NATIONAL_DAY_2026, name="Quốc khánh (2/9)")


def ward_list_ready_to_post(review) -> WardList:
    """Both villages of the ward agreed their lists at a meeting (the meeting pages are tested elsewhere).
    The round opened on 1 August, so that a posting can start on Monday 31 August, before 2 September."""
    ReviewRound.objects.filter(pk=review["round"].pk).update(starts_on=date(2026, 8, 1))
    VillageList.objects.filter(round=review["round"], village__parent=review["ward"]).update(
        status=VillageList.Status.MEETING_PASSED
    )
    return WardList.objects.get(round=review["round"], ward=review["ward"])


def content(response) -> str:
    return response.content.decode()


# ----------------------------------------------------------------------------- periods


def test_a_posting_from_monday_31_august_2026_ends_on_friday_4_september_without_holidays(review):
    ward_list = ward_list_ready_to_post(review)
    services.ward_post(
        ward_list=ward_list, user=review["personas"]["ward_officer"], starts_on=MONDAY_31_AUG_2026, today=MONDAY_31_AUG_2026
    )
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 9, 4)


def test_a_posting_from_monday_31_august_2026_ends_on_monday_7_september_when_2_september_is_a_holiday(review):
    national_day()
    ward_list = ward_list_ready_to_post(review)
    services.ward_post(
        ward_list=ward_list, user=review["personas"]["ward_officer"], starts_on=MONDAY_31_AUG_2026, today=MONDAY_31_AUG_2026
    )
    ward_list.refresh_from_db()
    # Mon 31, Tue 1, (Wed 2 holiday), Thu 3, Fri 4, (weekend), Mon 7: five working days.
    assert ward_list.posting_ends_on == date(2026, 9, 7)


@pytest.mark.parametrize(("holiday", "due"), [(False, date(2026, 9, 3)), (True, date(2026, 9, 4))])
def test_a_complaint_re_check_due_date_skips_a_public_holiday(review, holiday, due):
    if holiday:
        national_day()
    ward_list = ward_list_ready_to_post(review)
    officer = review["personas"]["ward_officer"]
    services.ward_post(ward_list=ward_list, user=officer, starts_on=MONDAY_31_AUG_2026, today=MONDAY_31_AUG_2026)
    # Received Monday 31 Aug with 3 working days: Tue 1, Wed 2, Thu 3 (or Fri 4 when Wed 2 is a holiday).
    complaint = services.complaint_record(
        case=review["cases"]["a"],
        user=officer,
        received_on=MONDAY_31_AUG_2026,
        complainant="Lê Thị B",
        content="-",
        today=MONDAY_31_AUG_2026,
    )
    assert complaint.recheck_due_on == due


def test_the_periods_read_the_holidays_in_one_query(db, django_assert_num_queries):
    national_day()
    with django_assert_num_queries(1):
        assert posting_end(MONDAY_31_AUG_2026, 5) == date(2026, 9, 7)
    with django_assert_num_queries(1):
        assert recheck_due(date(2026, 8, 28), 3) == date(2026, 9, 3)


def test_a_period_longer_than_the_first_window_still_counts_every_holiday(db):
    # Forty weekdays of holidays in a row: more than the first window holds, so it is read again, wider.
    days, day = set(), date(2026, 9, 1)
    while len(days) < 40:
        if day.weekday() < 5:
            days.add(day)
        day += timedelta(days=1)
    PublicHoliday.objects.bulk_create(PublicHoliday(day=d, name="Nghỉ") for d in days)
    start = date(2026, 9, 1)
    assert posting_end(start, 5) == period_end(start, 5, days)
    assert recheck_due(start, 3) == add_working_days(start, 3, days)


def test_the_ward_page_previews_the_posting_end_with_the_holidays(client_for, review):
    # A holiday on each of the next three weekdays pushes the preview three working days later.
    upcoming, day = [], TODAY
    while len(upcoming) < 3:
        day += timedelta(days=1)
        if day.weekday() < 5:
            upcoming.append(day)
    PublicHoliday.objects.bulk_create(PublicHoliday(day=d, name="Nghỉ") for d in upcoming)
    # The posting form (and its preview) is offered once every village agreed its list.
    VillageList.objects.filter(round=review["round"], village__parent=review["ward"]).update(
        status=VillageList.Status.MEETING_PASSED
    )
    expected = period_end(TODAY, review["round"].posting_working_days, set(upcoming))
    assert expected != period_end(TODAY, review["round"].posting_working_days)
    page = content(
        client_for(review["personas"]["ward_officer"]).get(
            reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
        )
    )
    assert f"nếu bắt đầu hôm nay thì kết thúc ngày {expected:%d/%m/%Y}" in page
    assert "không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ" in page


# ----------------------------------------------------------------------------- load_holidays


def test_load_holidays_ships_the_four_fixed_days_for_2025_to_2030_and_is_idempotent(db):
    call_command("load_holidays", verbosity=0)
    assert PublicHoliday.objects.count() == 24
    assert set(PublicHoliday.objects.in_year(2026).values_list("day", flat=True)) == {
        date(2026, 1, 1),
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 9, 2),
    }
    assert all("Điều 112" in note for note in PublicHoliday.objects.values_list("note", flat=True))
    before = list(PublicHoliday.objects.values_list("pk", "day", "name", "note"))
    call_command("load_holidays", verbosity=0)
    assert list(PublicHoliday.objects.values_list("pk", "day", "name", "note")) == before


def test_load_holidays_leaves_a_day_the_city_officer_named_alone(db):
    PublicHoliday.objects.create(day=NATIONAL_DAY_2026, name="Quốc khánh", note="Thông báo của Chính phủ")
    assert date(2026, 9, 2) not in holidays.holidays_load()
    assert PublicHoliday.objects.get(day=NATIONAL_DAY_2026).note == "Thông báo của Chính phủ"
    assert PublicHoliday.objects.count() == 24


def test_the_shipped_file_invents_no_moving_holiday():
    rows = holidays.read_holiday_file(DATA_FILE)
    assert {(d.month, d.day) for d, _name, _note in rows} == {(1, 1), (4, 30), (5, 1), (9, 2)}
    assert {d.year for d, _name, _note in rows} == set(range(2025, 2031))


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("date,name,note\n2026-02-30,Tết,-\n", "not YYYY-MM-DD"),
        ("date,name,note\n2026-09-02,,-\n", "name is empty"),
        ("date,name,note\n2026-09-02,Quốc khánh,-\n2026-09-02,Quốc khánh,-\n", "appears twice"),
    ],
)
def test_load_holidays_refuses_a_malformed_file_and_writes_nothing(db, tmp_path, body, error):
    path = tmp_path / "holidays.csv"
    path.write_text("# a comment line\n" + body, encoding="utf-8")
    with pytest.raises(CommandError, match=error):
        call_command("load_holidays", file=path, verbosity=0)
    assert not PublicHoliday.objects.exists()


# ----------------------------------------------------------------------------- the city officer's page


def test_the_city_officer_reaches_the_holidays_from_the_round_list(client_for, personas):
    page = content(client_for(personas["city_officer"]).get(reverse("reviews:round_list")))
    assert f'href="{LIST_URL}"' in page
    assert "Ngày nghỉ lễ" in page


def test_the_holiday_page_lists_a_year_in_vietnamese(client_for, personas):
    holidays.holidays_load()
    page = content(client_for(personas["city_officer"]).get(LIST_URL, {"year": 2026}))
    assert "Ngày nghỉ lễ năm 2026" in page
    assert "02/09/2026" in page and "Quốc khánh (2/9)" in page
    assert "01/01/2027" not in page
    assert "Tết Nguyên đán" in page  # the reminder that moving holidays are the officer's to add
    assert "có sẵn trong dữ liệu của cổng" in page


def test_the_city_officer_adds_a_holiday_and_the_change_is_audited(client_for, territory, personas):
    client = client_for(personas["city_officer"])
    day = date(NEXT_YEAR, 9, 3)
    response = client.post(
        LIST_URL, {"day": day.isoformat(), "name": "Quốc khánh (ngày nghỉ thứ hai)", "note": "Thông báo của Chính phủ"}
    )
    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}?year={NEXT_YEAR}"
    holiday = PublicHoliday.objects.get(day=day)
    assert (holiday.name, holiday.note, holiday.added_by) == (
        "Quốc khánh (ngày nghỉ thứ hai)",
        "Thông báo của Chính phủ",
        personas["city_officer"],
    )
    log = Transition.objects.get(action="holiday_add")
    assert (log.actor, log.round, log.unit, log.reason) == (
        personas["city_officer"],
        None,
        territory["city"],
        "Thông báo của Chính phủ",
    )
    assert log.data == {"day": day.isoformat(), "name": "Quốc khánh (ngày nghỉ thứ hai)"}
    assert log.action_label == "Thêm ngày nghỉ lễ"
    page = content(client.get(response["Location"]))
    assert f"Đã thêm ngày {day:%d/%m/%Y} (Quốc khánh (ngày nghỉ thứ hai)) vào danh sách ngày nghỉ lễ." in page
    assert "do city1 thêm ngày" in page


def test_the_city_officer_removes_a_future_holiday_and_the_change_is_audited(client_for, personas):
    holiday = PublicHoliday.objects.create(day=date(NEXT_YEAR, 2, 17), name="Tết Nguyên đán")
    client = client_for(personas["city_officer"])
    remove_url = reverse("reviews:holiday_remove", args=[holiday.pk])
    assert "Xóa ngày" in content(client.get(remove_url))
    response = client.post(remove_url, follow=True)
    assert not PublicHoliday.objects.filter(pk=holiday.pk).exists()
    assert f"Đã xóa ngày {holiday.day:%d/%m/%Y} (Tết Nguyên đán) khỏi danh sách ngày nghỉ lễ." in content(response)
    log = Transition.objects.get(action="holiday_remove")
    assert (log.actor, log.round, log.data) == (
        personas["city_officer"],
        None,
        {"day": holiday.day.isoformat(), "name": "Tết Nguyên đán"},
    )


@pytest.mark.parametrize("days_ago", [0, 1, 400])
def test_a_holiday_that_is_today_or_past_cannot_be_removed(client_for, personas, days_ago):
    holiday = PublicHoliday.objects.create(day=TODAY - timedelta(days=days_ago), name="Ngày đã qua")
    client = client_for(personas["city_officer"])
    remove_url = reverse("reviews:holiday_remove", args=[holiday.pk])
    form_page = content(client.get(remove_url))
    assert "Chỉ xóa được ngày nghỉ lễ chưa đến" in form_page and "btn btn-danger" not in form_page
    response = client.post(remove_url, follow=True)
    assert PublicHoliday.objects.filter(pk=holiday.pk).exists()
    assert f"Ngày {holiday.day:%d/%m/%Y} không phải là ngày trong tương lai" in content(response)
    assert not Transition.objects.filter(action="holiday_remove").exists()
    # Past days show no remove button either.
    assert remove_url not in content(client.get(LIST_URL, {"year": holiday.day.year}))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2026-09-02", "name": "Quốc khánh"}, "Ngày 02/09/2026 đã là ngày nghỉ lễ."),
        ({"day": f"{NEXT_YEAR}-09-03", "name": ""}, "Hãy nhập tên ngày nghỉ lễ."),
        ({"day": f"{NEXT_YEAR}-09-03", "name": "   "}, "Hãy nhập tên ngày nghỉ lễ."),
        ({"day": "", "name": "Tết"}, "Hãy nhập ngày nghỉ lễ."),
        ({"day": "2026-02-30", "name": "Tết"}, "Nhập một ngày hợp lệ."),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message(client_for, personas, data, message):
    national_day()
    response = client_for(personas["city_officer"]).post(LIST_URL, data)
    assert response.status_code == 200
    assert message in content(response)
    assert PublicHoliday.objects.count() == 1
    assert not Transition.objects.exists()


@pytest.mark.parametrize("persona", ["village_head", "ward_officer", "district_officer", "no_role"])
def test_other_roles_may_neither_read_nor_change_the_holidays(client_for, personas, persona):
    holiday = PublicHoliday.objects.create(day=date(NEXT_YEAR, 9, 3), name="Quốc khánh")
    client = client_for(personas[persona])
    assert client.get(LIST_URL).status_code == 403
    assert client.post(LIST_URL, {"day": f"{NEXT_YEAR}-04-26", "name": "Giỗ Tổ"}).status_code == 403
    assert client.post(reverse("reviews:holiday_remove", args=[holiday.pk])).status_code == 403
    assert PublicHoliday.objects.count() == 1


def test_the_services_refuse_other_roles_too(personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        holidays.holiday_add(user=personas["ward_officer"], day=date(NEXT_YEAR, 9, 3), name="Quốc khánh")


def test_anonymous_users_are_sent_to_log_in_and_other_methods_get_405(client, client_for, personas):
    assert client.get(LIST_URL)["Location"].startswith(reverse("login"))
    assert client_for(personas["city_officer"]).put(LIST_URL).status_code == 405


def test_an_unknown_holiday_is_404(client_for, personas):
    assert client_for(personas["city_officer"]).get(reverse("reviews:holiday_remove", args=[999])).status_code == 404


def test_the_holiday_page_costs_the_same_queries_for_4_and_40_days(client_for, personas, django_assert_max_num_queries):
    client = client_for(personas["city_officer"])

    def add(n, start):
        PublicHoliday.objects.bulk_create(
            PublicHoliday(day=date(2026, 1, 1) + timedelta(days=start + i), name=f"Ngày {i}", added_by=personas["city_officer"])
            for i in range(n)
        )

    add(4, 0)
    # session, user, assignment, years with holidays, holidays of the year with who added them
    with django_assert_max_num_queries(5):
        client.get(LIST_URL, {"year": 2026})
    add(36, 10)
    with django_assert_max_num_queries(5):
        response = client.get(LIST_URL, {"year": 2026})
    assert len(response.context["holidays"]) == 40


# ----------------------------------------------------------------------------- running periods after a change

SEPT_1_2026 = date(2026, 9, 1)  # "today" while the posting runs


def posted_from_31_august(review) -> WardList:
    ward_list = ward_list_ready_to_post(review)
    services.ward_post(
        ward_list=ward_list, user=review["personas"]["ward_officer"], starts_on=MONDAY_31_AUG_2026, today=MONDAY_31_AUG_2026
    )
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 9, 4)
    return ward_list


def test_a_holiday_announced_during_a_posting_moves_its_end_and_the_ward_sees_why(review, client_for):
    ward_list = posted_from_31_august(review)
    version = ward_list.version
    holidays.holiday_add(user=review["personas"]["city_officer"], day=NATIONAL_DAY_2026, name="Quốc khánh", today=SEPT_1_2026)
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 9, 7)
    assert ward_list.version == version + 1, "a page opened before the change must reload"
    moved = Transition.objects.get(action="posting_rescheduled")
    assert moved.data == {"holiday": "2026-09-02", "from": "2026-09-04", "to": "2026-09-07"}
    assert moved.unit == review["ward"] and moved.actor == review["personas"]["city_officer"]
    page = content(
        client_for(review["personas"]["ward_officer"]).get(
            reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
        )
    )
    assert "Tính lại ngày kết thúc niêm yết" in page


def test_removing_a_future_holiday_shortens_a_running_posting(review):
    holiday = national_day()
    ward_list = ward_list_ready_to_post(review)
    services.ward_post(
        ward_list=ward_list, user=review["personas"]["ward_officer"], starts_on=MONDAY_31_AUG_2026, today=MONDAY_31_AUG_2026
    )
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 9, 7)
    holidays.holiday_remove(user=review["personas"]["city_officer"], holiday=holiday, today=SEPT_1_2026)
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 9, 4)


def test_a_posting_that_is_over_keeps_its_dates(review):
    ward_list = posted_from_31_august(review)
    holidays.holiday_add(
        user=review["personas"]["city_officer"], day=NATIONAL_DAY_2026, name="Quốc khánh", today=date(2026, 9, 10)
    )
    ward_list.refresh_from_db()
    assert ward_list.posting_ends_on == date(2026, 9, 4)
    assert not Transition.objects.filter(action="posting_rescheduled").exists()


def test_an_open_complaint_gets_a_new_re_check_date_and_a_resolved_one_does_not(review):
    posted_from_31_august(review)
    officer = review["personas"]["ward_officer"]
    complaints = [
        services.complaint_record(
            case=review["cases"][key],
            user=officer,
            received_on=SEPT_1_2026,
            complainant="Bà X",
            content="Thu nhập",
            today=SEPT_1_2026,
        )
        for key in ("a", "b")
    ]
    assert {c.recheck_due_on for c in complaints} == {date(2026, 9, 4)}
    services.complaint_resolve(complaint=complaints[1], user=officer, resolution="Giữ nguyên")
    holidays.holiday_add(user=review["personas"]["city_officer"], day=NATIONAL_DAY_2026, name="Quốc khánh", today=SEPT_1_2026)
    for c in complaints:
        c.refresh_from_db()
    assert [c.recheck_due_on for c in complaints] == [date(2026, 9, 7), date(2026, 9, 4)]
    assert Transition.objects.get(action="recheck_rescheduled").data["household"] == "HH-A"
