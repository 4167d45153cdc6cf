import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from households.importing import COLUMNS, households_import, template_workbook
from households.models import Household, Member
from tests.conftest import make_household

pytestmark = pytest.mark.django_db

HEADER = [header for _key, header, _width in COLUMNS]


def ids(n: int, sex="male", year=1980):
    """Distinct valid ID numbers for people of one sex and birth year."""
    digit = "1" if sex == "female" else "0"
    return [f"048{digit}{year % 100:02d}{i:06d}" for i in range(n)]


def household_rows(code, village_code, n_members=3, *, start=0):
    numbers = ids(start + n_members)[start:]
    rows = []
    for i in range(n_members):
        rows.append(
            [
                code,
                village_code,
                f"{code} đường Lê Lợi",
                "0905000000",
                "Không",
                "",
                f"Người {code}-{i}",
                "05/09/1980",
                "Nam",
                "Kinh",
                "Chủ hộ" if i == 0 else "Con",
                numbers[i],
            ]
        )
    return rows


def workbook_bytes(rows) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def city_file(territory, households=10, members=3):
    rows = []
    for h in range(households):
        rows += household_rows(f"HN-{h:04}", territory["village"].code, members, start=h * members)
    return rows


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_one_bad_row_among_1000_writes_nothing_and_names_the_row_and_column(territory):
    rows = city_file(territory, households=250, members=4)
    assert len(rows) == 1000
    rows[700][7] = "31/02/1980"  # row 702 of the sheet (header is row 1)
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert [(e.row, e.column) for e in result.errors] == [(702, "Ngày sinh dd/mm/yyyy (*)")]
    assert "dd/mm/yyyy" in result.errors[0].message
    assert not Household.objects.exists() and not Member.objects.exists()

    rows[700][7] = "28/02/1980"
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert result.ok and (result.households_created, result.members_created) == (250, 1000)

    again = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert again.ok and not again.changed
    assert Member.objects.count() == 1000
    assert Household.history.count() == 250  # no new history rows either


def test_an_id_number_that_disagrees_with_the_birth_year_is_an_error_in_vietnamese(territory):
    rows = household_rows("HN-1", territory["village"].code, 2)
    rows[1][11] = "048090000001"
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    [error] = result.errors
    assert (error.row, error.column) == (3, "Số định danh cá nhân (12 số)")
    assert error.message.startswith("Chữ số thứ 5–6 là 90")


def test_rows_in_a_village_outside_the_importers_ward_are_errors(territory):
    rows = household_rows("HN-1", territory["rural_village"].code, 1)
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert "không phải là thôn/tổ dân phố thuộc địa bàn" in result.errors[0].message
    assert not Household.objects.exists()


def test_a_household_code_that_belongs_to_another_ward_is_an_error(territory):
    make_household(territory["rural_village"], "HN-1")
    rows = household_rows("HN-1", territory["village"].code, 1)
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert "ngoài địa bàn" in result.errors[0].message


@pytest.mark.parametrize("heads", [0, 2])
def test_each_household_needs_exactly_one_head(territory, heads):
    rows = household_rows("HN-1", territory["village"].code, 3)
    for i, row in enumerate(rows):
        row[10] = "Chủ hộ" if i < heads else "Con"
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert f"có {heads}" in result.errors[0].message


def test_household_columns_must_agree_across_a_households_rows(territory):
    rows = household_rows("HN-1", territory["village"].code, 2)
    rows[1][2] = "another address"
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert [(e.row, e.column) for e in result.errors] == [(3, "Địa chỉ (*)")]


def test_the_same_id_number_twice_in_a_file_is_an_error(territory):
    rows = household_rows("HN-1", territory["village"].code, 2)
    rows[1][11] = rows[0][11]
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert "dòng 2" in result.errors[0].message


def test_a_changed_row_updates_the_member_and_an_unchanged_one_is_left_alone(territory):
    rows = household_rows("HN-1", territory["village"].code, 2)
    households_import(file=workbook_bytes(rows), unit=territory["ward"])
    rows[1][6] = "Tên mới"
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert (result.members_updated, result.members_created, result.households_updated) == (1, 0, 0)
    assert Member.objects.filter(full_name="Tên mới").exists()


def test_dates_stored_as_excel_dates_and_ids_stored_as_numbers_are_read(territory):
    rows = household_rows("HN-1", territory["village"].code, 1)
    rows[0][7] = date(1980, 9, 5)
    rows[0][11] = int(rows[0][11])  # Excel drops the leading zero
    result = households_import(file=workbook_bytes(rows), unit=territory["ward"])
    assert result.ok
    assert Member.objects.get().id_number == "048080000000"


def test_the_template_has_the_vietnamese_headers_and_the_wards_villages(territory):
    workbook = load_workbook(io.BytesIO(template_workbook(territory["ward"])))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADER
    guide = [row[0] for row in workbook["Hướng dẫn"].iter_rows(values_only=True)]
    assert territory["village"].code in guide and territory["rural_village"].code not in guide


def test_the_command_imports_into_the_given_unit_and_refuses_a_unit_outside_the_users_area(territory, personas, tmp_path):
    path = tmp_path / "ho.xlsx"
    path.write_bytes(workbook_bytes(household_rows("HN-1", territory["village"].code, 2)).getvalue())
    call_command("import_households", str(path), "--unit", "20236", "--user", "ward1", stdout=io.StringIO())
    assert Household.objects.get(code="HN-1").members.count() == 2
    with pytest.raises(CommandError, match="outside"):
        call_command("import_households", str(path), "--unit", "20236", "--user", "commune1", stdout=io.StringIO())


def test_the_command_fails_with_the_errors_and_writes_nothing(territory, tmp_path):
    rows = household_rows("HN-1", territory["village"].code, 2)
    rows[0][8] = "?"
    path = tmp_path / "ho.xlsx"
    path.write_bytes(workbook_bytes(rows).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lỗi"):
        call_command("import_households", str(path), "--unit", "20236", stdout=io.StringIO(), stderr=err)
    assert "dòng 2" in err.getvalue()
    assert not Household.objects.exists()


def test_progress_is_reported_every_thousand_rows_while_the_rows_are_checked(territory):
    seen = []
    rows = city_file(territory, households=500, members=5)
    result = households_import(
        file=workbook_bytes(rows), unit=territory["ward"], progress=lambda done, total: seen.append((done, total))
    )
    assert result.ok
    assert seen == [(999, 2500), (1999, 2500), (2500, 2500)]  # and once when every row is read
