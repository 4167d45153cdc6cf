"""The home page's "Việc cần làm" per role, and blocked steps shown disabled with every reason, in Vietnamese.

Dates are pinned: the round of the review fixture runs 1 Sep – 14 Dec 2026; services take ``today=`` and
the pages read the day through ``today_is``.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from households.models import AdminUnit
from reviews import services, workflow
from reviews.models import Case, ReviewRound, VillageList, WardList
from reviews.todo import todo_for
from tests.conftest import make_household, make_unit
from tests.reviews.conftest import survey

pytestmark = pytest.mark.django_db

OCT_1 = date(2026, 10, 1)


def content(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", content(response)).split())


def ward_list(review) -> WardList:
    return WardList.objects.get(round=review["round"], ward=review["ward"])


def add_villages(review, n, status=VillageList.Status.OPEN, start=0):
    """``n`` more villages of the ward ("Tổ 100", "Tổ 101" …), each with one household in scope."""
    villages = []
    for i in range(start, start + n):
        village = make_unit(f"20236-{100 + i}", f"Tổ {100 + i}", AdminUnit.Level.VILLAGE, review["ward"])
        household = make_household(village, f"HH-V{100 + i}", members=1)
        VillageList.objects.update_or_create(round=review["round"], village=village, defaults={"status": status})
        Case.objects.create(round=review["round"], household=household, village=village, inclusion="form01")
        villages.append(village)
    return villages


# ----------------------------------------------------------------------------- blocked steps


def test_posting_is_refused_naming_every_village_that_has_not_submitted_or_met(review):
    add_villages(review, 12)
    VillageList.objects.filter(round=review["round"], village=review["village"]).update(status=VillageList.Status.SUBMITTED)
    found = workflow.blockers("ward_post", ward_list(review), today=OCT_1)
    assert [b.message for b in found] == [
        "Các thôn/tổ sau chưa gửi danh sách",
        "Các thôn/tổ sau chưa thống nhất danh sách tại họp dân",
    ]
    assert found[0].names == ("Tổ dân phố 2", *(f"Tổ {100 + i}" for i in range(12)))
    assert found[1].names == ("Tổ dân phố 1",)
    # The service refuses with the same reasons (the rule lives once, in the workflow).
    with pytest.raises(workflow.WorkflowError) as refused:
        services.ward_post(ward_list=ward_list(review), user=review["personas"]["ward_officer"], starts_on=OCT_1, today=OCT_1)
    assert refused.value.messages == [str(b) for b in found]
    assert refused.value.messages[0].endswith("Tổ 108 và 3 thôn/tổ khác")


def test_the_ward_page_shows_posting_disabled_with_ten_villages_then_the_rest_folded(client_for, review, today_is):
    today_is(OCT_1)
    add_villages(review, 40)
    page = client_for(review["personas"]["ward_officer"]).get(
        reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
    )
    html = content(page)
    [blocked] = re.findall(r'<div class="card card-body blocked-step" data-blocked-step="ward_post">.*?</ul>', html, re.S)
    assert re.search(r"<button[^>]*disabled[^>]*>Niêm yết công khai danh sách</button>", blocked)
    shown, more, rest = re.search(
        r"<li>Các thôn/tổ sau chưa gửi danh sách: (.*?)<details.*?<summary[^>]*>(.*?)</summary>(.*?)</details>", blocked, re.S
    ).groups()
    # 42 villages: Tổ dân phố 1 and 2 of the fixture, then Tổ 100 … Tổ 139.
    assert shown.strip() == "Tổ dân phố 1, Tổ dân phố 2, " + ", ".join(f"Tổ {100 + i}" for i in range(8))
    assert more == "và 32 thôn/tổ khác"
    assert rest.strip() == ", ".join(f"Tổ {108 + i}" for i in range(32))
    # The next step is shown too, disabled: first the posting, with the same villages.
    [after] = re.findall(r'data-blocked-step="ward_submit">.*?</ul>', html, re.S)
    assert "Cần làm trước: Niêm yết công khai danh sách." in after and "và 32 thôn/tổ khác" in after
    assert 'action="/rounds/' not in blocked  # no form behind a disabled button


def test_sending_is_disabled_while_complaints_are_open_naming_each_household(client_for, review, today_is):
    today_is(date(2026, 11, 2))
    VillageList.objects.filter(round=review["round"]).update(status=VillageList.Status.MEETING_PASSED)
    WardList.objects.filter(pk=ward_list(review).pk).update(
        status=WardList.Status.POSTED, posting_starts_on=date(2026, 10, 5), posting_ends_on=date(2026, 10, 9)
    )
    for key in ("a", "b"):
        services.complaint_record(
            case=review["cases"][key],
            user=review["personas"]["ward_officer"],
            received_on=date(2026, 10, 6),
            complainant="Lê Thị B",
            content="Hộ có xe",
            today=date(2026, 10, 6),
        )
    page = text(
        client_for(review["personas"]["ward_officer"]).get(
            reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
        )
    )
    assert "Báo cáo, xin ý kiến về danh sách xã/phường Chưa thực hiện được vì: Còn 2 khiếu nại đang phúc tra: HH-A, HH-B" in page


def test_the_statistician_sees_no_step_of_the_ward_list_enabled_or_disabled(client_for, review, today_is):
    today_is(OCT_1)
    html = content(
        client_for(review["personas"]["statistician"]).get(
            reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
        )
    )
    assert "blocked-step" not in html and "Niêm yết công khai danh sách" not in html


def test_the_village_head_sees_submitting_disabled_with_every_household_left(client_for, review, today_is):
    today_is(OCT_1)
    for i in range(11):
        household = make_household(review["village"], f"HH-X{i:02d}", members=1)
        Case.objects.create(round=review["round"], household=household, village=review["village"], inclusion="form01")
    html = content(
        client_for(review["personas"]["village_head"]).get(
            reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])
        )
    )
    [blocked] = re.findall(r'data-blocked-step="village_submit">.*?</ul>', html, re.S)
    assert re.search(r"<button[^>]*disabled[^>]*>Gửi danh sách thôn/tổ</button>", blocked)
    assert "Còn 13 hộ chưa được nhận diện nhanh hoặc rà soát: Nguyễn Văn HH-A-0 (HH-A)" in blocked
    assert "và 3 hộ khác" in blocked and "Nguyễn Văn HH-X10-0 (HH-X10)" in blocked


# ----------------------------------------------------------------------------- "Việc cần làm"


def round_items(review, who, today=OCT_1) -> dict:
    groups = {g.title: g for g in todo_for(review["personas"][who], today=today)}
    group = groups.get(review["round"].name)
    return {item.key: item for item in group.items} if group else {}


def request_items(review, who, today=OCT_1) -> dict:
    groups = [g for g in todo_for(review["personas"][who], today=today) if g.title != review["round"].name]
    return {item.key: item for g in groups for item in g.items}


def screen_in_and_save_members(case, user):
    case.refresh_from_db()
    services.case_screen(case=case, user=user, items_met=[], read_version=case.version)
    case.refresh_from_db()
    services.case_save_section(case=case, user=user, section="members", values={}, read_version=case.version)


def test_the_village_head_sees_households_to_screen_then_surveys_with_sections_missing(review):
    head = review["personas"]["village_head"]
    items = round_items(review, "village_head")
    village_page = reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])
    assert items["to_screen"].count == 2 and items["to_screen"].url == village_page
    assert items["to_screen"].label == "Hộ cần nhận diện nhanh (Phiếu A)"
    assert "village_submit" not in items
    screen_in_and_save_members(review["cases"]["a"], head)
    items = round_items(review, "village_head")
    assert items["to_screen"].count == 1 and items["provisional"].count == 1 and "to_survey" not in items


def test_the_village_head_sees_the_list_to_submit_once_every_household_is_done(review):
    head = review["personas"]["village_head"]
    survey(review["cases"]["a"], head)
    survey(review["cases"]["b"], head)
    items = round_items(review, "village_head")
    assert set(items) == {"village_submit"}
    assert items["village_submit"].url.endswith("#submit") and items["village_submit"].count == 1
    ReviewRound.objects.filter(pk=review["round"].pk).update(village_deadline=date(2026, 9, 30))
    late = round_items(review, "village_head")["village_submit"]
    assert late.urgent and "đã quá hạn 30/09/2026" in late.note


def test_the_village_head_sees_households_a_complaint_reopened(review):
    Case.objects.filter(pk=review["cases"]["a"].pk).update(reopened=True, status=Case.Status.SURVEYED)
    VillageList.objects.filter(round=review["round"], village=review["village"]).update(status=VillageList.Status.MEETING_PASSED)
    items = round_items(review, "village_head")
    assert set(items) == {"reopened"} and items["reopened"].count == 1


def test_the_ward_officer_sees_meetings_the_next_step_complaints_late_villages_and_requests(review):
    ReviewRound.objects.filter(pk=review["round"].pk).update(village_deadline=date(2026, 9, 30))
    VillageList.objects.filter(round=review["round"], village=review["village"]).update(status=VillageList.Status.SUBMITTED)
    # The commune's village submitted too: outside the ward officer's area, never counted.
    VillageList.objects.filter(round=review["round"], village=review["rural_village"]).update(status=VillageList.Status.SUBMITTED)
    add_villages(review, 3, status=VillageList.Status.SUBMITTED)
    items = round_items(review, "ward_officer")
    page = reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
    assert items["meetings"].count == 4 and items["meetings"].url == f"{page}#villages"
    assert items["meetings"].label == "Họp dân cần ghi nhận"
    assert items["ward_step"].label == "Danh sách xã/phường, bước tiếp theo: Niêm yết công khai danh sách"
    assert items["ward_step"].url == f"{page}#ward-list"
    # Tổ dân phố 2 is still surveying after the village deadline.
    assert items["villages_late"].count == 1 and items["villages_late"].urgent
    assert "complaints" not in items
    requests = request_items(review, "ward_officer")
    # HH-A, HH-B, HH-C filed Form 01 on 5/9, due 20/9: overdue; HH-R is in the commune.
    assert requests["requests"].count == 3 and requests["requests"].url == reverse("reviews:request_list", args=["20236"])
    assert request_items(review, "commune_officer")["requests"].count == 1
    assert round_items(review, "commune_officer")["meetings"].count == 1


def test_complaints_due_today_or_overdue_are_counted_and_later_ones_are_not(review):
    from reviews.models import Complaint

    VillageList.objects.filter(round=review["round"]).update(status=VillageList.Status.MEETING_PASSED)
    WardList.objects.filter(round=review["round"]).update(status=WardList.Status.POSTED)
    for key, due in (("a", date(2026, 9, 29)), ("b", OCT_1), ("c", date(2026, 10, 2)), ("r", date(2026, 9, 1))):
        Complaint.objects.create(
            case=review["cases"][key],
            received_on=date(2026, 9, 25),
            complainant="X",
            content="Y",
            recheck_due_on=due,
            recorded_by=review["personas"]["ward_officer"],
        )
    item = round_items(review, "ward_officer")["complaints"]
    assert item.count == 2 and item.note == "1 quá hạn" and item.urgent
    assert item.url.endswith("#complaints")
    assert round_items(review, "ward_officer")["ward_step"].label.endswith("Báo cáo, xin ý kiến về danh sách xã/phường")


def test_the_statistician_sees_what_waits_in_the_ward_read_only(client_for, review, today_is):
    today_is(OCT_1)
    VillageList.objects.filter(round=review["round"], village=review["village"]).update(status=VillageList.Status.SUBMITTED)
    officer, reader = round_items(review, "ward_officer"), round_items(review, "statistician")
    assert {k: i.count for k, i in officer.items()} == {k: i.count for k, i in reader.items()}
    assert reader["meetings"].label == "Danh sách thôn/tổ đang chờ họp dân"
    assert request_items(review, "statistician")["requests"].label == "Giấy đề nghị đến hạn hoặc quá hạn"
    html = content(client_for(review["personas"]["statistician"]).get(reverse("home")))
    links = set(re.findall(r'href="([^"]+)" data-todo=', html))
    ward_page = reverse("reviews:ward_detail", args=[review["round"].pk, review["ward"].code])
    assert links == {f"{ward_page}#villages", f"{ward_page}#ward-list", reverse("reviews:request_list", args=["20236"])}


def test_the_district_officer_sees_ward_lists_waiting_for_an_opinion_and_overdue_requests(review):
    WardList.objects.filter(round=review["round"], ward=review["ward"]).update(status=WardList.Status.SUBMITTED)
    WardList.objects.filter(round=review["round"], ward=review["commune"]).update(status=WardList.Status.SUBMITTED)
    items = round_items(review, "district_officer")
    assert items["opinions"].count == 1 and items["opinions"].url == reverse("reviews:approvals")
    assert request_items(review, "district_officer")["requests_overdue"].count == 3
    assert round_items(review, "other_district_officer")["opinions"].count == 1
    assert request_items(review, "other_district_officer")["requests_overdue"].count == 1
    # In this territory the wards report to districts: the city officer gives no opinion on them.
    assert "opinions" not in round_items(review, "city_officer")


def test_where_wards_report_to_the_city_the_city_officer_sees_their_lists(review):
    ward = make_unit("20300", "Phường Hải Châu", AdminUnit.Level.WARD, review["city"], area_type="urban")
    WardList.objects.create(round=review["round"], ward=ward, approver=review["city"], status=WardList.Status.SUBMITTED)
    assert round_items(review, "city_officer")["opinions"].count == 1
    assert "opinions" not in round_items(review, "district_officer")


def test_the_city_officer_sees_deadlines_near_or_passed_with_the_units_behind(review):
    ReviewRound.objects.filter(pk=review["round"].pk).update(
        survey_deadline=date(2026, 9, 25), village_deadline=date(2026, 10, 4), ward_deadline=date(2026, 11, 30)
    )
    VillageList.objects.filter(round=review["round"], village=review["village"]).update(status=VillageList.Status.SUBMITTED)
    items = round_items(review, "city_officer")
    survey_item, village_item = items["deadline_survey_deadline"], items["deadline_village_deadline"]
    assert survey_item.count == 3 and survey_item.urgent and survey_item.note == "đã quá hạn"
    assert village_item.count == 2 and village_item.note == "còn 3 ngày" and not village_item.urgent
    assert "deadline_ward_deadline" not in items  # 30/11 is not near yet
    assert survey_item.url == reverse("reviews:round_detail", args=[review["round"].pk])
    assert "Hạn rà soát 25/09/2026" in survey_item.label


def test_nothing_is_to_do_in_a_closed_round(client_for, review, today_is):
    today_is(OCT_1)
    VillageList.objects.filter(round=review["round"]).update(status=VillageList.Status.SUBMITTED)
    ReviewRound.objects.filter(pk=review["round"].pk).update(status=ReviewRound.Status.CLOSED, village_deadline=OCT_1)
    for who in ("village_head", "ward_officer", "statistician", "district_officer", "city_officer"):
        assert round_items(review, who) == {}, who
    page = text(client_for(review["personas"]["village_head"]).get(reverse("home")))
    assert "Việc cần làm" in page and "Không có việc nào đang chờ bạn trong các đợt rà soát đang mở." in page


def test_the_home_page_lists_the_items_in_vietnamese_with_counts_and_links(client_for, review, today_is):
    today_is(OCT_1)
    html = content(client_for(review["personas"]["village_head"]).get(reverse("home")))
    village_page = reverse("reviews:village_cases", args=[review["round"].pk, review["village"].code])
    [item] = re.findall(rf'<a [^>]*href="{village_page}" data-todo="to_screen">(.*?)</a>', html, re.S)
    assert "Hộ cần nhận diện nhanh (Phiếu A)" in item and ">2</span>" in item


def _world(review, n):
    """``n`` more villages with a submitted list, an open complaint due and an overdue request each."""
    from reviews.models import Complaint, ReviewRequest

    villages = add_villages(review, n, status=VillageList.Status.SUBMITTED, start=len(AdminUnit.objects.all()))
    for village in villages:
        case = Case.objects.get(round=review["round"], village=village)
        Complaint.objects.create(
            case=case,
            received_on=date(2026, 9, 25),
            complainant="X",
            content="Y",
            recheck_due_on=date(2026, 9, 28),
            recorded_by=review["personas"]["ward_officer"],
        )
        ReviewRequest.objects.create(
            household=case.household,
            form="form01",
            received_on=date(2026, 9, 1),
            channel="in_person",
            due_on=date(2026, 9, 16),
            recorded_by=review["personas"]["ward_officer"],
        )
    for i in range(n):  # and as many households of village 1 to screen
        household = make_household(review["village"], f"HH-N{len(AdminUnit.objects.all())}-{i}", members=1)
        Case.objects.create(round=review["round"], household=household, village=review["village"], inclusion="form01")
    WardList.objects.filter(round=review["round"]).update(status=WardList.Status.SUBMITTED)


# Each role's home page: session, user, assignment, then open rounds and the role's aggregates.
HOME_QUERIES = {
    # + village lists, cases
    "village_head": 6,
    # + village lists by status, ward lists, complaints due, requests
    "ward_officer": 8,
    "statistician": 8,
    # + ward lists waiting, overdue requests
    "district_officer": 6,
    # + ward lists waiting, overdue requests, units behind each near deadline (cases, village lists, ward lists)
    "city_officer": 9,
}


@pytest.mark.parametrize("who", list(HOME_QUERIES))
def test_the_home_page_costs_a_fixed_number_of_queries_whatever_the_data(
    client_for, review, today_is, who, django_assert_max_num_queries
):
    today_is(OCT_1)
    ReviewRound.objects.filter(pk=review["round"].pk).update(
        survey_deadline=date(2026, 9, 25), village_deadline=date(2026, 9, 30), ward_deadline=OCT_1, approval_deadline=OCT_1
    )
    client = client_for(review["personas"][who])
    _world(review, 2)
    with django_assert_max_num_queries(HOME_QUERIES[who]):
        client.get(reverse("home"))
    small = sum(item.count for group in todo_for(review["personas"][who], today=OCT_1) for item in group.items)
    _world(review, 30)
    with django_assert_max_num_queries(HOME_QUERIES[who]) as queries:
        client.get(reverse("home"))
    large = sum(item.count for group in todo_for(review["personas"][who], today=OCT_1) for item in group.items)
    assert len(queries) == HOME_QUERIES[who]
    assert large > small  # the bigger world is counted, at the same cost
