"""Territory changes (households.territory_changes): paths, area type, scoping, households, the log, the
admin and the command. Open rounds: tests/reviews/test_territory_rounds.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from households.access import scope_of
from households.models import AdminUnit, Assignment, Household, TerritoryEvent
from households.territory import village_create
from households.territory_changes import village_move, village_split, villages_merge, ward_area_type_set
from tests.conftest import make_household

pytestmark = pytest.mark.django_db


def refused(code):
    """The change is refused with this error code (the message is Vietnamese)."""
    return pytest.raises(ValidationError, check=lambda exc: code in error_codes(exc))


def error_codes(exc):
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def fresh(unit):
    unit.refresh_from_db()
    return unit


def detail(client, user, household):
    client.force_login(user)
    return client.get(reverse("households:detail", kwargs={"code": household.code})).status_code


def test_a_moved_village_gets_the_new_wards_path_and_area_type_and_changes_hands(client, territory, personas):
    t, p = territory, personas
    household = make_household(t["village"], "HH-MOVE", members=2)
    assert detail(client, p["ward_officer"], household) == 200
    assert detail(client, p["commune_officer"], household) == 404

    event = village_move(village=t["village"], ward=t["commune"], user=p["city_officer"], reason="QĐ 1/QĐ-UBND")

    village = fresh(t["village"])
    assert village.parent == t["commune"] and village.path == "/48/497/20293/20236-001/"
    assert village.area_type == "rural" and village.code == "20236-001"
    assert Household.objects.visible_to(p["commune_officer"]).filter(pk=household.pk).exists()
    assert not Household.objects.visible_to(p["ward_officer"]).filter(pk=household.pk).exists()
    assert scope_of(p["commune_officer"]).covers(village) and not scope_of(p["ward_officer"]).covers(village)
    assert detail(client, p["ward_officer"], household) == 404
    assert detail(client, p["commune_officer"], household) == 200
    # The district above follows the path: the old district officer loses it, the new one reads it.
    assert detail(client, p["district_officer"], household) == 404
    assert detail(client, p["other_district_officer"], household) == 200
    # The village's head keeps their village wherever it is.
    assert detail(client, p["village_head"], household) == 200
    assert (event.action, event.actor, event.reason) == ("move", p["city_officer"], "QĐ 1/QĐ-UBND")
    assert event.data["from_path"] == "/48/492/20236/20236-001/" and event.data["to_path"] == village.path
    assert (event.data["from_area_type"], event.data["to_area_type"], event.data["households"]) == ("urban", "rural", 1)


def test_a_ward_never_gives_a_moved_villages_code_to_a_new_village(territory, personas):
    village_move(village=territory["other_village"], ward=territory["commune"], user=personas["city_officer"], reason="r")
    assert village_create(ward=territory["ward"], name="Tổ dân phố 3").code == "20236-003"


@pytest.mark.parametrize(
    ("target", "code"),
    [("ward", "same_ward"), ("district", "not_ward"), ("rural_village", "not_ward")],
)
def test_a_move_to_the_same_ward_or_to_a_unit_that_is_not_a_ward_is_refused(territory, personas, target, code):
    with refused(code):
        village_move(village=territory["village"], ward=territory[target], user=personas["city_officer"], reason="r")
    assert fresh(territory["village"]).path == "/48/492/20236/20236-001/"


def test_only_the_city_officer_or_an_administrator_changes_the_territory_and_always_with_a_reason(territory, personas):
    t = territory
    for persona in ("ward_officer", "district_officer", "village_head", "statistician"):
        with pytest.raises(PermissionDenied):
            village_move(village=t["village"], ward=t["commune"], user=personas[persona], reason="r")
    with refused("reason"):
        village_move(village=t["village"], ward=t["commune"], user=personas["city_officer"], reason="  ")
    village_move(village=t["village"], ward=t["commune"], user=personas["admin"], reason="r")
    assert fresh(t["village"]).parent == t["commune"]


def test_a_move_into_a_ward_with_a_village_of_the_same_name_needs_a_new_name(territory, personas):
    t = territory
    clash = village_create(ward=t["commune"], name="Tổ dân phố 1")
    with refused("name_taken"):
        village_move(village=t["village"], ward=t["commune"], user=personas["city_officer"], reason="r")
    village_move(village=t["village"], ward=t["commune"], user=personas["city_officer"], reason="r", name="Thôn Tân Lập")
    assert fresh(t["village"]).name == "Thôn Tân Lập" and fresh(clash).name == "Tổ dân phố 1"


def end_head(user):
    Assignment.objects.filter(user=user).update(ended_at=timezone.now())


def test_merging_moves_the_households_with_their_history_and_retires_the_merged_village(client, territory, personas):
    t, p = territory, personas
    moved = make_household(t["other_village"], "HH-M1")
    stays = make_household(t["village"], "HH-M2")
    read_version = moved.version
    with refused("has_head"):
        villages_merge(villages=[t["other_village"]], into=t["village"], user=p["city_officer"], reason="NQ 5")
    end_head(p["other_village_head"])

    event = villages_merge(villages=[t["other_village"]], into=t["village"], user=p["city_officer"], reason="NQ 5")

    moved.refresh_from_db()
    assert moved.village == t["village"] and moved.version == read_version + 1
    last = moved.history.first()
    assert (last.village_id, last.history_user, last.history_change_reason) == (t["village"].pk, p["city_officer"], "NQ 5")
    assert fresh(t["other_village"]).valid_to == timezone.localdate()
    assert fresh(stays).village == t["village"]
    assert event.unit == t["village"] and event.data["households"] == ["HH-M1"] and event.data["villages"] == ["20236-002"]
    assert detail(client, p["village_head"], moved) == 200
    # A retired village takes no more changes.
    with refused("retired"):
        village_move(village=fresh(t["other_village"]), ward=t["commune"], user=p["city_officer"], reason="r")


def test_merging_into_a_village_of_another_ward_gives_the_households_that_wards_area(client, territory, personas):
    t, p = territory, personas
    household = make_household(t["rural_village"], "HH-X")
    villages_merge(villages=[t["rural_village"]], into=t["other_village"], user=p["city_officer"], reason="r")
    assert detail(client, p["ward_officer"], household) == 200
    assert detail(client, p["commune_officer"], household) == 404


def test_a_village_cannot_be_merged_into_itself(territory, personas):
    with refused("itself"):
        villages_merge(villages=[territory["village"]], into=territory["village"], user=personas["city_officer"], reason="r")


def test_splitting_gives_the_listed_households_a_new_village_of_the_same_ward(client, territory, personas):
    t, p = territory, personas
    a, b, c = (make_household(t["village"], code) for code in ("HH-S1", "HH-S2", "HH-S3"))

    new = village_split(
        village=t["village"], name="Tổ dân phố 1B", household_codes=["HH-S1", "HH-S3"], user=p["city_officer"], reason="r"
    )

    assert new.parent == t["ward"] and new.path == f"/48/492/20236/{new.code}/" and new.area_type == "urban"
    assert new.code == "20236-003" and new.unit_type == t["village"].unit_type
    assert set(new.households.values_list("code", flat=True)) == {"HH-S1", "HH-S3"}
    assert fresh(b).village == t["village"]
    # The old village's head no longer reaches the households that left; the ward officer still does.
    assert detail(client, p["village_head"], a) == 404 and detail(client, p["village_head"], b) == 200
    assert detail(client, p["ward_officer"], c) == 200
    event = TerritoryEvent.objects.get(action="split")
    assert event.unit == t["village"] and event.data["new_village"] == new.code


def test_a_split_naming_a_household_of_another_village_changes_nothing(territory, personas):
    t = territory
    make_household(t["village"], "HH-S1")
    make_household(t["other_village"], "HH-ELSE")
    with refused("not_in_village"):
        village_split(
            village=t["village"], name="Tổ 1B", household_codes=["HH-S1", "HH-ELSE"], user=personas["city_officer"], reason="r"
        )
    assert AdminUnit.objects.villages().count() == 3 and not TerritoryEvent.objects.exists()


def test_a_wards_area_type_changes_with_its_villages(territory, personas):
    t = territory
    event = ward_area_type_set(ward=t["commune"], area_type="urban", user=personas["city_officer"], reason="r")
    assert fresh(t["commune"]).area_type == "urban" and fresh(t["rural_village"]).area_type == "urban"
    assert event.data == {"from_area_type": "rural", "to_area_type": "urban", "carried": {"reviews": {}}}
    assert ward_area_type_set(ward=t["commune"], area_type="urban", user=personas["city_officer"], reason="r") is None


def test_the_admin_shows_where_a_unit_sits_read_only_and_adds_no_unit(client, territory, personas):
    client.force_login(personas["admin"])
    village = territory["village"]
    url = reverse("admin:households_adminunit_change", args=[village.pk])
    html = client.get(url).content.decode()
    for field in ("code", "parent", "path", "level", "area_type"):
        assert f'name="{field}"' not in html, field
    assert 'name="name"' in html and "/48/492/20236/20236-001/" in html
    response = client.post(
        url,
        {"name": "Tổ dân phố Một", "unit_type": "Tổ dân phố", "parent": territory["commune"].pk, "path": "/x/", "level": "ward"},
    )
    assert response.status_code == 302
    village = fresh(village)
    assert (village.name, village.parent, village.path, village.level) == (
        "Tổ dân phố Một",
        territory["ward"],
        "/48/492/20236/20236-001/",
        "village",
    )
    assert client.get(reverse("admin:households_adminunit_add")).status_code == 403
    assert client.get(reverse("admin:households_territoryevent_changelist")).status_code == 200
    assert client.get(reverse("admin:households_territoryevent_add")).status_code == 403


def test_the_command_moves_merges_and_splits_and_says_what_it_did(territory, personas, capsys):
    t = territory
    make_household(t["village"], "HH-C1")
    make_household(t["village"], "HH-C2")
    who = ["--user", "city1", "--reason", "QĐ 9"]
    call_command("territory", "move", "20236-001", "--to", "20293", *who)
    assert fresh(t["village"]).path == "/48/497/20293/20236-001/"
    call_command("territory", "split", "20236-001", "--name", "Thôn 1B", "--households", "HH-C2", *who)
    new = AdminUnit.objects.get(name="Thôn 1B")
    assert new.parent == t["commune"] and new.households.get().code == "HH-C2"
    end_head(personas["village_head"])
    call_command("territory", "merge", "20236-001", "--into", new.code, *who)
    assert set(new.households.values_list("code", flat=True)) == {"HH-C1", "HH-C2"}
    call_command("territory", "area-type", "20293", "urban", *who)
    assert fresh(new).area_type == "urban"
    assert TerritoryEvent.objects.filter(actor__username="city1").count() == 4
    out = capsys.readouterr().out
    assert "20236-001" in out or "Tổ dân phố 1" in out
    with pytest.raises(CommandError):
        call_command("territory", "move", "99999-001", "--to", "20293", *who)
    with pytest.raises(CommandError):
        call_command("territory", "move", new.code, "--to", "20236", "--user", "ward1", "--reason", "r")
