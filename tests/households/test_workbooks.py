"""No workbook carries a formula typed into the data (issue 12, item 2).

A name such as ``=HYPERLINK("http://x","Xem")`` must come back from every workbook the portal writes as
the text it is (a string cell, with Excel's quote prefix so that editing the cell keeps it text), while the
portal's own totals stay formulas. Each workbook is read back from its bytes with openpyxl. The reports
and beneficiary lists are checked in tests/reviews/test_reports.py and tests/reviews/test_benefits.py."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from households.importing import COLUMNS, ERROR_HEADER
from households.models import Household, ImportJob, Member
from tests.conftest import make_household

pytestmark = pytest.mark.django_db

# Texts a spreadsheet program would read as formulas (OWASP, CSV injection): =, +, -, @, tab, carriage return.
HOSTILE_NAMES = ['=HYPERLINK("http://x","Xem")', "=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


def assert_text(cell, text):
    """``cell`` holds ``text`` as text: a string cell, never a formula, quote-prefixed when it looks like one."""
    assert (cell.coordinate, cell.value, cell.data_type) == (cell.coordinate, text, "s")
    assert cell.quotePrefix, f"{cell.coordinate} {text!r} has no quote prefix"


def read(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content))


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


# ------------------------------------------------------------------ the writer itself


@pytest.mark.parametrize("write_only", [True, False])
def test_the_writer_keeps_data_text_numbers_and_dates_and_only_formula_objects_are_formulas(write_only):
    from households import workbooks

    workbook = workbooks.new_workbook(write_only=write_only)
    writer = workbooks.add_sheet(workbook, "Sổ: [1]")
    writer.append([*HOSTILE_NAMES, "Nguyễn Văn A", "bad\x01char"])
    writer.append(
        [3, 2.5, Decimal("1200000"), date(1980, 9, 5), datetime(2026, 12, 3, 8, 30), None, workbooks.Formula("=SUM(A2:C2)")]
    )
    sheet = load_workbook(io.BytesIO(workbooks.to_bytes(workbook))).active
    assert sheet.title == "Sổ- -1-"
    for cell, name in zip(sheet[1], HOSTILE_NAMES, strict=False):
        assert_text(cell, name)
    plain, illegal = sheet[1][len(HOSTILE_NAMES)], sheet[1][len(HOSTILE_NAMES) + 1]
    assert (plain.value, plain.data_type, plain.quotePrefix) == ("Nguyễn Văn A", "s", False)
    assert illegal.value == "badchar", "characters XML cannot hold are dropped, not a failed download"
    numbers = sheet[2]
    assert [c.value for c in numbers[:3]] == [3, 2.5, 1200000]
    assert {c.data_type for c in numbers[:3]} == {"n"}
    assert numbers[3].value == datetime(1980, 9, 5) and numbers[3].number_format == "dd/mm/yyyy"
    assert numbers[4].value == datetime(2026, 12, 3, 8, 30) and numbers[4].number_format == "dd/mm/yyyy hh:mm"
    assert (numbers[6].value, numbers[6].data_type) == ("=SUM(A2:C2)", "f")


def test_even_a_row_appended_straight_to_a_write_only_sheet_keeps_text_as_text():
    from households import workbooks

    workbook = workbooks.new_workbook()
    writer = workbooks.add_sheet(workbook, "x")
    writer.sheet.append(["=1+1", 5])
    sheet = load_workbook(io.BytesIO(workbooks.to_bytes(workbook))).active
    assert_text(sheet["A1"], "=1+1")
    assert (sheet["B1"].value, sheet["B1"].data_type) == (5, "n")


def test_a_formula_object_must_be_a_formula():
    from households import workbooks

    with pytest.raises(ValueError):
        workbooks.Formula("SUM(A1)")


# ------------------------------------------------------------------ household export


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_household_name_and_address_come_back_as_text_in_the_household_export(client_for, personas, territory, name):
    household = make_household(territory["village"], "HH-1", members=2)
    phone = name[: Household._meta.get_field("phone").max_length]  # PostgreSQL enforces the column's length
    Household.objects.filter(pk=household.pk).update(address=name, phone=phone)
    Member.objects.filter(household=household, relationship="head").update(full_name=name)
    sheet = read(client_for(personas["ward_officer"]).get(reverse("households:export"))).active
    row = sheet[2]
    assert row[0].value == "HH-1"
    assert_text(sheet["C2"], name)  # address
    assert_text(sheet["D2"], phone)
    assert_text(sheet["E2"], name)  # head of household
    assert (sheet["F2"].value, sheet["F2"].number_format) == (datetime(1980, 1, 1), "dd/mm/yyyy")
    assert (sheet["H2"].value, sheet["H2"].data_type) == (2, "n")


# ------------------------------------------------------------------ import template and workbook of mistakes


def test_a_village_name_comes_back_as_text_in_the_import_template(client_for, personas, territory):
    village = territory["village"]
    village.name = "=1+1"
    village.save(update_fields=["name"])
    response = client_for(personas["ward_officer"]).get(reverse("households:import_template"))
    guide = read(response)["Hướng dẫn"]
    cell = next(row[1] for row in guide.iter_rows() if row[0].value == village.code)
    assert_text(cell, "=1+1")


def text_upload(rows) -> io.BytesIO:
    """An upload whose cells are texts as a person typed them (openpyxl would turn "=…" into a formula)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _key, header, _width in COLUMNS])
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "ho.xlsx"
    return buffer


def test_names_come_back_as_text_in_the_workbook_of_mistakes(client_for, personas, territory, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = []
    for i, name in enumerate(HOSTILE_NAMES):
        rows.append(
            ["HN-1", "20236-001", name, "", "Không", "", name, "05/09/1980", "Nam", "Kinh", "Chủ hộ" if i == 0 else "Con", ""]
        )
    rows[-1][8] = "?"  # one mistake, so the job offers the workbook of mistakes
    client = client_for(personas["ward_officer"])
    client.post(reverse("households:import"), {"file": text_upload(rows)})
    job = ImportJob.objects.get()
    assert job.error_count and not Member.objects.exists()
    sheet = read(client.get(reverse("households:import_job_errors", args=[job.pk]))).active
    assert sheet.cell(row=1, column=13).value == ERROR_HEADER
    for number, name in enumerate(HOSTILE_NAMES, start=2):
        assert_text(sheet.cell(row=number, column=3), name)  # address
        assert_text(sheet.cell(row=number, column=7), name)  # full name
    assert "Nam" in sheet.cell(row=len(HOSTILE_NAMES) + 1, column=13).value
