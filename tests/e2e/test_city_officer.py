"""The city officer follows the round on the dashboard, drills down to a household and downloads a
report built by the task worker while the page shows its progress."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import load_workbook

from reviews.models import ReviewRound
from tests.e2e.conftest import DESKTOP, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def task_worker(settings):
    """On PostgreSQL, a real `db_worker` process on the test database; SQLite's in-memory test database
    cannot be shared with another process, so there the tasks run in the request (immediate backend)."""
    if connection.vendor != "postgresql":
        yield None
        return
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DEBUG": "1",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "povertyportal.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield worker
    worker.terminate()
    worker.wait(timeout=20)


def number(text: str) -> int:
    return int(re.match(r"[\d.]+", text.strip()).group(0).replace(".", ""))


def test_the_city_officer_drills_down_and_downloads_a_report_whose_totals_match_the_dashboard(
    demo, open_page, settings, task_worker, tmp_path
):
    settings.EXPORT_INLINE_MAX_ROWS = 5  # the demo's lists are short; make this one go to the worker
    page = open_page("thanhpho", viewport=DESKTOP)
    page.get_by_role("link", name="Bảng tổng hợp").click()
    page.wait_for_url(re.compile(r"/dashboard/\d+/48/$"))
    shot(page, "city-00-dashboard-open-round")
    # Last year's round has its official lists: pick it in the round selector.
    last_year = ReviewRound.objects.get(kind="periodic", status="closed")
    page.select_option("#round-pick", value=f"/dashboard/{last_year.pk}/48/")
    page.wait_for_url(re.compile(rf"/dashboard/{last_year.pk}/48/$"))
    city_url = page.url
    poor_card = page.locator("div.border.rounded").nth(1)
    poor = number(poor_card.locator(".fs-5").inner_text())
    assert poor > 0
    assert page.locator("svg").count() >= 2  # server-drawn charts, each beside its table
    shot(page, "city-01-dashboard")

    for name in ("Quận Hải Châu", "Phường Hải Châu I", "Tổ dân phố 1"):
        page.locator("table").get_by_role("link", name=name, exact=True).first.click()
        page.wait_for_load_state()
    shot(page, "city-02-village-households")
    page.get_by_role("link", name="Các lần rà soát").first.click() if page.get_by_role(
        "link", name="Các lần rà soát"
    ).count() else page.locator("a[href$='/reviews/']").first.click()
    page.wait_for_url(re.compile(r"/households/[\w-]+/reviews/$"))
    assert page.get_by_role("heading", name=re.compile("Các lần rà soát của hộ")).is_visible()
    shot(page, "city-03-household")

    page.goto(city_url)
    page.locator("a[href$='/reports/poor/']").click()
    page.wait_for_url(re.compile(r"/exports/[0-9a-f-]+/$"))
    shot(page, "city-04-export-progress")
    download_link = page.locator("#export-progress a[href$='/download/']")
    download_link.wait_for(timeout=60_000)  # htmx polls the job's progress until the worker is done
    with page.expect_download() as info:
        download_link.click()
    path = tmp_path / "poor.xlsx"
    info.value.save_as(path)
    shot(page, "city-05-export-done")

    ws = load_workbook(path).active
    header_row = int(ws.freeze_panes[1:]) - 1
    # The table runs to the totals row; a blank row, the notes and the signature block follow.
    table_end = next(r for r in range(header_row + 1, ws.max_row + 2) if all(c.value is None for c in ws[r])) - 1
    data_rows = table_end - header_row - 1
    assert data_rows == poor, "the poor list has as many households as the dashboard counts"
    totals = [c.value for c in ws[table_end] if isinstance(c.value, str) and c.value.startswith("=")]
    assert any(f"{header_row + 1}:" in formula for formula in totals)


def test_the_city_dashboard_tables_fit_an_office_screen_of_1366_px(demo, open_page):
    page = open_page("thanhpho", viewport={"width": 1366, "height": 768})
    page.get_by_role("link", name="Bảng tổng hợp").click()
    page.wait_for_url(re.compile(r"/dashboard/\d+/48/$"))
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.table-responsive')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.closest('section').id + ': ' + box.scrollWidth + ' > ' + box.clientWidth)"""
    )
    assert overflowing == [], overflowing
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot(page, "city-06-dashboard-1366")
