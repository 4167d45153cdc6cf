from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

from households.access import approving_unit
from households.models import AdminUnit
from households.territory import STRUCTURE_FILES, structure_text, units_load, village_create, villages_import
from tests.conftest import make_household

pytestmark = pytest.mark.django_db


def level_counts():
    return Counter(AdminUnit.objects.current().values_list("level", flat=True))


def test_loading_the_2023_list_gives_8_districts_45_wards_and_11_communes():
    call_command("load_units", str(STRUCTURE_FILES["2023"]), verbosity=0)
    assert level_counts() == {"city": 1, "district": 8, "ward": 45, "commune": 11}


def test_loading_the_2025_list_gives_23_wards_70_communes_and_one_special_zone():
    call_command("load_units", str(STRUCTURE_FILES["2025"]), verbosity=0)
    assert level_counts() == {"city": 1, "ward": 23, "commune": 70, "special_zone": 1}


def test_loading_the_same_list_twice_changes_nothing():
    units_load(text=structure_text("2023"))
    report = units_load(text=structure_text("2023"))
    assert (report.created, report.updated, report.retired, report.deleted) == ([], [], [], [])


def test_area_type_follows_the_unit_kind_and_villages_inherit_it():
    units_load(text=structure_text("2023"))
    ward = AdminUnit.objects.get(code="20236")
    commune = AdminUnit.objects.get(code="20293")
    assert (ward.area_type, commune.area_type) == ("urban", "rural")
    assert village_create(ward=commune, name="Thôn Phú Túc").area_type == "rural"


def test_moving_to_the_2025_structure_renames_moves_and_keeps_units_that_have_households():
    units_load(text=structure_text("2023"))
    kept_ward = AdminUnit.objects.get(code="20236")  # Hải Châu I: absent from the 2025 list
    village = village_create(ward=kept_ward, name="Tổ dân phố 1")
    make_household(village, "HH-KEEP")

    report = units_load(text=structure_text("2025"))

    renamed = AdminUnit.objects.get(code="20194")
    assert renamed.name == "Phường Hải Vân" and renamed.parent.code == "48"
    assert renamed.path == "/48/20194/"
    kept_ward.refresh_from_db()
    assert kept_ward.valid_to is not None and "20236" in report.retired
    assert AdminUnit.objects.filter(code="20236-001").exists()
    assert not AdminUnit.objects.filter(code="20237").exists() or "20237" in report.retired
    assert level_counts()["ward"] == 23


def test_a_file_with_a_missing_parent_is_refused_with_the_line():
    text = "code,name,type,level,parent_code\n48,Đà Nẵng,Thành phố,city,\n20236,P,Phường,ward,999\n"
    with pytest.raises(ValidationError, match="999"):
        units_load(text=text)
    assert not AdminUnit.objects.exists()


def test_wards_report_to_their_district_before_2025_and_to_the_city_after():
    units_load(text=structure_text("2023"))
    assert approving_unit(AdminUnit.objects.get(code="20236")).code == "492"
    units_load(text=structure_text("2025"))
    assert approving_unit(AdminUnit.objects.get(code="20242")).code == "48"


def test_village_names_are_unique_within_a_ward():
    units_load(text=structure_text("2023"))
    ward = AdminUnit.objects.get(code="20236")
    first = village_create(ward=ward, name="Tổ dân phố 7")
    assert first.code == "20236-001" and first.path == "/48/492/20236/20236-001/"
    with pytest.raises(ValidationError):
        village_create(ward=ward, name="tổ dân phố  7")


def test_village_import_writes_all_rows_or_none_and_is_idempotent():
    units_load(text=structure_text("2023"))
    good = "parent_code,name\n20236,Tổ 1\n20236,Tổ 2\n20293,Thôn Phú Túc\n"
    assert villages_import(text=good) == (3, 0)
    assert villages_import(text=good) == (0, 3)
    # The message is checked in English so the test passes whether or not the catalogue is compiled.
    with translation.override("en"), pytest.raises(ValidationError, match="Line 3"):
        villages_import(text="parent_code,name\n20236,Tổ 9\n492,Not a ward\n")
    assert not AdminUnit.objects.filter(name="Tổ 9").exists()


def test_a_ward_officer_imports_villages_into_their_own_ward_only(client, personas, territory):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(personas["ward_officer"])
    url = reverse("households:village_import", args=[territory["ward"].code])
    good = SimpleUploadedFile("v.csv", "parent_code,name\n20236,Tổ dân phố 7\n20236,Tổ dân phố 8\n".encode())
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert set(
        AdminUnit.objects.filter(parent=territory["ward"], name__startswith="Tổ dân phố ").values_list("name", flat=True)
    ) >= {
        "Tổ dân phố 7",
        "Tổ dân phố 8",
    }
    other_ward = SimpleUploadedFile("v.csv", "parent_code,name\n20236,Tổ dân phố 9\n20293,Thôn 9\n".encode())
    response = client.post(url, {"file": other_ward})
    assert response.status_code == 200 and "20293" in response.content.decode()
    assert not AdminUnit.objects.filter(name__in=["Tổ dân phố 9", "Thôn 9"]).exists()
