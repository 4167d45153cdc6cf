"""How much a village head does to survey one household of four (a grandmother of 70, two working adults,
a child of 8) on a 390 × 844 phone: the one-page form against the section-by-section pages (issue 14).

Counted as a thumb does it: a tap per button, box, radio, card opened or text box entered, two per select
(open, choose) — the member cards' answers are radio buttons, one tap; each character typed; each page load; each save (a form sent). The figures go to
tests/e2e/screenshots/survey-effort.json (and bench/survey_effort.md); the test holds the one-page form to
half the loads and saves of the pages it replaces and to fewer taps."""

import json
import re
from datetime import date

import pytest

from households.models import AdminUnit, Assignment
from households.services import household_create
from reviews import services
from reviews.models import Case, ReviewRound
from tests.e2e.conftest import SCREENSHOTS, assert_fits_phone, assert_no_english

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOUR = [
    {"full_name": "Nguyễn Văn Cha", "date_of_birth": date(1988, 4, 2), "sex": "male", "relationship": "head"},
    {"full_name": "Trần Thị Mẹ", "date_of_birth": date(1990, 7, 9), "sex": "female", "relationship": "spouse"},
    {"full_name": "Lê Thị Bà", "date_of_birth": date(1956, 5, 1), "sex": "female", "relationship": "parent"},
    {"full_name": "Nguyễn Văn Con", "date_of_birth": date(2018, 3, 1), "sex": "male", "relationship": "child"},
]


class Effort:
    def __init__(self, page):
        self.page, self.taps, self.chars, self.loads, self.saves = page, 0, 0, 0, 0
        page.on("load", lambda _page: self._load())
        page.on("request", lambda r: self._request(r))

    def _load(self):
        self.loads += 1

    def _request(self, request):
        if request.method == "POST" and request.resource_type == "document":
            self.saves += 1

    def tap(self, locator):
        locator.click()
        self.taps += 1

    def check(self, locator):
        locator.check()
        self.taps += 1

    def choose(self, locator, value):
        locator.select_option(value)
        self.taps += 2

    def type(self, locator, text):
        locator.fill(text)
        self.taps += 1
        self.chars += len(text)

    def figures(self):
        return {"taps": self.taps, "characters": self.chars, "page_loads": self.loads, "saves": self.saves}


def household_of_four(code, head):
    village = AdminUnit.objects.get(code="20236-001")
    members = [{**FOUR[0], "full_name": head}, *FOUR[1:]]
    household = household_create(village=village, code=code, address="12 Lê Duẩn", members=members)
    round_ = ReviewRound.objects.get(status="open", kind="periodic")
    officer = Assignment.objects.get(user__username="phuong.haichau").user
    return services.case_add(round_=round_, household=household, inclusion=Case.Inclusion.FORM_01, user=officer)


def card(page, name):
    return page.locator("[data-member-card]", has_text=name)


def answer_members(e, page, head):
    for name, field, value in (
        (head, "employment", "wage_with_contract"),
        ("Trần Thị Mẹ", "employment", "self_employed"),
        ("Lê Thị Bà", "working_capacity", "partial"),
        ("Nguyễn Văn Con", "schooling", "primary"),
    ):
        person = card(page, name)
        if person.get_attribute("open") is None:  # a closed card is opened with a tap
            e.tap(person.locator("summary"))
        e.check(person.locator(f"input[name$='-{field}'][value={value}]"))


def answer_housing(e, page):
    page.locator("#id_durable_walls").uncheck()
    e.taps += 1
    e.type(page.locator("#id_floor_area_m2"), "40")


def answer_water(e, page):
    e.check(page.locator("input[name=water_source][value=unprotected_well]"))
    e.check(page.locator("input[name=latrine][value=simple_pit]"))
    e.check(page.locator("input[name=household_waste][value=collected]"))


def answer_information(e, page):
    e.check(page.locator("#id_uses_telecom"))
    e.check(page.locator("input[name=devices][value=tv]"))
    e.check(page.locator("input[name=digital_services][value=uses_digital_services]"))


def answer_income(e, page):
    e.tap(page.get_by_role("button", name="Không có cho mọi ô còn trống"))
    e.type(page.locator("#id_income_wages"), "120 triệu")


def start(page, case, head):
    """From the village's list (the head's starting point, not counted): tap the household, save the quick screen."""
    page.goto(f"{page.base}/rounds/{case.round_id}/villages/20236-001/")
    e = Effort(page)
    e.tap(page.get_by_role("link", name=head))
    e.tap(page.get_by_role("button", name="Lưu và tiếp tục"))
    return e


def test_the_one_page_form_halves_the_loads_and_saves_of_a_household_of_four(demo, open_page):
    figures = {}

    page = open_page("totruong.1")
    case = household_of_four("HH-FOUR-1", "Nguyễn Văn Cha")
    e = start(page, case, "Nguyễn Văn Cha")
    page.wait_for_url(re.compile(r"/form/$"))
    answer_members(e, page, "Nguyễn Văn Cha")
    answer_housing(e, page)
    answer_water(e, page)
    answer_information(e, page)
    answer_income(e, page)
    assert_fits_phone(page)
    assert_no_english(page)
    e.tap(page.get_by_role("button", name="Lưu phiếu rà soát"))
    page.wait_for_url(re.compile(rf"/cases/{case.pk}/$"))
    figures["one_page_form"] = e.figures()
    case.refresh_from_db()
    assert case.status == "surveyed" and case.income_wages == 120_000_000

    page = open_page("totruong.1")
    case = household_of_four("HH-FOUR-2", "Nguyễn Văn Chú")
    e = start(page, case, "Nguyễn Văn Chú")
    page.wait_for_url(re.compile(r"/form/$"))
    e.tap(page.get_by_role("link", name="Thành viên", exact=True))  # the section pages, as before
    for answer, next_url in (
        (lambda e, page: answer_members(e, page, "Nguyễn Văn Chú"), "/survey/housing/"),
        (answer_housing, "/survey/water/"),
        (answer_water, "/survey/information/"),
        (answer_information, "/survey/income/"),
        (answer_income, f"/cases/{case.pk}/"),
    ):
        answer(e, page)
        e.tap(page.get_by_role("button", name="Lưu và tiếp tục").first)
        page.wait_for_url(re.compile(re.escape(next_url) + "$"))
    figures["section_pages"] = e.figures()
    case.refresh_from_db()
    assert case.status == "surveyed" and case.income_wages == 120_000_000

    (SCREENSHOTS / "survey-effort.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(json.dumps(figures))
    one, pages = figures["one_page_form"], figures["section_pages"]
    assert one["page_loads"] * 2 <= pages["page_loads"] + 1 and one["saves"] * 2 <= pages["saves"]
    assert one["taps"] < pages["taps"] and one["characters"] == pages["characters"]
