"""Ward officer and district officer: meetings, posting, a complaint, opinion, return, approval, decision."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from reviews import services
from reviews.holidays import posting_end
from reviews.models import Case, OfficialStatus, ReviewRound, VillageList, WardList
from tests.e2e.conftest import DESKTOP, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WARD = "20236"


def villages_surveyed_and_submitted():
    """What the village heads did before: every household screened or surveyed, every list submitted."""
    officer = get_user_model().objects.get(username="phuong.haichau")
    round_ = ReviewRound.objects.get(status="open", kind="periodic")
    for index, case in enumerate(Case.objects.filter(round=round_, village__parent__code=WARD).order_by("household__code")):
        case.refresh_from_db()
        services.case_screen(case=case, user=officer, items_met=[] if index % 2 == 0 else ["car"], read_version=case.version)
        if index % 2 == 0:
            for section, values in (
                ("members", {}),
                ("housing", {"durable_walls": False, "durable_columns": False, "floor_area_m2": 15}),
                ("water", {"water_source": "surface_water", "latrine": "none"}),
                ("information", {}),
                # Every source answered (an empty one is not 0): wages, the others none.
                ("income", {**dict.fromkeys(Case.INCOME_FIELDS.values(), 0), "income_wages": 6_000_000}),
            ):
                case.refresh_from_db()
                # Answers no column holds (asked since the 2027 standard) go in the case's answers document.
                extra = {"water": {"household_waste": "collected"}, "information": {"digital_services": "no_internet"}}
                if section in extra:
                    values = {**values, "answers": {**case.answers, **extra[section]}}
                services.case_save_section(case=case, user=officer, section=section, values=values, read_version=case.version)
    for village_list in VillageList.objects.filter(round=round_, village__parent__code=WARD):
        if Case.objects.filter(round=round_, village=village_list.village).exists():
            services.village_submit(village_list=village_list, user=officer)
    return round_


def post_today(page):
    """Post the list from today (a back-dated start is refused) through the ward page that is open."""
    page.fill("form[action$='/post/'] input[name=starts_on]", timezone.localdate().isoformat())
    page.locator("form[action$='/post/'] button[type=submit]").click()
    page.wait_for_load_state()


def posting_ran_out(round_, days_ago=14):
    """Let the posting run its working days: its dates move back as if it had been put up ``days_ago``."""
    start = timezone.localdate() - timedelta(days=days_ago)
    WardList.objects.filter(round=round_, ward__code=WARD, status=WardList.Status.POSTED).update(
        posting_starts_on=start, posting_ends_on=posting_end(start, round_.posting_working_days)
    )


def post_and_send(page, round_):
    page.goto(f"{page.base}/rounds/{round_.pk}/wards/{WARD}/")
    post_today(page)
    posting_ran_out(round_)
    # While the posting ran, sending was shown disabled with its reason: the page is read again after it.
    page.reload()
    page.locator("form[action$='/submit/'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_ward_list_goes_from_village_meetings_to_the_chairmans_decision_with_one_return(demo, open_page):
    round_ = villages_surveyed_and_submitted()
    today = timezone.localdate()

    ward = open_page("phuong.haichau", viewport=DESKTOP)
    ward.goto(f"{ward.base}/my-ward/")
    ward.wait_for_url(re.compile(rf"/rounds/{round_.pk}/wards/{WARD}/$"))
    shot(ward, "ward-01-villages")
    while ward.locator("a[href$='/meeting/']").count():
        ward.locator("a[href$='/meeting/']").first.click()
        ward.fill("input[name=held_on]", (today - timedelta(days=20)).isoformat())
        ward.fill("input[name=attendees]", "10")
        ward.fill("input[name=votes_for]", "6")
        ward.fill("input[name=votes_against]", "4")
        shot(ward, "ward-02-meeting-60-percent")
        ward.locator("main form button[type=submit]").click()
        ward.wait_for_url(re.compile(rf"/wards/{WARD}/$"))
    met = VillageList.objects.filter(
        round=round_, village__parent__code=WARD, village__in=Case.objects.filter(round=round_).values("village")
    )
    assert set(met.values_list("status", flat=True)) == {"meeting_passed"}

    # Public posting from today, then two weeks pass; a complaint during it reopens a household.
    post_today(ward)
    assert WardList.objects.get(round=round_, ward__code=WARD).status == "posted"
    posting_ran_out(round_)
    complained = Case.objects.filter(round=round_, village__parent__code=WARD).order_by("household__code").first()
    ward.locator("a[href$='/complaints/new/']").click()
    # The household is searched (by code here) and chosen from the suggestions, never typed into the complaint.
    ward.fill("#id_q", complained.household.code)
    ward.locator(f"input[name=case][value='{complained.pk}']").check()
    ward.fill("input[name=received_on]", (today - timedelta(days=10)).isoformat())
    ward.fill("input[name=complainant]", "Lê Thị Bích")
    ward.fill("textarea[name=content]", "Hộ mới mua xe tải")
    ward.get_by_role("button", name="Ghi nhận khiếu nại").click()
    ward.wait_for_url(re.compile(rf"/wards/{WARD}/$"))
    assert Case.objects.get(pk=complained.pk).reopened
    shot(ward, "ward-03-posted-with-complaint")
    ward.locator("a[href*='/resolve/']").first.click()
    ward.fill("textarea[name=resolution]", "Phúc tra: xe tải của người con đã tách hộ; giữ nguyên kết quả.")
    ward.locator("main form button[type=submit]").click()
    ward.wait_for_url(re.compile(rf"/wards/{WARD}/$"))
    ward.locator("form[action$='/submit/'] button[type=submit]").click()
    ward.wait_for_load_state()
    assert WardList.objects.get(round=round_, ward__code=WARD).status == "submitted"
    shot(ward, "ward-04-sent-for-opinion")

    # The district returns it with a reason.
    district = open_page("quan.haichau", viewport=DESKTOP)
    district.goto(f"{district.base}/approvals/")
    shot(district, "district-01-approvals")
    district.locator(f"a[href$='/wards/{WARD}/review/']").first.click()
    district.fill("textarea[name=return-reason]", "Đề nghị kiểm tra lại diện tích nhà ở của các hộ nghèo.")
    district.check("#id_return-confirmed")  # the opinion asks "I have checked"
    district.locator("form[action$='/return/'] button[type=submit]").click()
    district.wait_for_load_state()
    ward_list = WardList.objects.get(round=round_, ward__code=WARD)
    assert (ward_list.status, ward_list.remarks) == ("returned", "Đề nghị kiểm tra lại diện tích nhà ở của các hộ nghèo.")
    shot(district, "district-02-returned")

    # The ward sees the remarks, posts again and resends; the district approves.
    ward.goto(f"{ward.base}/rounds/{round_.pk}/wards/{WARD}/")
    assert ward.get_by_text("Đề nghị kiểm tra lại diện tích nhà ở").first.is_visible()
    post_and_send(ward, round_)
    assert WardList.objects.get(round=round_, ward__code=WARD).status == "submitted"
    district.goto(f"{district.base}/rounds/{round_.pk}/wards/{WARD}/review/")
    district.check("#id_approve-confirmed")
    district.locator("form[action$='/approve/'] button[type=submit]").click()
    district.wait_for_load_state()
    assert WardList.objects.get(round=round_, ward__code=WARD).status == "approved"
    shot(district, "district-03-approved")

    # The chairman's decision makes the results official; the household shows its certificate.
    ward.goto(f"{ward.base}/rounds/{round_.pk}/wards/{WARD}/decide/")
    ward.fill("input[name=decision_number]", "215/QĐ-UBND")
    ward.fill("input[name=decision_date]", today.isoformat())
    ward.locator("main form button[type=submit]").click()
    ward.wait_for_load_state()
    assert WardList.objects.get(round=round_, ward__code=WARD).status == "decided"
    status = (
        OfficialStatus.objects.filter(round=round_, ward__code=WARD, household_class="poor").select_related("household").first()
    )
    assert status is not None
    ward.goto(f"{ward.base}/households/{status.household.code}/reviews/")
    assert ward.locator(".official-class").first.inner_text() == "Hộ nghèo"
    ward.get_by_role("link", name="Giấy chứng nhận").first.click()
    assert ward.get_by_text("GIẤY CHỨNG NHẬN HỘ NGHÈO").is_visible()
    assert ward.get_by_text("215/QĐ-UBND").first.is_visible()
    shot(ward, "ward-05-certificate")
    # The print button works under the CSP (a handler in static/js/portal.js, not an inline onclick).
    ward.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    ward.get_by_role("button", name="In", exact=True).click()
    ward.wait_for_selector("body[data-printed=yes]")
