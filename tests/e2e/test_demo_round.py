"""The demo as a newcomer walks it (issue 16 item 7): from the demo `make demo` makes (the 2025 structure
by default, smaller), every login of the README finds its next task on its home page and the page it leads
to, and the round's last steps are walked — the city department approves the ward waiting for its opinion,
that ward records the chairman's decision and has its certificates."""

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
