"""The history of a case's answers and results: the case page and the complaint page show what changed,
from what to what, who and when, in Vietnamese; a save that changes nothing adds no history."""

import re
from datetime import date

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Case, CaseMember, CaseResult, Complaint
from tests.reviews.conftest import POOR_SECTIONS, survey
from tests.reviews.test_procedure_integrity import POSTED, posted

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def save(case, user, section, values, members=None):
    case.refresh_from_db()
    return services.case_save_section(
        case=case, user=user, section=section, values=values, read_version=case.version, members=members
    )


def history_rows(case) -> tuple[int, int, int]:
    return (
        Case.history.filter(id=case.pk).count(),
        CaseMember.history.filter(case_id=case.pk).count(),
        CaseResult.history.filter(case_id=case.pk).count(),
    )


def case_page(client, case):
    return client.get(reverse("reviews:case_detail", args=[case.pk]))


def test_a_section_saved_twice_shows_the_changed_answer_before_and_after_with_who_saved_it(client_for, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    save(case, head, "water", {"water_source": "piped", "latrine": "simple_pit"})

    page = text(case_page(client_for(head), case))
    assert "Thay đổi câu trả lời và kết quả" in page
    # The second save: the one answer that changed, with its declared labels, who and why.
    assert "Nguồn nước sinh hoạt chính Giếng không được bảo vệ → Nước máy" in page
    assert "head1 · Lưu phần khảo sát: Nước sạch và vệ sinh" in page
    # The first save of the section: from unanswered to the answers given.
    assert "Nguồn nước sinh hoạt chính chưa trả lời → Giếng không được bảo vệ" in page
    # Only the changed answer is listed for the second save: the latrine stayed a simple pit.
    assert page.count("Nhà tiêu chưa trả lời → Hố đào đơn giản") == 1
    assert page.count("Hố đào đơn giản") == 1


def test_the_survey_shows_the_result_from_nothing_to_its_class_and_income(client_for, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    page = text(case_page(client_for(head), case))
    national = review["standards"]["national-2022"].name
    # The members alone give a result without a class (answers missing), then the class comes.
    assert f"{national} · Phân loại — → chưa phân loại (thiếu câu trả lời)" in page
    assert f"{national} · Phân loại chưa phân loại (thiếu câu trả lời) → Hộ nghèo" in page
    assert f"{national} · Thu nhập bình quân đầu người/tháng 0 đồng → 833.333 đồng" in page
    assert "Kết quả — → Hộ nghèo" in page


def test_a_changed_member_answer_shows_the_member_and_the_answer(client_for, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    rows = [{"id": m.pk, **{f: getattr(m, f) for f in services.MEMBER_FACT_FIELDS}} for m in case.members.order_by("id")]
    rows[0]["employment"] = "unemployed"
    save(case, head, "members", {}, members=rows)

    page = text(case_page(client_for(head), case))
    name = rows[0]["full_name"]
    assert f"{name} · Việc làm Khác, không làm việc → Thất nghiệp, đang tìm việc" in page


def test_a_save_that_changes_nothing_adds_no_history(review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    before = history_rows(case)
    save(case, head, "water", dict(POOR_SECTIONS["water"]))
    rows = [{"id": m.pk, **{f: getattr(m, f) for f in services.MEMBER_FACT_FIELDS}} for m in case.members.order_by("id")]
    save(case, head, "members", {}, members=rows)
    save(case, head, "income", dict(POOR_SECTIONS["income"]))
    assert history_rows(case) == before


def test_a_changed_answer_that_moves_the_result_records_one_row_per_changed_thing(review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    cases, members, results = history_rows(case)
    save(case, head, "income", {**POOR_SECTIONS["income"], "income_wages": 120_000_000})
    # The case once; no member; each standard's result (its income per person changed under both).
    assert history_rows(case) == (cases + 1, members, results + 2)


def _posted_with_complaint(review):
    """The ward list posted (both villages surveyed and agreed: the procedure tests' world); a complaint
    against household A received the day the posting starts, which reopens its survey."""
    posted(review)
    case = Case.objects.select_related("round", "village", "household").get(pk=review["cases"]["a"].pk)
    return services.complaint_record(
        case=case,
        user=review["personas"]["ward_officer"],
        received_on=POSTED,
        complainant="Lê Thị B",
        content="Thu nhập khai thấp",
        today=POSTED,
    )


def complaint_page(client, review, complaint):
    kwargs = {"round_id": review["round"].pk, "ward_code": review["ward"].code, "complaint_id": complaint.pk}
    return client.get(reverse("reviews:complaint_resolve", kwargs=kwargs))


def test_a_re_survey_after_a_complaint_shows_the_results_before_and_after_on_the_complaint_page(client_for, review, today_is):
    today_is(POSTED)
    p = review["personas"]
    complaint = _posted_with_complaint(review)
    case = complaint.case
    # The re-check finds four times the income: 120 million a year for 3 members.
    save(case, p["village_head"], "income", {**POOR_SECTIONS["income"], "income_wages": 120_000_000})

    response = complaint_page(client_for(p["ward_officer"]), review, complaint)
    assert response.status_code == 200
    page = text(response)
    national = review["standards"]["national-2022"].name
    assert "Thay đổi từ khi ghi nhận khiếu nại" in page
    assert f"{national} · Phân loại Hộ nghèo → " in page
    assert f"{national} · Thu nhập bình quân đầu người/tháng 833.333 đồng → 3.333.333 đồng" in page
    assert "Thu nhập trong 12 tháng qua: Tiền công, tiền lương 30.000.000 đồng → 120.000.000 đồng" in page
    assert "head1 · Lưu phần khảo sát: Thu nhập" in page
    # Before the complaint is history of the first survey, not of the re-check: the water answers are not listed.
    assert "Nguồn nước sinh hoạt chính" not in page
    assert case_page(client_for(p["village_head"]), case).status_code == 200


def test_a_complaint_page_before_any_re_survey_says_nothing_has_changed(client_for, review, today_is):
    today_is(POSTED)
    complaint = _posted_with_complaint(review)
    page = text(complaint_page(client_for(review["personas"]["ward_officer"]), review, complaint))
    assert "Chưa có câu trả lời hay kết quả nào thay đổi." in page


def test_another_areas_users_get_404_on_the_case_and_complaint_pages(client_for, review, today_is):
    today_is(POSTED)
    p = review["personas"]
    complaint = _posted_with_complaint(review)
    assert case_page(client_for(p["other_village_head"]), complaint.case).status_code == 404
    assert case_page(client_for(p["commune_officer"]), complaint.case).status_code == 404
    assert complaint_page(client_for(p["commune_officer"]), review, complaint).status_code == 404


def test_the_case_page_costs_the_same_queries_after_one_or_many_saves(client_for, review, django_assert_max_num_queries):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    client = client_for(head)
    with django_assert_max_num_queries(40) as few:
        case_page(client, case)
    for wages in (40_000_000, 50_000_000, 60_000_000, 70_000_000):
        save(case, head, "income", {**POOR_SECTIONS["income"], "income_wages": wages})
        save(case, head, "water", {"water_source": "piped" if wages % 20_000_000 else "drilled_well", "latrine": "septic"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        case_page(client, case)


def test_a_complaint_records_when_it_was_entered(review, today_is):
    today_is(POSTED)
    complaint = _posted_with_complaint(review)
    assert Complaint.objects.get(pk=complaint.pk).recorded_at is not None


def test_members_added_and_removed_show_by_name(client_for, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    members = list(case.members.order_by("id"))
    rows = [{"id": m.pk, **{f: getattr(m, f) for f in services.MEMBER_FACT_FIELDS}} for m in members]
    rows[-1]["DELETE"] = True
    newborn = {**{k: v for k, v in rows[0].items() if k != "id"}, "full_name": "Nguyễn Thị Bé", "date_of_birth": date(2026, 3, 1)}
    save(case, head, "members", {}, members=[*rows, newborn])

    page = text(case_page(client_for(head), case))
    assert f"{members[-1].full_name} · Bớt thành viên {members[-1].full_name} → —" in page
    assert "Nguyễn Thị Bé · Thêm thành viên — → Nguyễn Thị Bé" in page
    assert "head1 · Lưu phần khảo sát: Thành viên" in page


def test_a_household_excluded_by_the_quick_screen_shows_the_criterion_and_the_result_it_lost(client_for, review):
    head = review["personas"]["village_head"]
    case = survey(review["cases"]["a"], head)
    item = case.round.primary_standard.quick_screen_items[0]
    services.case_screen(case=case, user=head, items_met=[item["key"]], read_version=case.version)

    page = text(case_page(client_for(head), case))
    assert f"head1 · Nhận diện nhanh Câu trả lời Trước Sau Nhận diện nhanh: tiêu chí đáp ứng không có → {item['text']}" in page
    assert "Kết quả Hộ nghèo → Không thuộc hộ nghèo, cận nghèo" in page
    assert CaseResult.history.filter(case_id=case.pk, history_type="-", history_user=head).count() == 2
