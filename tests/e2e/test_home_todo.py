"""'Việc cần làm' on a 390 px phone: the ward officer's and the village head's home pages, and the ward
page's disabled step with its reasons, fit without horizontal scrolling (issue 16)."""

import pytest

from tests.e2e.conftest import assert_fits_phone, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_todo_list_and_a_blocked_step_fit_a_phone(demo, open_page):
    page = open_page("phuong.haichau")
    todo = page.locator("#todo")
    assert "Việc cần làm" in todo.inner_text()
    assert todo.locator("a[data-todo]").count() >= 1
    assert_fits_phone(page)
    shot(page, "home-todo-ward-officer-phone")
    todo.locator("a[data-todo=ward_step]").click()
    page.wait_for_load_state()
    blocked = page.locator("[data-blocked-step=ward_post]")
    assert blocked.locator("button[disabled]").count() == 1
    assert "Chưa thực hiện được vì:" in blocked.inner_text()
    assert_fits_phone(page)
    shot(page, "ward-blocked-step-phone")

    head = open_page("totruong.1")
    assert head.locator("#todo a[data-todo]").count() >= 1
    assert_fits_phone(head)
    shot(head, "home-todo-village-head-phone")
