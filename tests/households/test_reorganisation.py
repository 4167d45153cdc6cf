"""The 2023 → 2025 reorganisation (households.reorganisation, manage.py reorganise) on the shipped unit files
and the shipped demo mapping. Open rounds: tests/reviews/test_reorganisation_rounds.py."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from households.demo import ensure_villages, seed_households
from households.models import AdminUnit, Assignment, Household, TerritoryEvent
from households.reorganisation import demo_mapping, reorganise
from households.territory import DATA_DIR, read_unit_rows, structure_text, units_load
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DEMO_MAPPING = DATA_DIR / "reorganisation_2023_2025_demo.csv"
NEW_WARDS = {r["code"] for r in read_unit_rows(structure_text("2025")) if r["level"] in ("ward", "commune", "special_zone")}


@pytest.fixture
def city_2023(db):
    """The shipped 2023 units, 6–7 villages per ward (so the demo's split wards keep some), 500 households."""
    units_load(text=structure_text("2023"))
    ensure_villages(seed=7, per_ward=(6, 7))
    seed_households(total=500, seed=7)
    return make_user("thanhpho", Assignment.Role.CITY_OFFICER, AdminUnit.objects.get(code="48"))


def snapshot():
    return {
        "households": Counter(Household.objects.values_list("village__code", flat=True)),
        "paths": sorted(AdminUnit.objects.values_list("code", "path", "name", "valid_to")),
        "events": TerritoryEvent.objects.count(),
    }


def run(user, mapping=DEMO_MAPPING, **options):
    return reorganise(
        mapping_text=Path(mapping).read_text(encoding="utf-8"),
        units_text=structure_text("2025"),
        user=user,
        reason="NQ 1659/NQ-UBTVQH15",
        **options,
    )


def test_the_shipped_demo_mapping_is_the_rules_output_and_says_it_is_a_demo():
    text = DEMO_MAPPING.read_text(encoding="utf-8")
    assert text == demo_mapping(structure_text("2023"), structure_text("2025"))
    assert "DEMO" in text.splitlines()[0]
    rows = [line.split(",") for line in text.splitlines() if not line.startswith(("#", "kind"))]
    assert {r[-1] for r in rows} == {"demo"}
    old_wards = {r["code"] for r in read_unit_rows(structure_text("2023")) if r["level"] in ("ward", "commune")}
    assert {r[1] for r in rows if r[0] == "unit"} == old_wards
    assert {r[3] for r in rows} <= NEW_WARDS


def test_every_village_and_household_moves_under_a_2025_ward_and_a_second_run_does_nothing(city_2023):
    user = city_2023
    before = Counter(Household.objects.values_list("village__code", flat=True))
    villages = set(AdminUnit.objects.villages().values_list("code", flat=True))

    report = run(user)

    assert report.loaded is not None and report.moves and not report.left
    # Every village and household is still there, in the same village, now under a 2025 ward.
    assert Counter(Household.objects.values_list("village__code", flat=True)) == before
    assert set(AdminUnit.objects.villages().current().values_list("code", flat=True)) == villages
    for village in AdminUnit.objects.villages().select_related("parent"):
        assert village.parent.code in NEW_WARDS and village.parent.valid_to is None, village.code
        assert village.path == f"/48/{village.parent.code}/{village.code}/"
        assert village.area_type == village.parent.area_type
    for path in Household.objects.values_list("village__path", flat=True):
        assert path.split("/")[2] in NEW_WARDS
    # A split ward: its villages 001–005 went one way, the rest another (the demo rule).
    assert AdminUnit.objects.get(code="20195-001").parent.code == "20197"
    assert AdminUnit.objects.get(code="20195-006").parent.code == "20194"
    # Name clashes in the new ward get the old ward's name; the old units are kept, retired.
    assert AdminUnit.objects.get(code="20195-006").name == "Tổ dân phố 6 (Hòa Hiệp Nam)"
    assert AdminUnit.objects.get(code="20195").valid_to is not None
    assert AdminUnit.objects.get(code="492").valid_to is not None
    # The log: a move per village moved, a reorganisation per old unit keeping its old name.
    assert TerritoryEvent.objects.filter(action="move").count() == len(report.moves)
    kept = TerritoryEvent.objects.get(action="reorganise", unit__code="20209")
    assert (kept.data["from_name"], kept.data["to_name"], kept.data["from_parent"]) == (
        "Phường Xuân Hà",
        "Phường Thanh Khê",
        "491",
    )
    assert kept.data["kept_in_place"] and kept.unit.path == "/48/20209/"
    assert TerritoryEvent.objects.filter(action="reorganise").count() == 56

    state = snapshot()
    again = run(user)
    assert again.nothing_to_do and not again.moves
    assert snapshot() == state


def test_the_command_reports_and_a_second_run_says_nothing_to_do(city_2023, capsys):
    call_command("reorganise", mapping=str(DEMO_MAPPING), user="thanhpho")
    out = capsys.readouterr().out
    assert "DEMO" in out
    state = snapshot()
    call_command("reorganise", mapping=str(DEMO_MAPPING), user="thanhpho")
    out = capsys.readouterr().out
    assert "Nothing to do" in out or "Không có gì" in out
    assert snapshot() == state


def test_a_dry_run_changes_nothing(city_2023):
    state = snapshot()
    report = run(city_2023, dry_run=True)
    assert report.moves and report.dry_run
    assert snapshot() == state


def test_an_unmapped_old_unit_with_households_is_refused_with_nothing_changed(city_2023, tmp_path):
    lines = DEMO_MAPPING.read_text(encoding="utf-8").splitlines(keepends=True)
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("".join(line for line in lines if not line.startswith(("unit,20203,", "unit,20236,"))))
    state = snapshot()
    with pytest.raises(ValidationError) as exc:
        run(city_2023, mapping)
    assert {e.code for e in exc.value.error_list} == {"unmapped"}
    assert [m.split(":")[0] for m in exc.value.messages] == ["20203 Phường Tam Thuận", "20236 Phường Hải Châu I"]
    assert snapshot() == state
    with pytest.raises(CommandError, match="20203"):
        call_command("reorganise", mapping=str(mapping), user="thanhpho")
    assert snapshot() == state


def test_a_mapping_to_a_unit_that_is_not_new_or_a_user_without_the_right_is_refused(city_2023, tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(
        DEMO_MAPPING.read_text(encoding="utf-8").replace("unit,20203,Phường Tam Thuận,20209", "unit,20203,x,20206")
    )
    with pytest.raises(ValidationError, match="20206"):
        run(city_2023, mapping)
    ward_officer = make_user("phuong", Assignment.Role.WARD_OFFICER, AdminUnit.objects.get(code="20236"))
    with pytest.raises(CommandError):
        call_command("reorganise", mapping=str(DEMO_MAPPING), user=ward_officer.username)
    assert not TerritoryEvent.objects.exists()
