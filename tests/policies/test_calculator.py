"""The calculator page: facts in, a class with reasons per standard in force out; nothing saved."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from policies.models import PovertyStandard
from policies.services import standard_new_version, standards_load

URL = reverse("policies:calculator")


@pytest.fixture
def standards(db):
    standards_load()


def member(index: int, **overrides) -> dict:
    values = {
        "full_name": "Nguyễn Văn An",
        "birth_date": "1990-05-01",
        "sex": "male",
        "schooling": "none",
        "education": "upper_secondary",
        "employment": "unemployed",
        "working_capacity": "full",
        "nutrition": "normal",
    }
    values.update(overrides)
    return {f"members-{index}-{key}": value for key, value in values.items() if value is not False}


def poor_household(reference_date="2026-12-31", members=None, **overrides) -> dict:
    """Rural, 1.000.000 đồng a year for one person, no insurance, no clean water or latrine."""
    members = members if members is not None else [member(0)]
    data = {
        "area_type": "rural",
        "reference_date": reference_date,
        "floor_area_m2": "20",
        "water_source": "surface_water",
        "latrine": "none",
        "digital_services": "uses_digital_services",
        "household_waste": "collected",
        "income_wages": "1.000.000",
        # Every other source answered "Không có": an empty box is not answered, never 0.
        **{
            f"income_{source}": "0"
            for source in ("agriculture", "business", "pension", "social_allowance", "remittances", "other")
        },
        "members-TOTAL_FORMS": str(len(members) + 1),  # and one untouched extra row
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for m in members:
        data.update(m)
    # The extra row the page shows, sent back untouched: the selects keep their defaults.
    blank = {"full_name": "", "birth_date": "", "education": "none", "employment": "wage_with_contract"}
    data.update(member(len(members), **blank))
    data.update(overrides)
    return data


def result_card(html: str, code: str) -> str:
    match = re.search(rf'<article[^>]*data-standard="{code}".*?</article>', html, re.S)
    assert match, f"no result for {code}"
    return match.group(0)


def test_the_empty_calculator_opens_with_today_as_the_reference_date(client_for, personas, standards):
    response = client_for(personas["village_head"]).get(URL)
    assert response.status_code == 200
    assert timezone.localdate().isoformat() in response.content.decode()
    assert "Công cụ xác định hộ nghèo" in response.content.decode()


def test_a_clearly_poor_household_is_poor_by_the_2022_national_standard_with_the_member_named(client_for, personas, standards):
    response = client_for(personas["village_head"]).post(URL, poor_household("2026-12-31"))
    html = response.content.decode()
    assert response.status_code == 200
    card = result_card(html, "national-2022")
    assert "Hộ nghèo" in card
    assert "Nguyễn Văn An, 36 tuổi, không có thẻ bảo hiểm y tế" in card
    assert "Nguyễn Văn An, 36 tuổi, trong độ tuổi lao động, đang thất nghiệp" in card
    assert "83.333 đồng" in card and "1.500.000 đồng" in card  # whole đồng (83.333,33 exactly)
    assert "Nghị định 07/2021/NĐ-CP" in card
    assert "[H]" not in card and "Decree" not in card  # a village head reads no confidence tags or source notes
    officer = result_card(
        client_for(personas["ward_officer"]).post(URL, poor_household("2026-12-31")).content.decode(), "national-2022"
    )
    assert "[H]" in officer and "[M]" in officer  # the confidence of the line and of the indicators
    assert "Nghị định 07/2021/NĐ-CP, Phụ lục, chỉ số" in officer and "Decree" not in officer
    assert 'data-standard="national-2027"' not in html


def test_on_1_january_2027_the_same_household_is_judged_by_the_2027_national_standard(client_for, personas, standards):
    response = client_for(personas["village_head"]).post(URL, poor_household("2027-01-01"))
    html = response.content.decode()
    card = result_card(html, "national-2027")
    assert "Hộ nghèo" in card and "2.200.000 đồng" in card
    assert "Nghị định 351/2025/NĐ-CP" in card
    assert 'data-standard="national-2022"' not in html


def test_the_city_standard_without_lines_shows_not_set_yet_instead_of_a_class(client_for, personas, standards):
    html = client_for(personas["village_head"]).post(URL, poor_household()).content.decode()
    card = result_card(html, "city-danang")
    assert "Chưa nhập chuẩn" in card
    assert "Hộ nghèo" not in card and "Hộ cận nghèo" not in card
    assert "chưa thể xếp loại" in card


def test_the_city_standard_with_demo_lines_classifies_side_by_side_and_is_marked_demo(client_for, personas, standards):
    city = PovertyStandard.objects.get(code="city-danang")
    standard_new_version(
        standard=city,
        user=None,
        reason="demo",
        changes={
            "valid_from": date(2026, 1, 1),
            "rural_income_line": 2_000_000,
            "urban_income_line": 2_500_000,
            "deprivation_cutoff": 3,
            "is_demo": True,
        },
    )
    html = client_for(personas["village_head"]).post(URL, poor_household()).content.decode()
    card = result_card(html, "city-danang")
    assert "Hộ nghèo" in card and "2.000.000 đồng" in card and "Số liệu minh họa" in card
    # Before the new version's first day the first version still applies.
    html = client_for(personas["village_head"]).post(URL, poor_household("2025-06-30")).content.decode()
    assert "Chưa nhập chuẩn" in result_card(html, "city-danang")


def test_a_household_above_the_line_is_near_poor_or_better_and_says_why(client_for, personas, standards):
    data = poor_household(income_wages="30.000.000")  # 2.500.000 đồng a month: above the rural band 2.250.000
    html = client_for(personas["village_head"]).post(URL, data).content.decode()
    card = result_card(html, "national-2022")
    assert "Không thuộc hộ nghèo, cận nghèo" in card
    assert "cao hơn chuẩn 1.500.000 đồng" in card


def test_two_members_are_both_named_in_their_own_reasons(client_for, personas, standards):
    members = [
        member(0),
        member(
            1,
            full_name="Lê Thị Bình",
            birth_date="2015-03-01",
            sex="female",
            schooling="none",
            education="none",
            employment="student",
        ),
    ]
    html = client_for(personas["village_head"]).post(URL, poor_household(members=members)).content.decode()
    card = result_card(html, "national-2022")
    assert "Lê Thị Bình, 11 tuổi, không đi học" in card


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("income_wages", "-5000", "Số tiền không được âm."),
        ("income_business", "một triệu", "không phải là số tiền"),
        ("income_pension", "1,5", "Số tiền tính bằng đồng chẵn"),
        ("income_other", "36.000000", "không rõ nghĩa"),
        ("floor_area_m2", "nhiều", "Nhập một số"),
        ("floor_area_m2", "-3", "Diện tích không được âm."),
    ],
)
def test_bad_numbers_get_vietnamese_errors_and_no_result(client_for, personas, standards, field, value, message):
    response = client_for(personas["village_head"]).post(URL, poor_household(**{field: value}))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Một số câu trả lời cần sửa: xem thông báo bên dưới." in html
    assert 'id="results"' not in html


def test_a_birth_date_in_the_future_is_refused_in_vietnamese(client_for, personas, standards):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client_for(personas["village_head"]).post(URL, poor_household(members=[member(0, birth_date=tomorrow)]))
    assert response.status_code == 200
    assert "Ngày sinh không được ở tương lai." in response.content.decode()


def test_a_member_born_after_the_reference_date_is_refused(client_for, personas, standards):
    response = client_for(personas["village_head"]).post(
        URL, poor_household("2022-06-30", members=[member(0, birth_date="2023-01-01")])
    )
    assert "Vào ngày tính, thành viên này chưa sinh ra." in response.content.decode()


def test_a_household_without_members_is_refused(client_for, personas, standards):
    response = client_for(personas["village_head"]).post(URL, poor_household(members=[]))
    assert "Nhập ít nhất một thành viên của hộ." in response.content.decode()


def test_typed_dd_mm_yyyy_dates_and_dotted_amounts_are_accepted(client_for, personas, standards):
    data = poor_household("31/12/2026", members=[member(0, birth_date="01/05/1990")], income_wages="1 000 000")
    html = client_for(personas["village_head"]).post(URL, data).content.decode()
    assert "Hộ nghèo" in result_card(html, "national-2022")


def test_the_calculator_saves_nothing(client_for, personas, standards):
    before = (PovertyStandard.objects.count(), PovertyStandard.history.count())
    client_for(personas["village_head"]).post(URL, poor_household())
    assert (PovertyStandard.objects.count(), PovertyStandard.history.count()) == before


def test_the_calculator_costs_a_fixed_number_of_queries(client_for, personas, standards, django_assert_max_num_queries):
    client = client_for(personas["village_head"])
    # session + user, the scope (assignment) for access and the navigation, standards, indicators.
    with django_assert_max_num_queries(6):
        client.post(URL, poor_household())


def test_anonymous_users_are_sent_to_log_in(client, standards):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_may_not_use_the_calculator(client_for, personas, standards):
    assert client_for(personas["no_role"]).get(URL).status_code == 403


def test_put_is_not_allowed(client_for, personas, standards):
    assert client_for(personas["village_head"]).put(URL).status_code == 405
