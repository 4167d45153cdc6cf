"""The demo as a newcomer walks it (issue 16 item 7): from the demo `make demo` makes (the 2025 structure
by default, smaller), every login of the README finds its next task on its home page and the page it leads
to, and the round is walked as the README tells it: the heads of villages 1–3 survey on the one-page form
and send their lists, the ward (told in its inbox) records the meetings and posts the list, the city
department approves the ward waiting for its opinion, and that ward records the chairman's decision."""

import re
from datetime import date

import pytest
from django.core.management import call_command

from reviews.models import OfficialStatus, WardList
from tests.e2e.conftest import DESKTOP, assert_fits_phone, assert_no_english, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Login → what its home page must offer (the to-do item's key), as the README's "A round, step by step".
README_LOGINS = {
    "totruong.1": "to_screen",
    "phuong.haichau": "meetings",
    "phuong.hoacuong": None,  # posting running: its home may say so, or have nothing due yet
    "thanhpho": "opinions",
}


def survey_whole_form(page):
    """Answer what the one-page form leaves open (a choice in each unanswered group, a floor area, the
    incomes) and save it."""
    for name in page.eval_on_selector_all("#survey-form input[type=radio]", "els => [...new Set(els.map(e => e.name))]"):
        group = page.locator(f"#survey-form input[type=radio][name='{name}']")
        if not page.locator(f"#survey-form input[type=radio][name='{name}']:checked").count() and group.first.is_visible():
            group.first.check()
    area = page.locator("#id_floor_area_m2")
    if area.count() and not area.input_value():
        area.fill("30")
    page.get_by_role("button", name="Không có cho mọi ô còn trống").click()
    page.fill("#id_income_wages", "60 triệu")
    page.get_by_role("button", name="Lưu phiếu rà soát").click()
    page.wait_for_url(re.compile(r"/cases/\d+/$"))


@pytest.fixture
def demo_2025(transactional_db, settings):
    settings.DEMO_DATA_ALLOWED = True
    call_command("load_holidays", verbosity=0)
    call_command("seed_demo", households=3000, seed=7, verbosity=0)
    call_command("seed_review_demo", seed=7, verbosity=0)


def test_every_readme_login_finds_its_next_task_and_the_round_ends_with_certificates(demo_2025, open_page):
    for login, key in README_LOGINS.items():
        page = open_page(login)
        todo = page.locator("#todo")
        assert "Việc cần làm" in todo.inner_text(), login
        if key is not None:
            item = todo.locator(f"a[data-todo={key}]")
            assert item.count() >= 1, (login, todo.inner_text())
            item.first.click()
            page.wait_for_load_state()
            assert page.locator("h1").count() >= 1, page.url
        assert_fits_phone(page)
        if login.startswith("totruong"):
            assert_no_english(page)
        shot(page, f"demo-{login}")

    # Step 1: the heads of villages 1–3 survey what is left (the whole form) and send their lists.
    for n in (1, 2, 3):
        head = open_page(f"totruong.{n}")
        head.goto(f"{head.base}/review/")
        head.wait_for_load_state()
        village_page = head.url
        while head.locator("[data-case-state=to_screen] , [data-case-state=to_survey]").count():
            head.locator(
                "ul.list-group li", has=head.locator("[data-case-state=to_screen], [data-case-state=to_survey]")
            ).first.locator("a.fw-semibold").click()
            head.wait_for_load_state()
            if "/screen/" in head.url:
                head.get_by_role("button", name="Lưu và tiếp tục").click()
                head.wait_for_url(re.compile(r"/form/$"))
            survey_whole_form(head)
            head.goto(village_page)
        head.get_by_role("button", name="Gửi danh sách thôn/tổ lên cấp xã").click()
        head.wait_for_load_state()
        assert head.get_by_text("Đã gửi danh sách thôn/tổ lên cấp xã.").is_visible(), head.url

    # Step 2: the ward records the meetings waiting (the inbox told it of each list sent) and posts the list.
    ward = open_page("phuong.haichau", viewport=DESKTOP)
    ward.goto(f"{ward.base}/inbox/")
    assert ward.get_by_text("đã được gửi lên cấp xã").count() >= 3
    ward.goto(f"{ward.base}/my-ward/")
    ward.wait_for_load_state()
    ward_page = ward.url
    while ward.locator("a[href$='/meeting/']").count():
        ward.locator("a[href$='/meeting/']").first.click()
        ward.fill("input[name=held_on]", date.today().isoformat())
        ward.fill("input[name=attendees]", "10")
        ward.fill("input[name=votes_for]", "7")
        ward.fill("input[name=votes_against]", "3")
        ward.locator("main form button[type=submit]").click()
        ward.wait_for_url(ward_page)
    ward.fill("form[action$='/post/'] input[name=starts_on]", date.today().isoformat())
    ward.locator("form[action$='/post/'] button[type=submit]").click()
    ward.wait_for_load_state()
    assert WardList.objects.get(ward__code="20242", round__status="open").status == WardList.Status.POSTED
    shot(ward, "demo-haichau-posted")

    # Step 3: the city department gives its opinion on the ward waiting for it.
    waiting = WardList.objects.get(status=WardList.Status.SUBMITTED)
    city = open_page("thanhpho", viewport=DESKTOP)
    city.goto(f"{city.base}/rounds/{waiting.round_id}/wards/{waiting.ward.code}/review/")
    approve = city.locator("form[action$='/approve/']")
    approve.locator("input[type=checkbox]").check()
    approve.get_by_role("button").click()
    city.wait_for_load_state()
    assert WardList.objects.get(pk=waiting.pk).status == WardList.Status.APPROVED

    # Step 4: that ward records the chairman's decision; its households get their official status.
    officer = open_page("phuong.thanhkhe", viewport=DESKTOP)
    officer.goto(f"{officer.base}/rounds/{waiting.round_id}/wards/{waiting.ward.code}/")
    officer.get_by_role("link", name="Ghi nhận quyết định của Chủ tịch").click()
    officer.fill("input[name=decision_number]", "88/QĐ-UBND")
    officer.fill("input[name=decision_date]", date.today().isoformat())
    officer.locator("main form button[type=submit]").last.click()
    officer.wait_for_url(re.compile(rf"/wards/{waiting.ward.code}/$"))
    assert WardList.objects.get(pk=waiting.pk).status == WardList.Status.DECIDED
    assert OfficialStatus.objects.filter(ward=waiting.ward, revoked_at__isnull=True).exists()
    shot(officer, "demo-decided")
