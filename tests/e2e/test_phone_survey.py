"""The survey on a 390 × 844 phone (issue 14): a failed save lands on its error summary, typing survives a
reload, the result bar is always in view and provisional until income is answered, money is read as people
type it, no page scrolls sideways and none shows English."""

import re

import pytest
from playwright.sync_api import expect

from households.models import Member
from reviews.models import Case
from tests.e2e.conftest import assert_fits_phone, assert_no_english, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def check_page(page):
    assert_fits_phone(page)
    assert_no_english(page)


def save(page):
    page.get_by_role("button", name="Lưu và tiếp tục").first.click()


def test_the_phone_survey_keeps_typing_lands_on_errors_and_keeps_the_result_in_view(demo, open_page):
    page = open_page("totruong.1")
    check_page(page)
    case = Case.objects.filter(village__code="20236-001", round__status="open").order_by("household__code").first()
    page.goto(f"{page.base}/cases/{case.pk}/")
    check_page(page)
    page.get_by_role("link", name="Bắt đầu: nhận diện nhanh").click()
    check_page(page)
    save(page)
    page.wait_for_url(re.compile(r"/form/$"))  # the whole form; this journey goes section by section
    check_page(page)
    page.goto(page.url.replace("/form/", "/survey/members/"))
    check_page(page)
    # A child of 8 added in the survey, without a round trip: only the questions of that age are asked.
    page.get_by_role("button", name="Thêm thành viên").click()
    card = page.locator("[data-member-card]").last
    card.locator("input[name$='-full_name']").fill("Trần Thị Bé")
    card.locator("input[name$='-date_of_birth']").fill("2018-03-02")
    card.locator("select[name$='-sex']").select_option("female")
    card.locator("select[name$='-relationship']").select_option("grandchild")
    expect(card.locator("[data-fact=employment]")).to_be_hidden()
    expect(card.locator("[data-fact=nutrition]")).to_be_visible()
    expect(card.locator("[data-member-name]")).to_have_text("Trần Thị Bé")
    shot(page, "phone-00-member-added")
    save(page)

    # A failed save: the page comes back on a summary of what to fix, each a link to its field.
    page.wait_for_url(re.compile(r"/survey/housing/$"))
    bar = page.locator("#result-bar")
    expect(bar).to_be_in_viewport()
    expect(bar).to_contain_text("Tạm tính")  # sections still missing
    page.uncheck("#id_durable_walls")
    page.fill("#id_floor_area_m2", "0")
    save(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    assert "10.000 m²" in summary.inner_text()
    expect(page.locator("#id_durable_walls")).not_to_be_checked()  # nothing typed is lost
    shot(page, "phone-01-error-summary")
    check_page(page)
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_floor_area_m2")).to_be_focused()
    page.fill("#id_floor_area_m2", "20")
    save(page)

    # Typing not saved survives a reload, with a notice and the "chưa lưu" mark; saving drops the draft.
    page.wait_for_url(re.compile(r"/survey/water/$"))  # no "#field" of the summary's link carried along
    page.check("input[name=water_source][value=unprotected_well]")
    page.check("input[name=latrine][value=simple_pit]")
    expect(page.locator("[data-draft-state]")).to_be_visible()
    page.reload()
    expect(page.locator("[data-draft-notice]")).to_be_visible()
    expect(page.locator("input[name=water_source][value=unprotected_well]")).to_be_checked()
    expect(page.locator("input[name=latrine][value=simple_pit]")).to_be_checked()
    shot(page, "phone-02-draft-restored")
    check_page(page)
    page.check("input[name=household_waste][value=collected]")
    save(page)
    page.wait_for_url(re.compile(r"/survey/information/$"))
    page.goto(f"{page.base}/cases/{case.pk}/survey/water/")
    expect(page.locator("[data-draft-notice]")).to_be_hidden()
    page.goto(f"{page.base}/cases/{case.pk}/survey/information/")
    page.check("input[name=digital_services][value=uses_digital_services]")
    save(page)

    # Income left unanswered: the result stays provisional; typed as people write it, it is read right.
    page.wait_for_url(re.compile(r"/survey/income/$"))
    check_page(page)
    expect(bar).to_contain_text("Tạm tính")
    expect(bar).to_contain_text("chưa có thu nhập")
    page.get_by_role("button", name="Không có cho mọi ô còn trống").click()
    page.fill("#id_income_wages", "36.000.000")
    page.press("#id_income_wages", "Tab")
    members = case.members.count()
    per_person = f"{round(36_000_000 / 12 / members):,}".replace(",", ".")
    expect(bar).to_contain_text(per_person)
    expect(bar).to_be_in_viewport()
    shot(page, "phone-03-result-bar")
    save(page)
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    check_page(page)
    case.refresh_from_db()
    assert case.income_wages == 36_000_000

    # The child is in the household's register too: the head does not type them twice.
    page.goto(f"{page.base}/households/{case.household.code}/")
    expect(page.get_by_text("Trần Thị Bé").first).to_be_visible()
    assert Member.objects.filter(household=case.household, full_name="Trần Thị Bé", left_on__isnull=True).count() == 1
    check_page(page)

    page.goto(f"{page.base}/cases/{case.pk}/survey/income/")
    page.fill("#id_income_wages", "36 triệu")
    save(page)
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    case.refresh_from_db()
    assert case.income_wages == 36_000_000
