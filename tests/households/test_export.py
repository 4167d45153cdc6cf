import io
from datetime import datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Member
from tests.conftest import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(territory):
    here = make_household(territory["village"], "HH-1", members=2)
    make_household(territory["other_village"], "HH-2", members=1)
    make_household(territory["rural_village"], "HH-R", members=1)
    Member.objects.filter(household=here, relationship="head").update(id_number="048080001234")
    return territory


def read(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    return sheet, list(sheet.iter_rows(values_only=True))


def test_the_export_has_vietnamese_headers_a_frozen_header_and_an_auto_filter(client_for, personas, registry):
    sheet, rows = read(client_for(personas["ward_officer"]).get(reverse("households:export")))
    assert rows[0][:3] == ("Mã hộ", "Thôn / tổ dân phố", "Địa chỉ")
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J3"
    assert [r[0] for r in rows[1:]] == ["HH-1", "HH-2"]


def test_dates_are_real_dates_shown_as_dd_mm_yyyy(client_for, personas, registry):
    sheet, rows = read(client_for(personas["ward_officer"]).get(reverse("households:export")))
    assert rows[1][5] == datetime(1980, 1, 1)
    assert sheet["F2"].number_format == "dd/mm/yyyy"


def test_the_export_follows_the_pages_filters(client_for, personas, registry):
    response = client_for(personas["ward_officer"]).get(reverse("households:export"), {"q": "HH-2"})
    _sheet, rows = read(response)
    assert [r[0] for r in rows[1:]] == ["HH-2"]


def test_a_ward_officer_cannot_export_another_wards_households(client_for, personas, registry):
    response = client_for(personas["commune_officer"]).get(reverse("households:export"), {"q": "HH-1"})
    _sheet, rows = read(response)
    assert rows[1:] == []


def test_id_numbers_are_masked_for_a_district_officer(client_for, personas, registry):
    _sheet, rows = read(client_for(personas["district_officer"]).get(reverse("households:export")))
    assert rows[1][6] == "0480******34"


def test_id_numbers_are_full_for_a_village_head(client_for, personas, registry):
    _sheet, rows = read(client_for(personas["village_head"]).get(reverse("households:export")))
    assert rows[1][6] == "048080001234"
